"use client";

import { type FormEvent, startTransition, useEffect, useRef, useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { ConfirmDialog, Dialog, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { Field, FormError, Input, Select, Textarea } from "@/components/ui/field";
import { useFormAction } from "@/hooks/use-form-action";
import { createApiKey } from "@/lib/actions/create-api-key";
import { expirationOptions } from "@/lib/keys/expiration";
import { AllowedIpsField, RateLimitField, ScopeCheckboxes, UsageLimitFields } from "./key-fields";
import { WebhookSecretCard } from "./webhook-secret-card";

type Created = {
  id: string;
  key: string;
  prefix: string;
  name: string;
  webhookSecret?: string;
};

export function CreateKeyDialog({
  defaultRateLimit,
  maxLifetimeDays = null,
}: {
  defaultRateLimit: number;
  /** The org's key policy: without "Never" and longer choices when set. */
  maxLifetimeDays?: number | null;
}) {
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState<Created | null>(null);
  const [confirmClose, setConfirmClose] = useState(false);

  const close = () => {
    // The key lives only in this state: dropping it is the last the browser sees of it.
    setCreated(null);
    setConfirmClose(false);
    setOpen(false);
  };

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (next) setOpen(true);
        else if (created) setConfirmClose(true);
        else close();
      }}
    >
      <DialogTrigger asChild>
        <Button>Create API Key</Button>
      </DialogTrigger>
      <DialogContent
        title="Create API Key"
        description={
          created
            ? undefined
            : "Give the key a name you will recognise, and only the scopes it needs."
        }
        className="max-w-xl"
      >
        {created ? (
          <KeyCopyCard created={created} onSaved={close} />
        ) : (
          <CreateKeyForm
            defaultRateLimit={defaultRateLimit}
            maxLifetimeDays={maxLifetimeDays}
            onCancel={close}
            onCreated={setCreated}
          />
        )}
        <ConfirmDialog
          open={confirmClose}
          onOpenChange={setConfirmClose}
          title="Close without saving the key?"
          description="The key will not be shown again. If you have not copied it, you will have to create a new one."
          confirmLabel="Close anyway"
          cancelLabel="Go back"
          onConfirm={close}
        />
      </DialogContent>
    </Dialog>
  );
}

export function KeyCopyCard({ created, onSaved }: { created: Created; onSaved: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied(true);
      toast.success("API key copied to the clipboard.");
    } catch {
      toast.error("Could not copy. Select the key and copy it by hand.");
    }
  };
  return (
    <div className="space-y-4">
      <div className="rounded-lg border border-green-200 bg-green-50 p-4">
        <p className="text-sm font-medium text-green-900">“{created.name}” is ready.</p>
        <p className="mt-1 text-sm text-green-900">
          Copy your key now. <strong>It will not be shown again</strong>: we store only a hash of
          it, so nobody, including us, can show it to you later.
        </p>
        <div className="mt-3 flex items-center gap-2">
          <code
            data-testid="new-api-key"
            className="block min-w-0 flex-1 rounded-md border border-green-200 bg-white px-3 py-2 font-mono text-sm break-all select-all"
          >
            {created.key}
          </code>
          <Button variant="secondary" onClick={copy} aria-describedby="copy-status">
            Copy
          </Button>
        </div>
        <p id="copy-status" aria-live="polite" className="mt-2 text-xs text-green-800">
          {copied ? "Copied to the clipboard." : ""}
        </p>
      </div>
      {created.webhookSecret ? <WebhookSecretCard secret={created.webhookSecret} /> : null}
      <p className="text-sm text-zinc-600">
        Store it in a secret manager or an environment variable, never in source code.
      </p>
      <div className="flex justify-end">
        <Button onClick={onSaved}>I&apos;ve Saved My Key</Button>
      </div>
    </div>
  );
}

