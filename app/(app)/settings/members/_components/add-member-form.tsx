"use client";

import { useActionState } from "react";
import { SubmitButton } from "@/components/ui/button";
import { Field, FormError, FormSuccess, Input, Select } from "@/components/ui/field";
import { addMember } from "@/lib/actions/add-member";

export function AddMemberForm({ canAssignOwner }: { canAssignOwner: boolean }) {
  const [state, action] = useActionState(addMember, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const values = state && !state.ok ? state.values : undefined;
  return (
    <form action={action} className="space-y-3" noValidate>
      <FormError message={state && !state.ok && !errors ? state.error : undefined} />
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
      <FormSuccess message={state?.ok ? state.message : undefined} />
    </form>
  );
}
