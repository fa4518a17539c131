"use client";

import { SubmitButton } from "@/components/ui/button";
import { Field, FormError, Input } from "@/components/ui/field";
import { useFormAction } from "@/hooks/use-form-action";
import { createOrganization } from "@/lib/actions/create-organization";

export function CreateOrganizationForm() {
  const { formAction, fieldErrors: errors, values, formError } = useFormAction(createOrganization);
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <FormError message={formError} />
      <Field id="organization" label="Organization" error={errors?.name}>
        {(aria) => <Input {...aria} name="name" defaultValue={values?.name} required />}
      </Field>
      <SubmitButton className="w-full">Create organization</SubmitButton>
    </form>
  );
}
