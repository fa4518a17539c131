"use client";

import { useActionState, useEffect, useRef } from "react";
import { toast } from "sonner";
import { SubmitButton } from "@/components/ui/button";
import { Field, FormError, Input, Select } from "@/components/ui/field";
import { addMember } from "@/lib/actions/add-member";
import type { ActionResult } from "@/lib/actions/safe-action";

export function AddMemberForm({ canAssignOwner }: { canAssignOwner: boolean }) {
  const formRef = useRef<HTMLFormElement>(null);
  const [state, action] = useActionState(
    (_prev: ActionResult | null, form: FormData) => addMember(form),
    null,
  );
  useEffect(() => {
    if (state?.ok) toast.success(state.message ?? "Member added.");
  }, [state]);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const values = state && !state.ok ? state.values : undefined;
  return (
    <form ref={formRef} action={action} className="space-y-3" noValidate>
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
    </form>
  );
}
