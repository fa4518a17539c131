"use client";

import { useEffect } from "react";
import { toast } from "sonner";
import { SubmitButton } from "@/components/ui/button";
import { Field, FormError, Select } from "@/components/ui/field";
import { useFormAction } from "@/hooks/use-form-action";
import { updateKeyPolicy } from "@/lib/actions/update-key-policy";
import {
  type KeyPolicy,
  LEAK_ACTION_LABELS,
  MAX_LIFETIME_CHOICES,
  UNUSED_CHOICES,
} from "@/lib/keys/policy";

export function KeyPolicyForm({ policy }: { policy: KeyPolicy }) {
  const {
    state,
    formAction: action,
    fieldErrors: errors,
    values,
    formError,
  } = useFormAction(updateKeyPolicy);
  useEffect(() => {
    if (state?.ok && state.message) toast.success(state.message);
  }, [state]);
  const value = (name: string, fallback: string) => values?.[name] ?? fallback;
  return (
    <form action={action} className="max-w-xl space-y-5">
      <FormError message={formError} />
      <Field
        id="policy-max-lifetime"
        label="Maximum lifetime"
        error={errors?.maxLifetimeDays}
        hint="New keys must expire within this time; “Never” is no longer offered. Also bounds rolls and the management API."
      >
        {(aria) => (
          <Select
            {...aria}
            name="maxLifetimeDays"
            defaultValue={value("maxLifetimeDays", String(policy.maxLifetimeDays ?? "none"))}
          >
            <option value="none">No limit</option>
            {MAX_LIFETIME_CHOICES.map((d) => (
              <option key={d} value={d}>
                {d} days
              </option>
            ))}
          </Select>
        )}
      </Field>

      <div className="space-y-1.5">
        <label className="flex items-center gap-2 text-sm font-medium text-zinc-800">
          <input
            type="checkbox"
            name="requireAllowedIpsForLive"
            defaultChecked={
              values ? values.requireAllowedIpsForLive === "on" : policy.requireAllowedIpsForLive
            }
            className="size-4 rounded border-zinc-300"
          />
          Require allowed IPs for live keys
        </label>
        <p className="text-xs text-zinc-500">
          Live keys must name the addresses or ranges they are used from. Test keys are exempt.
        </p>
      </div>

      <Field
        id="policy-unused"
        label="Disable keys unused for"
        error={errors?.disableUnusedAfterDays}
        hint="Checked every hour. A key never used counts from its creation; enabling it again restarts the count."
      >
        {(aria) => (
          <Select
            {...aria}
            name="disableUnusedAfterDays"
            defaultValue={value(
              "disableUnusedAfterDays",
              String(policy.disableUnusedAfterDays ?? "none"),
            )}
          >
            <option value="none">Never</option>
            {UNUSED_CHOICES.map((d) => (
              <option key={d} value={d}>
                {d} days
              </option>
            ))}
          </Select>
        )}
      </Field>

      <Field
        id="policy-leak-action"
        label="When a key is reported leaked"
        error={errors?.leakAction}
        hint="Reports come from secret scanners (POST /api/v1/leaks). The key's page and the key list show a warning either way."
      >
        {(aria) => (
          <Select {...aria} name="leakAction" defaultValue={value("leakAction", policy.leakAction)}>
            {Object.entries(LEAK_ACTION_LABELS).map(([v, label]) => (
              <option key={v} value={v}>
                {label}
              </option>
            ))}
          </Select>
        )}
      </Field>

      <SubmitButton>Save policy</SubmitButton>
    </form>
  );
}
