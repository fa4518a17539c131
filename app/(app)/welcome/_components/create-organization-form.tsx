"use client";

import { useActionState } from "react";
import { SubmitButton } from "@/components/ui/button";
import { Field, FormError, Input } from "@/components/ui/field";
import { createOrganization } from "@/lib/actions/create-organization";

export function CreateOrganizationForm() {
  const [state, action] = useActionState(createOrganization, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={action} className="space-y-4" noValidate>
      <FormError message={state && !state.ok && !errors ? state.error : undefined} />
      <Field id="organization" label="Organization" error={errors?.name}>
        {(aria) => (
          <Input
            {...aria}
            name="name"
            defaultValue={state && !state.ok ? state.values?.name : undefined}
            required
          />
        )}
      </Field>
      <SubmitButton className="w-full">Create organization</SubmitButton>
    </form>
  );
}
