"use server";

import { bulkKeyStatusAction } from "@/lib/actions/key-helpers";

export const bulkDisableApiKeys = bulkKeyStatusAction("disable", "Disabled");
