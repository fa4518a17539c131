"use server";

import { keyStatusAction } from "@/lib/actions/key-status-action";

export const enableApiKey = keyStatusAction("enable", "was enabled");
