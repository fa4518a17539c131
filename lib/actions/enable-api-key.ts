"use server";

import { keyStatusAction } from "@/lib/actions/key-helpers";

export const enableApiKey = keyStatusAction("enable", "was enabled");
