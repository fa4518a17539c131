"use client";

import { useActionState } from "react";
import type { SafeAction } from "@/lib/actions/safe-action";

/**
 * A form's server action through `useActionState`, handed over as it is so the form also submits
 * before hydration and without JavaScript; plus what the form shows of the last answer.
 */
export function useFormAction<I, T>(action: SafeAction<I, T>) {
  const [state, formAction, pending] = useActionState(action, null);
  const failed = state && !state.ok ? state : undefined;
  return {
    state,
    formAction,
    pending,
    /** Errors per field name. */
    fieldErrors: failed?.fieldErrors,
    /** What was sent, to refill the fields after an error (never a password). */
    values: failed?.values,
    /** A failure that belongs to no field. */
    formError: failed && !failed.fieldErrors ? failed.error : undefined,
    /** The success message. */
    message: state?.ok ? state.message : undefined,
  };
}
