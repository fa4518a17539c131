import { Field, Input, Select, Textarea } from "@/components/ui/field";
import { USAGE_REFILLS } from "@/db/enums";
import { USAGE_REFILL_LABELS } from "@/lib/keys/credits";
import { SCOPES } from "@/lib/scopes";

/** The fields the create dialog and the key's settings form share, with the same labels. */

export function ScopeCheckboxes({
  idPrefix,
  checked,
  error,
}: {
  idPrefix: string;
  /** Scopes checked at first (uncontrolled). */
  checked?: readonly string[];
  error?: string[];
}) {
  return (
    <fieldset
      className="space-y-2"
      aria-describedby={error ? `${idPrefix}-scopes-error` : undefined}
    >
      <legend className="text-sm font-medium text-zinc-800">Scopes</legend>
      <div className="grid gap-2 sm:grid-cols-2">
        {SCOPES.map((scope) => {
          const id = `${idPrefix}-scope-${scope.id}`;
          return (
            <div
              key={scope.id}
              className="flex items-start gap-2 rounded-md border border-zinc-200 p-2"
            >
              <input
                id={id}
                type="checkbox"
                name="scopes"
                value={scope.id}
                defaultChecked={checked?.includes(scope.id)}
                aria-describedby={`${id}-desc`}
                className="mt-0.5 size-4 accent-zinc-900"
              />
              <div className="min-w-0">
                <label htmlFor={id} className="font-mono text-sm">
                  {scope.id}
                </label>
                <p id={`${id}-desc`} className="text-xs text-zinc-500">
                  {scope.description}
                </p>
              </div>
            </div>
          );
        })}
      </div>
      {error ? (
        <p id={`${idPrefix}-scopes-error`} className="text-sm text-red-600">
          {error.join(" ")}
        </p>
      ) : null}
    </fieldset>
  );
}

export function AllowedIpsField({
  idPrefix,
  defaultValue,
  error,
}: {
  idPrefix: string;
  defaultValue?: string;
  error?: string[];
}) {
  return (
    <Field
      id={`${idPrefix}-allowed-ips`}
      label="Allowed IPs"
      error={error}
      hint="Addresses or CIDR ranges, separated by commas or new lines. Empty allows any IP."
    >
      {(aria) => (
        <Textarea
          {...aria}
          name="allowedIps"
          rows={2}
          placeholder="203.0.113.0/24, 2001:db8::1"
          className="font-mono"
          defaultValue={defaultValue}
        />
      )}
    </Field>
  );
}

export function RateLimitField({
  idPrefix,
  defaultRateLimit,
  defaultValue,
  error,
}: {
  idPrefix: string;
  defaultRateLimit: number;
  defaultValue?: string;
  error?: string[];
}) {
  return (
    <Field
      id={`${idPrefix}-rate-limit`}
      label="Rate limit (requests per minute)"
      error={error}
      hint={`Empty uses the default of ${defaultRateLimit} requests per minute.`}
    >
      {(aria) => (
        <Input
          {...aria}
          type="number"
          name="rateLimitPerMinute"
          min={1}
          step={1}
          inputMode="numeric"
          placeholder={String(defaultRateLimit)}
          defaultValue={defaultValue}
        />
      )}
    </Field>
  );
}

/**
 * Credits: "Usage limit" (a text box, so it reads as "whole requests, or empty", not a spinner)
 * and how it refills.
 */
export function UsageLimitFields({
  idPrefix,
  defaultLimit,
  defaultRefill,
  limitHint = "Whole requests the key may make. Empty means unlimited.",
  errors,
}: {
  idPrefix: string;
  limitHint?: string;
  defaultLimit?: string;
  defaultRefill?: string;
  errors: { usageLimit?: string[]; usageRefill?: string[] };
}) {
  return (
    <div className="grid gap-4 sm:grid-cols-2">
      <Field
        id={`${idPrefix}-usage-limit`}
        label="Usage limit"
        error={errors.usageLimit}
        hint={limitHint}
      >
        {(aria) => (
          <Input
            {...aria}
            name="usageLimit"
            inputMode="numeric"
            autoComplete="off"
            placeholder="Unlimited"
            defaultValue={defaultLimit}
          />
        )}
      </Field>
      <Field
        id={`${idPrefix}-usage-refill`}
        label="Refill"
        error={errors.usageRefill}
        hint="Sets the usage left back to the limit at the start of each day or month, in UTC."
      >
        {(aria) => (
          <Select {...aria} name="usageRefill" defaultValue={defaultRefill ?? "never"}>
            {USAGE_REFILLS.map((refill) => (
              <option key={refill} value={refill}>
                {USAGE_REFILL_LABELS[refill]}
              </option>
            ))}
          </Select>
        )}
      </Field>
    </div>
  );
}
