"use client";

import { type FormEvent, useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Field, Input, Textarea } from "@/components/ui/field";
import type { FieldErrors } from "@/lib/actions/safe-action";
import { updateApiKey } from "@/lib/actions/update-api-key";

export function EditKeyForm(props: { id: string; name: string; description: string }) {
  const [pending, startTransition] = useTransition();
  const [errors, setErrors] = useState<FieldErrors>({});
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(async () => {
      const result = await updateApiKey({
        id: props.id,
        name: String(data.get("name") ?? ""),
        description: String(data.get("description") ?? ""),
      }).catch(() => null);
      if (!result) return void toast.error("Something went wrong. Nothing was changed.");
      setErrors(result.ok ? {} : (result.fieldErrors ?? {}));
      if (result.ok) toast.success(result.message ?? "Saved.");
      else if (!result.fieldErrors) toast.error(result.error);
    });
  };
  return (
    <form onSubmit={submit} noValidate className="mt-5 space-y-3 border-t border-zinc-100 pt-4">
      <h3 className="text-sm font-semibold">Edit</h3>
      <Field id="edit-name" label="Name" error={errors.name}>
        {(aria) => <Input {...aria} name="name" defaultValue={props.name} />}
      </Field>
      <Field id="edit-description" label="Description" error={errors.description}>
        {(aria) => (
          <Textarea {...aria} name="description" defaultValue={props.description} rows={2} />
        )}
      </Field>
      <Button type="submit" variant="secondary" pending={pending}>
        Save changes
      </Button>
    </form>
  );
}
