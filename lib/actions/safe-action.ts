import { z } from "zod";
import type { Role } from "@/db/schema";
import { getOrgContext, type OrgContext } from "@/lib/auth/session";

export type FieldErrors = Record<string, string[]>;

export type ActionResult<T = null> =
  | { ok: true; data: T; message?: string }
  | {
      ok: false;
      code: "unauthenticated" | "forbidden" | "invalid_input" | "not_found" | "conflict" | "error";
      error: string;
      fieldErrors?: FieldErrors;
      /** What a form sent, echoed back so it can be shown again (never secrets). */
      values?: Record<string, string>;
    };

export type ActionFailure = Extract<ActionResult, { ok: false }>;

/** Thrown inside an action to end it with a clear, expected failure (rolls back a transaction). */
export class ActionError extends Error {
  constructor(
    readonly code: ActionFailure["code"],
    message: string,
    readonly fieldErrors?: FieldErrors,
  ) {
    super(message);
  }
}

export const ok = <T>(data: T, message?: string): ActionResult<T> => ({ ok: true, data, message });

/** FormData → plain object; a key sent more than once becomes an array. */
export function formDataToObject(form: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(form.keys())) {
    if (key.startsWith("$ACTION")) continue;
    const values = form.getAll(key).filter((v): v is string => typeof v === "string");
    out[key] = values.length > 1 ? values : values[0];
  }
  return out;
}

/** A form's fields as strings (multi-valued ones joined by newlines), to refill it after errors. */
export function formValues(form: FormData, omit: readonly string[] = ["password"]) {
  const out: Record<string, string> = {};
  for (const key of new Set(form.keys())) {
    if (key.startsWith("$ACTION") || omit.includes(key)) continue;
    out[key] = form
      .getAll(key)
      .filter((v): v is string => typeof v === "string")
      .join("\n");
  }
  return out;
}

export function toFieldErrors(error: z.ZodError): FieldErrors {
  const flat = z.flattenError(error);
  return flat.fieldErrors as FieldErrors;
}

/** The failure for input that did not parse: field errors, and the form's values to refill it. */
export function invalidInput(error: z.ZodError, form?: FormData): ActionFailure {
  return {
    ok: false,
    code: "invalid_input",
    error: "Check the highlighted fields.",
    fieldErrors: toFieldErrors(error),
    values: form ? formValues(form) : undefined,
  };
}

/**
 * Builds a server action that parses its input with `schema`, loads the session and the active
 * membership from the database, checks the role, and only then runs `fn` with an org-scoped
 * context. Every org-scoped action goes through here; no action reads an org id from the client.
 */
export function orgAction<S extends z.ZodType, T>(
  options: { schema: S; roles: readonly Role[] },
  fn: (input: z.output<S>, ctx: OrgContext) => Promise<ActionResult<T>>,
): (input: z.input<S> | FormData) => Promise<ActionResult<T>> {
  return async (input) => {
    const ctx = await getOrgContext();
    if (!ctx) {
      return {
        ok: false,
        code: "unauthenticated",
        error: "Your session has ended. Sign in again.",
      };
    }
    if (!options.roles.includes(ctx.role)) {
      return {
        ok: false,
        code: "forbidden",
        error: "You do not have permission to do this in this organization.",
      };
    }
    const form = input instanceof FormData ? input : undefined;
    const parsed = options.schema.safeParse(form ? formDataToObject(form) : input);
    if (!parsed.success) return invalidInput(parsed.error, form);
    try {
      return await fn(parsed.data, ctx);
    } catch (error) {
      if (error instanceof ActionError) {
        const { code, message, fieldErrors } = error;
        return { ok: false, code, error: message, fieldErrors, values: form && formValues(form) };
      }
      throw error;
    }
  };
}
