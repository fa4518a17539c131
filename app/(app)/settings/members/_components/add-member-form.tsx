"use client";

import { SubmitButton } from "@/components/ui/button";
import { Field, FormError, FormSuccess, Input, Select } from "@/components/ui/field";
import { useFormAction } from "@/hooks/use-form-action";
import { addMember } from "@/lib/actions/add-member";

export function AddMemberForm({ canAssignOwner }: { canAssignOwner: boolean }) {
  const { formAction, fieldErrors: errors, values, formError, message } = useFormAction(addMember);
  return (
    <form action={formAction} className="space-y-3" noValidate>
      <FormError message={formError} />
      <div className="grid gap-3 sm:grid-cols-[1fr_10rem_auto] sm:items-start">
        <Field id="member-email" label="Email" error={errors?.email}>
          {(aria) => (
            <Input
              {...aria}
              name="email"
              type="email"
              defaultValue={values?.email}
              placeholder="teammate@example.com"
              required
            />
          )}
        </Field>
        <Field id="member-role" label="Role" error={errors?.role}>
          {(aria) => (
            <Select {...aria} name="role" defaultValue={values?.role ?? "member"}>
              <option value="member">Member</option>
              <option value="admin">Admin</option>
              {canAssignOwner ? <option value="owner">Owner</option> : null}
            </Select>
          )}
        </Field>
        <div className="sm:pt-6">
          <SubmitButton>Add member</SubmitButton>
        </div>
      </div>
      <FormSuccess message={message} />
    </form>
  );
}
