import { z } from "zod";
import type { Role } from "@/db/schema";
import {
  getActionOrgContext,
  getCurrentUser,
  type OrgContext,
  type SessionUser,
} from "@/lib/auth/session";

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

/**
 * A form's fields as strings (multi-valued ones joined by newlines), to refill it after errors.
 * A field whose name mentions a password is never sent back.
 */
export function formValues(form: FormData, omit: readonly string[] = []) {
  const out: Record<string, string> = {};
  for (const key of new Set(form.keys())) {
    if (key.startsWith("$ACTION") || /password/i.test(key) || omit.includes(key)) continue;
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
 * A server action built by the wrappers below. It takes either the input itself (from a button or a
 * test) or `(prevState, formData)`, the shape `useActionState` calls, so a form hands the action to
 * `useActionState` as it is and keeps working before hydration and without JavaScript.
 */
export interface SafeAction<I, T> {
  (input: I | FormData): Promise<ActionResult<T>>;
  (prevState: ActionResult<T> | null, form: FormData): Promise<ActionResult<T>>;
}

const signedOut: ActionFailure = {
  ok: false,
  code: "unauthenticated",
  error: "Your session has ended. Sign in again.",
};

/** The organization this browser chose is not the user's any more: nothing acts in another one. */
const lostOrganization: ActionFailure = {
  ok: false,
  code: "forbidden",
  error:
    "You are no longer a member of that organization, so nothing was changed. Choose an organization to continue.",
};

/**
 * The one place where an action's input is read and its expected failures become results:
 * `guard` runs first (session, membership, role) and may refuse; then the input is parsed with
 * `schema`; an ActionError thrown by `fn` ends the action with its code and field errors. Anything
 * else (including Next's redirect) propagates.
 */
function buildAction<S extends z.ZodType, C, T>(
  schema: S,
  guard: () => Promise<{ ctx: C } | ActionFailure>,
  fn: (input: z.output<S>, ctx: C) => Promise<ActionResult<T>>,
): SafeAction<z.input<S>, T> {
  return (async (...args: unknown[]) => {
    const input = args.length > 1 ? args[1] : args[0];
    const form = input instanceof FormData ? input : undefined;
    const guarded = await guard();
    if (!("ctx" in guarded)) return guarded;
    const parsed = schema.safeParse(form ? formDataToObject(form) : input);
    if (!parsed.success) return invalidInput(parsed.error, form);
    try {
      return await fn(parsed.data, guarded.ctx);
    } catch (error) {
      if (error instanceof ActionError) {
        const { code, message, fieldErrors } = error;
        return { ok: false, code, error: message, fieldErrors, values: form && formValues(form) };
      }
      throw error;
    }
  }) as SafeAction<z.input<S>, T>;
}

/** An action anyone may call (sign-in, sign-up): input parsing and failures, no session. */
export function publicAction<S extends z.ZodType, T>(
  options: { schema: S },
  fn: (input: z.output<S>) => Promise<ActionResult<T>>,
): SafeAction<z.input<S>, T> {
  return buildAction(options.schema, async () => ({ ctx: null }), fn);
}

/**
 * An action of a signed-in user that needs no organization (creating or switching one). The user
 * is loaded from the database; a session of a deleted user is refused.
 */
export function userAction<S extends z.ZodType, T>(
  options: { schema: S },
  fn: (input: z.output<S>, user: SessionUser) => Promise<ActionResult<T>>,
): SafeAction<z.input<S>, T> {
  return buildAction(
    options.schema,
    async () => {
      const user = await getCurrentUser();
      return user ? { ctx: user } : signedOut;
    },
    fn,
  );
}

/**
 * Builds a server action that loads the session and the active membership from the database,
 * checks the role, parses its input with `schema`, and only then runs `fn` with an org-scoped
 * context. Every org-scoped action goes through here; no action reads an org id from the client.
 */
export function orgAction<S extends z.ZodType, T>(
  options: { schema: S; roles: readonly Role[] },
  fn: (input: z.output<S>, ctx: OrgContext) => Promise<ActionResult<T>>,
): SafeAction<z.input<S>, T> {
  return buildAction(
    options.schema,
    async () => {
      const ctx = await getActionOrgContext();
      if (ctx === "signed_out") return signedOut;
      if (ctx === "lost") return lostOrganization;
      if (!options.roles.includes(ctx.role)) {
        return {
          ok: false,
          code: "forbidden",
          error: "You do not have permission to do this in this organization.",
        } satisfies ActionFailure;
      }
      return { ctx };
    },
    fn,
  );
}
