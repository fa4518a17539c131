"use server";

import { bulkKeyStatusAction } from "@/lib/actions/key-status-action";

export const bulkDisableApiKeys = bulkKeyStatusAction("disable", "Disabled");
