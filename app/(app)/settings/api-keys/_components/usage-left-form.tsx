"use client";

import { Button } from "@/components/ui/button";
import { Field, FormError, Input } from "@/components/ui/field";
import { useFormAction } from "@/hooks/use-form-action";
import { topUpApiKey } from "@/lib/actions/top-up-api-key";

/**
 * Sets what is left of the key's usage limit in the current period: a top-up after the key ran
 * out, or a cut. Like the settings form, the server action is the form's action, so it works
 * before hydration.
 */
export function UsageLeftForm({ keyId, usageLimit }: { keyId: string; usageLimit: number }) {
  const { state, formAction, pending, fieldErrors, values, formError } = useFormAction(topUpApiKey);
  const errors = fieldErrors ?? {};
  return (
    <form
      key={state ? JSON.stringify(state) : "initial"}
      action={formAction}
      noValidate
      aria-busy={pending || undefined}
      aria-label="Usage left"
      className="mt-5 space-y-3 border-t border-zinc-100 pt-4"
    >
      <input type="hidden" name="id" value={keyId} />
      <FormError message={formError} />
      {errors.id ? <FormError message={errors.id.join(" ")} /> : null}
      <div className="max-w-sm">
        <Field
          id="usage-left"
          label="Set usage left"
          error={errors.usageRemaining}
          hint="Requests the key may still make until its next refill; the limit stays as it is."
        >
          {(aria) => (
            <Input
              {...aria}
              name="usageRemaining"
              inputMode="numeric"
              autoComplete="off"
              placeholder={String(usageLimit)}
              defaultValue={values?.usageRemaining ?? ""}
            />
          )}
        </Field>
      </div>
      <div className="flex items-center gap-3">
        <Button type="submit" variant="secondary" pending={pending}>
          Set usage left
        </Button>
        <p role="status" className="text-sm text-green-700">
          {state?.ok && !pending ? state.message : ""}
        </p>
      </div>
    </form>
  );
}
