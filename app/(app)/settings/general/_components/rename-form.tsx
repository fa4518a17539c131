"use client";

import { useActionState } from "react";
import { SubmitButton } from "@/components/ui/button";
import { Field, FormSuccess, Input } from "@/components/ui/field";
import { renameOrganization } from "@/lib/actions/rename-organization";

export function RenameForm({ name }: { name: string }) {
  const [state, action] = useActionState(renameOrganization, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={action} className="max-w-md space-y-2 border-t border-zinc-100 pt-4" noValidate>
      <div className="flex items-end gap-2">
        <div className="flex-1">
          <Field
            id="org-name"
            label="Organization name"
            error={errors?.name ?? (state && !state.ok && !errors ? state.error : undefined)}
          >
            {(aria) => (
              <Input
                {...aria}
                name="name"
                defaultValue={state && !state.ok ? (state.values?.name ?? name) : name}
                required
              />
            )}
          </Field>
        </div>
        <SubmitButton variant="secondary">Save</SubmitButton>
      </div>
      <FormSuccess message={state?.ok ? state.message : undefined} />
    </form>
  );
}
