"use server";

import { keyStatusAction } from "@/lib/actions/key-helpers";

export const revokeApiKey = keyStatusAction("revoke", "was revoked");
