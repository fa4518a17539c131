"use client";

import { useActionState, useEffect } from "react";
import { toast } from "sonner";
import { SubmitButton } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { renameOrganization } from "@/lib/actions/rename-organization";
import type { ActionResult } from "@/lib/actions/safe-action";

export function RenameForm({ name }: { name: string }) {
  const [state, action] = useActionState(
    (_prev: ActionResult | null, form: FormData) => renameOrganization(form),
    null,
  );
  useEffect(() => {
    if (state?.ok && state.message) toast.success(state.message);
  }, [state]);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={action} className="flex max-w-md items-end gap-2 border-t border-zinc-100 pt-4">
      <div className="flex-1">
        <Field
          id="org-name"
          label="Organization name"
          error={errors?.name ?? (state && !state.ok && !errors ? state.error : undefined)}
        >
          {(aria) => <Input {...aria} name="name" defaultValue={name} required />}
        </Field>
      </div>
      <SubmitButton variant="secondary">Save</SubmitButton>
    </form>
  );
}