function CreateKeyForm({
  defaultRateLimit,
  maxLifetimeDays,
  onCancel,
  onCreated,
}: {
  defaultRateLimit: number;
  maxLifetimeDays: number | null;
  onCancel: () => void;
  onCreated: (created: Created) => void;
}) {
  const { state, formAction, pending, fieldErrors, formError } = useFormAction(createApiKey);
  const errors = fieldErrors ?? {};
  const expirationChoices = expirationOptions(maxLifetimeDays);
  const [expiration, setExpiration] = useState<string>(expirationChoices[0]?.value ?? "custom");
  const submittedName = useRef("");

  useEffect(() => {
    if (!state?.ok) return;
    toast.success(state.message ?? "API key created.");
    onCreated({ ...state.data, name: submittedName.current });
  }, [state, onCreated]);

  // Submitted by hand rather than through `action` so that React does not reset the fields: after
  // an error, everything typed (scopes, IPs, expiry) stays as it was.
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    submittedName.current = String(data.get("name") ?? "").trim();
    startTransition(() => formAction(data));
  };

  const today = new Date();
  const minDate = new Date(today.getTime() + 86_400_000).toISOString().slice(0, 10);

  return (
    <form onSubmit={submit} className="space-y-4" noValidate aria-busy={pending || undefined}>
      <FormError message={formError} />
      <Field
        id="key-name"
        label="Name"
        error={errors.name}
        hint="For example “Production API” or “Staging”."
      >
        {(aria) => <Input {...aria} name="name" required autoFocus />}
      </Field>
      <Field id="key-description" label="Description" error={errors.description}>
        {(aria) => <Textarea {...aria} name="description" rows={2} />}
      </Field>

      <ScopeCheckboxes idPrefix="key" error={errors.scopes} />

      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-zinc-800">Environment</legend>
        <div className="flex gap-4 text-sm">
          <label className="flex items-center gap-2">
            <input
              type="radio"
              name="environment"
              value="live"
              defaultChecked
              className="accent-zinc-900"
            />
            Live
          </label>
          <label className="flex items-center gap-2">
            <input type="radio" name="environment" value="test" className="accent-zinc-900" />
            Test
          </label>
        </div>
        {errors.environment ? (
          <p className="text-sm text-red-600">{errors.environment.join(" ")}</p>
        ) : null}
      </fieldset>

      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          id="key-expiration"
          label="Expiration"
          error={expiration === "custom" ? undefined : errors.expiresAt}
        >
          {(aria) => (
            <Select
              {...aria}
              name="expiration"
              value={expiration}
              onChange={(e) => setExpiration(e.target.value)}
            >
              {expirationChoices.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </Select>
          )}
        </Field>
        {expiration === "custom" ? (
          <Field
            id="key-expires-on"
            label="Expiry date"
            error={errors.expiresOn ?? errors.expiresAt}
          >
            {(aria) => <Input {...aria} type="date" name="expiresOn" min={minDate} required />}
          </Field>
        ) : null}
      </div>

      <AllowedIpsField idPrefix="key" error={errors.allowedIps} />
      <RateLimitField
        idPrefix="key"
        defaultRateLimit={defaultRateLimit}
        error={errors.rateLimitPerMinute}
      />
      <UsageLimitFields idPrefix="key" errors={errors} />
      <Field
        id="key-webhook-url"
        label="Webhook URL"
        error={errors.webhookUrl}
        hint="Optional. Key events (expiring, rolled, disabled…) are POSTed here, signed."
      >
        {(aria) => (
          <Input
            {...aria}
            type="url"
            name="webhookUrl"
            placeholder="https://example.com/webhooks/latchkey"
          />
        )}
      </Field>

      <div className="flex justify-end gap-2 border-t border-zinc-100 pt-4">
        <Button variant="secondary" onClick={onCancel} disabled={pending}>
          Cancel
        </Button>
        <Button type="submit" pending={pending}>
          Create Key
        </Button>
      </div>
    </form>
  );
}
