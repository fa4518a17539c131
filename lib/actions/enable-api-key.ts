"use server";

import { keyStatusAction } from "@/lib/actions/key-action-helpers";

export const enableApiKey = keyStatusAction("enable", "was enabled");
