"use server";

import { keyStatusAction } from "@/lib/actions/key-action-helpers";

export const disableApiKey = keyStatusAction("disable", "was disabled");
