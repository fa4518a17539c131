"use server";

import { bulkKeyStatusAction } from "@/lib/actions/key-helpers";

export const bulkRevokeApiKeys = bulkKeyStatusAction("revoke", "Revoked");
