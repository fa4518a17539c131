"use server";

import { keyStatusAction } from "@/lib/actions/key-helpers";

export const disableApiKey = keyStatusAction("disable", "was disabled");
