"use server";

import { bulkKeyStatusAction } from "@/lib/actions/key-action-helpers";

export const bulkRevokeApiKeys = bulkKeyStatusAction("revoke", "Revoked");
