"use client";

import { SubmitButton } from "@/components/ui/button";
import { Field, FormError, FormSuccess, Input } from "@/components/ui/field";
import { useFormAction } from "@/hooks/use-form-action";
import { changePassword } from "@/lib/actions/change-password";

export function ChangePasswordForm() {
  const { formAction, fieldErrors: errors, formError, message } = useFormAction(changePassword);
  return (
    <form action={formAction} className="max-w-md space-y-4" noValidate>
      <FormError message={formError} />
      <Field id="current-password" label="Current password" error={errors?.currentPassword}>
        {(aria) => (
          <Input
            {...aria}
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            required
          />
        )}
      </Field>
      <Field
        id="new-password"
        label="New password"
        hint="At least 8 characters."
        error={errors?.newPassword}
      >
        {(aria) => (
          <Input
            {...aria}
            name="newPassword"
            type="password"
            autoComplete="new-password"
            required
          />
        )}
      </Field>
      <Field id="confirm-password" label="Confirm new password" error={errors?.confirmPassword}>
        {(aria) => (
          <Input
            {...aria}
            name="confirmPassword"
            type="password"
            autoComplete="new-password"
            required
          />
        )}
      </Field>
      <SubmitButton>Change password</SubmitButton>
      <FormSuccess message={message} />
    </form>
  );
}
