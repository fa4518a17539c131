"use client";

import { SubmitButton } from "@/components/ui/button";
import { Field, FormError, Input } from "@/components/ui/field";
import { useFormAction } from "@/hooks/use-form-action";
import { signUp } from "@/lib/actions/sign-up";

export function SignUpForm() {
  // `values` keeps what was typed when the server answers with errors (React resets the form).
  const { formAction, fieldErrors: errors, values, formError } = useFormAction(signUp);
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <FormError message={formError} />
      <Field id="name" label="Name" error={errors?.name}>
        {(aria) => (
          <Input
            {...aria}
            name="name"
            autoComplete="name"
            defaultValue={values?.name}
            required
            autoFocus
          />
        )}
      </Field>
      <Field id="email" label="Email" error={errors?.email}>
        {(aria) => (
          <Input
            {...aria}
            name="email"
            type="email"
            autoComplete="email"
            defaultValue={values?.email}
            required
          />
        )}
      </Field>
      <Field id="password" label="Password" error={errors?.password} hint="At least 8 characters.">
        {(aria) => (
          <Input {...aria} name="password" type="password" autoComplete="new-password" required />
        )}
      </Field>
      <Field id="organization" label="Organization" error={errors?.organization}>
        {(aria) => (
          <Input
            {...aria}
            name="organization"
            autoComplete="organization"
            defaultValue={values?.organization}
            required
          />
        )}
      </Field>
      <SubmitButton className="w-full">Create account</SubmitButton>
    </form>
  );
}
