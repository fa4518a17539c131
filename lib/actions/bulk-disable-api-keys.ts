"use server";

import { bulkKeyStatusAction } from "@/lib/actions/key-action-helpers";

export const bulkDisableApiKeys = bulkKeyStatusAction("disable", "Disabled");
