"use server";

import { z } from "zod";
import { getDb } from "@/db";
import { actorOf } from "@/lib/actions/actor";
import { revalidateKeyPages, runKeyService } from "@/lib/actions/key-action-helpers";
import { ok, orgAction } from "@/lib/actions/safe-action";
import { MANAGER_ROLES } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { GRACE_PERIOD_IDS } from "@/lib/keys/grace";
import { rollKey } from "@/lib/keys/service/roll";

const schema = z.object({
  id: z.uuid("Unknown key."),
  gracePeriod: z.enum(GRACE_PERIOD_IDS, { error: "Choose when the old key stops working." }),
});

/** Rolls a key. The new key is in this response only, like on creation. */
export const rollApiKey = orgAction({ schema, roles: MANAGER_ROLES }, async (input, ctx) => {
  const rolled = await runKeyService(() =>
    rollKey(getDb(), actorOf(ctx), input.id, input.gracePeriod, env().KEY_PREFIX),
  );
  revalidateKeyPages();
  return ok(
    { id: rolled.id, key: rolled.key, prefix: rolled.prefix },
    input.gracePeriod === "now" ? "Key rolled; the old key no longer works." : "Key rolled.",
  );
});
