"use client";

import { Button } from "@/components/ui/button";
import { Field, FormError, Input, Select, Textarea } from "@/components/ui/field";
import { useFormAction } from "@/hooks/use-form-action";
import { updateApiKey } from "@/lib/actions/update-api-key";
import { EXPIRATION_OPTIONS } from "@/lib/keys/expiration";
import { AllowedIpsField, RateLimitField, ScopeCheckboxes, UsageLimitFields } from "./key-fields";

export type KeySettings = {
  name: string;
  description: string | null;
  scopes: string[];
  allowedIps: string[];
  rateLimitPerMinute: number | null;
  usageLimit: number | null;
  usageRefill: string;
  /** Formatted on the server, so the page reads the same for everyone. */
  expiresLabel: string | null;
};

/**
 * Every setting of a key, edited in place with the create dialog's labels. The server action is
 * the form's action itself: it works before hydration, and after a refusal the page comes back
 * with the field errors and what was typed.
 */
export function KeySettingsForm({
  keyId,
  settings,
  defaultRateLimit,
}: {
  keyId: string;
  settings: KeySettings;
  defaultRateLimit: number;
}) {
  const {
    state,
    formAction: action,
    pending,
    fieldErrors,
    values: sent,
    formError,
  } = useFormAction(updateApiKey);
  const errors = fieldErrors ?? {};
  // After a refusal the form shows what was sent, an unchecked box included.
  const value = (field: string, current: string) => sent?.[field] ?? current;
  const checkedScopes = sent ? (sent.scopes?.split("\n") ?? []) : settings.scopes;
  const minDate = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

  return (
    <form
      // A new result renders a fresh form from it, so no reset of the previous one can land on
      // what the user types next.
      key={state ? JSON.stringify(state) : "initial"}
      action={action}
      noValidate
      aria-busy={pending || undefined}
      aria-label="Settings"
      className="mt-5 space-y-4 border-t border-zinc-100 pt-4"
    >
      <h3 className="text-sm font-semibold">Settings</h3>
      <input type="hidden" name="id" value={keyId} />
      <FormError message={formError} />
      {errors.id ? <FormError message={errors.id.join(" ")} /> : null}

      <Field id="settings-name" label="Name" error={errors.name}>
        {(aria) => <Input {...aria} name="name" defaultValue={value("name", settings.name)} />}
      </Field>
      <Field id="settings-description" label="Description" error={errors.description}>
        {(aria) => (
          <Textarea
            {...aria}
            name="description"
            rows={2}
            defaultValue={value("description", settings.description ?? "")}
          />
        )}
      </Field>

      <ScopeCheckboxes idPrefix="settings" checked={checkedScopes} error={errors.scopes} />

      {/* The date field shows when "Custom date" is chosen: CSS only, so it works without JS. */}
      <div className="group grid gap-4 sm:grid-cols-2">
        <Field
          id="settings-expiration"
          label="Expiration"
          error={errors.expiresAt ?? errors.expiration}
          hint={
            settings.expiresLabel
              ? `Currently expires ${settings.expiresLabel}.`
              : "Currently never expires."
          }
        >
          {(aria) => (
            <Select
              {...aria}
              name="expiration"
              defaultValue={value("expiration", settings.expiresLabel ? "keep" : "never")}
            >
              {settings.expiresLabel ? <option value="keep">Keep current expiry</option> : null}
              {EXPIRATION_OPTIONS.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <div className="hidden group-has-[option[value=custom]:checked]:block">
          <Field id="settings-expires-on" label="Expiry date" error={errors.expiresOn}>
            {(aria) => (
              <Input
                {...aria}
                type="date"
                name="expiresOn"
                min={minDate}
                defaultValue={value("expiresOn", "")}
              />
            )}
          </Field>
        </div>
      </div>

      <AllowedIpsField
        idPrefix="settings"
        defaultValue={value("allowedIps", settings.allowedIps.join("\n"))}
        error={errors.allowedIps}
      />
      <RateLimitField
        idPrefix="settings"
        defaultRateLimit={defaultRateLimit}
        defaultValue={value("rateLimitPerMinute", settings.rateLimitPerMinute?.toString() ?? "")}
        error={errors.rateLimitPerMinute}
      />
      <UsageLimitFields
        idPrefix="settings"
        defaultLimit={value("usageLimit", settings.usageLimit?.toString() ?? "")}
        defaultRefill={value("usageRefill", settings.usageRefill)}
        limitHint="Whole requests; empty means unlimited. A new limit moves the usage left by the difference."
        errors={errors}
      />

      <div className="flex items-center gap-3">
        <Button type="submit" pending={pending}>
          Save changes
        </Button>
        <p role="status" className="text-sm text-green-700">
          {state?.ok && !pending ? state.message : ""}
        </p>
      </div>
    </form>
  );
}
