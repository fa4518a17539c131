"use client";

import { SubmitButton } from "@/components/ui/button";
import { Field, FormSuccess, Input } from "@/components/ui/field";
import { useFormAction } from "@/hooks/use-form-action";
import { renameOrganization } from "@/lib/actions/rename-organization";

export function RenameForm({ name }: { name: string }) {
  const { formAction, fieldErrors, values, formError, message } = useFormAction(renameOrganization);
  return (
    <form
      action={formAction}
      className="max-w-md space-y-2 border-t border-zinc-100 pt-4"
      noValidate
    >
      <div className="flex items-end gap-2">
        <div className="flex-1">
          <Field id="org-name" label="Organization name" error={fieldErrors?.name ?? formError}>
            {(aria) => <Input {...aria} name="name" defaultValue={values?.name ?? name} required />}
          </Field>
        </div>
        <SubmitButton variant="secondary">Save</SubmitButton>
      </div>
      <FormSuccess message={message} />
    </form>
  );
}
