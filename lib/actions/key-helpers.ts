import { revalidatePath } from "next/cache";
import { ActionError } from "@/lib/actions/safe-action";
import { type Actor, KeyServiceError, type StatusChangeResult } from "@/lib/keys/service";
import type { OrgContext } from "@/lib/session";

export function actorOf(ctx: OrgContext): Actor {
  return {
    organizationId: ctx.organizationId,
    userId: ctx.user.id,
    label: `${ctx.user.name} <${ctx.user.email}>`,
  };
}

/** Runs a key-service call, turning its expected failures into action errors. */
export async function keyService<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof KeyServiceError) {
      throw new ActionError(error.code === "not_found" ? "not_found" : "conflict", error.message);
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
