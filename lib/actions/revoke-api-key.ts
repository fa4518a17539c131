"use server";

import { keyStatusAction } from "@/lib/actions/key-action-helpers";

export const revokeApiKey = keyStatusAction("revoke", "was revoked");
