"use server";

import { keyStatusAction } from "@/lib/actions/key-status-action";

export const revokeApiKey = keyStatusAction("revoke", "was revoked");
