"use client";

import { SubmitButton } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { useFormAction } from "@/hooks/use-form-action";
import { switchOrganization } from "@/lib/actions/switch-organization";

type Org = { id: string; name: string; role: string };

/** One button per organization of the user; choosing one opens its overview. */
export function OrganizationPicker({ organizations }: { organizations: Org[] }) {
  return (
    <ul className="space-y-2">
      {organizations.map((org) => (
        <li key={org.id}>
          <Choice org={org} />
        </li>
      ))}
    </ul>
  );
}

function Choice({ org }: { org: Org }) {
  const { formAction, formError } = useFormAction(switchOrganization);
  return (
    <form action={formAction} className="space-y-2">
      <input type="hidden" name="organizationId" value={org.id} />
      <input type="hidden" name="redirectTo" value="/" />
      <SubmitButton variant="secondary" className="w-full justify-between">
        <span className="truncate">Open {org.name}</span>
        <span className="text-zinc-500">{org.role}</span>
      </SubmitButton>
      <FormError message={formError} />
    </form>
  );
}
