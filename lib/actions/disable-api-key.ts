"use server";

import { keyStatusAction } from "@/lib/actions/key-status-action";

export const disableApiKey = keyStatusAction("disable", "was disabled");
