import { revalidatePath } from "next/cache";
import { getDb } from "@/db";
import { actorOf } from "@/lib/actions/actor";
import { ActionError, ok, orgAction } from "@/lib/actions/safe-action";
import { MANAGER_ROLES } from "@/lib/auth/session";
import { keyIdSchema, keyIdsSchema } from "@/lib/keys/schemas";
import { KeyServiceError } from "@/lib/keys/service/errors";
import {
  changeKeyStatus,
  type StatusChange,
  type StatusChangeResult,
} from "@/lib/keys/service/status";

/** Runs a key-service call, turning its expected failures into action errors. */
export async function runKeyService<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof KeyServiceError) {
      const code =
        error.code === "not_found"
          ? "not_found"
          : error.code === "policy_violation" || error.code === "invalid_input"
            ? "invalid_input"
            : "conflict";
      throw new ActionError(code, error.message, error.fieldErrors);
    }
    throw error;
  }
}

export function revalidateKeyPages(): void {
  revalidatePath("/settings/api-keys", "layout");
  revalidatePath("/settings/audit-log");
}

/** A single-key status change either happened or says why not. */
export function singleChange(result: StatusChangeResult, done: string) {
  const skipped = result.skipped[0];
  if (skipped) throw new ActionError("conflict", skipped.reason);
  const key = result.changed[0];
  return `${key ? `“${key.name}”` : "The key"} ${done}.`;
}

export function bulkMessage(result: StatusChangeResult, verb: string): string {
  const n = result.changed.length;
  const base = `${verb} ${n} key${n === 1 ? "" : "s"}`;
  const skipped = result.skipped.length;
  return skipped ? `${base}; ${skipped} skipped (${result.skipped[0]?.reason})` : `${base}.`;
}

/**
 * A single-key status action (disable, enable, revoke) for a "use server" file to export: input
 * is only the key id, checked against the caller's organization by the key service.
 */
export function keyStatusAction(change: StatusChange, done: string) {
  return orgAction({ schema: keyIdSchema, roles: MANAGER_ROLES }, async (input, ctx) => {
    const result = await runKeyService(() =>
      changeKeyStatus(getDb(), actorOf(ctx), [input.id], change),
    );
    const message = singleChange(result, done);
    revalidateKeyPages();
    return ok(null, message);
  });
}

/** The bulk counterpart: several ids, all of the caller's organization or nothing changes. */
export function bulkKeyStatusAction(change: StatusChange, verb: string) {
  return orgAction({ schema: keyIdsSchema, roles: MANAGER_ROLES }, async (input, ctx) => {
    const result = await runKeyService(() =>
      changeKeyStatus(getDb(), actorOf(ctx), input.ids, change),
    );
    revalidateKeyPages();
    return ok(result, bulkMessage(result, verb));
  });
}
