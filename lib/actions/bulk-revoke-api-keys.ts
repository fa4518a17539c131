"use server";

import { bulkKeyStatusAction } from "@/lib/actions/key-status-action";

export const bulkRevokeApiKeys = bulkKeyStatusAction("revoke", "Revoked");
