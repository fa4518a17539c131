"use client";

import { SubmitButton } from "@/components/ui/button";
import { Field, FormError, Input } from "@/components/ui/field";
import { useFormAction } from "@/hooks/use-form-action";
import { signIn } from "@/lib/actions/sign-in";

export function SignInForm() {
  const { formAction, fieldErrors: errors, values, formError } = useFormAction(signIn);
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <FormError message={formError} />
      <Field id="email" label="Email" error={errors?.email}>
        {(aria) => (
          <Input
            {...aria}
            name="email"
            type="email"
            autoComplete="email"
            defaultValue={values?.email}
            required
            autoFocus
          />
        )}
      </Field>
      <Field id="password" label="Password" error={errors?.password}>
        {(aria) => (
          <Input
            {...aria}
            name="password"
            type="password"
            autoComplete="current-password"
            required
          />
        )}
      </Field>
      <SubmitButton className="w-full">Sign in</SubmitButton>
    </form>
  );
}
