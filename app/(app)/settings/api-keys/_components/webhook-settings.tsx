"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Badge } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/dialog";
import { Field, Input } from "@/components/ui/field";
import { Th, theadClass } from "@/components/ui/table";
import { useAction } from "@/hooks/use-action";
import { useFormAction } from "@/hooks/use-form-action";
import { regenerateWebhookSecret } from "@/lib/actions/regenerate-webhook-secret";
import { sendTestWebhook } from "@/lib/actions/send-test-webhook";
import { setWebhookUrl } from "@/lib/actions/set-webhook-url";
import { formatDateTime } from "@/lib/dates";
import { WebhookSecretCard } from "./webhook-secret-card";

export type DeliveryView = {
  id: string;
  eventType: string;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: Date;
  nextAttemptAt: Date;
};

const STATUS = {
  pending: { label: "Pending", tone: "amber" },
  delivered: { label: "Delivered", tone: "green" },
  failed: { label: "Failed", tone: "red" },
} as const;

/** The key's webhook: URL, signing secret (once), test event and the delivery log. */
export function WebhookSettings(props: {
  id: string;
  webhookUrl: string | null;
  deliveries: DeliveryView[];
  manage: boolean;
}) {
  const router = useRouter();
  const {
    state,
    formAction: saveAction,
    pending: saving,
    fieldErrors: errors,
  } = useFormAction(setWebhookUrl);
  const [secret, setSecret] = useState<string | null>(null);
  const [confirmRegenerate, setConfirmRegenerate] = useState(false);
  const showSecret = (data: { webhookSecret: string | null }) => setSecret(data.webhookSecret);
  const test = useAction(sendTestWebhook);
  const remove = useAction(setWebhookUrl);
  const regenerate = useAction(regenerateWebhookSecret, {
    onSuccess: showSecret,
    onSettled: () => setConfirmRegenerate(false),
  });
  const pending = saving || test.pending || remove.pending || regenerate.pending;

  useEffect(() => {
    if (!state) return;
    if (state.ok) {
      toast.success(state.message ?? "Saved.");
      if (state.data.webhookSecret) setSecret(state.data.webhookSecret);
      router.refresh();
    } else if (!state.fieldErrors) toast.error(state.error);
  }, [state, router]);

  // While a delivery is on its way, refresh the log so its outcome shows up without a reload.
  const waiting = props.deliveries.some((d) => d.status === "pending" && d.attempts === 0);
  useEffect(() => {
    if (!waiting) return;
    const timer = setTimeout(() => router.refresh(), 1500);
    return () => clearTimeout(timer);
  }, [waiting, router]);

  return (
    <section aria-labelledby="webhooks-heading" className="space-y-4">
      <h2 id="webhooks-heading" className="text-base font-semibold">
        Webhooks
      </h2>
      {props.manage ? (
        <form action={saveAction} noValidate className="space-y-3">
          <input type="hidden" name="id" value={props.id} />
          <Field
            id="webhook-url"
            label="Webhook URL"
            error={errors?.webhookUrl}
            hint="Key events are POSTed here as JSON, signed with the key's signing secret (Standard Webhooks). Empty removes the webhook."
          >
            {(aria) => (
              <Input
                {...aria}
                type="url"
                name="webhookUrl"
                key={props.webhookUrl ?? ""}
                defaultValue={
                  state && !state.ok ? state.values?.webhookUrl : (props.webhookUrl ?? "")
                }
                placeholder="https://example.com/webhooks/latchkey"
              />
            )}
          </Field>
          <div className="flex flex-wrap gap-2">
            <Button type="submit" variant="secondary" pending={saving} disabled={pending}>
              Save webhook
            </Button>
            {props.webhookUrl ? (
              <>
                <Button
                  variant="secondary"
                  pending={test.pending}
                  disabled={pending}
                  onClick={() => test.run({ id: props.id })}
                >
                  Send test event
                </Button>
                <Button
                  variant="secondary"
                  disabled={pending}
                  onClick={() => setConfirmRegenerate(true)}
                >
                  Regenerate secret
                </Button>
                <Button
                  variant="secondary"
                  pending={remove.pending}
                  disabled={pending}
                  onClick={() => remove.run({ id: props.id, webhookUrl: "" })}
                >
                  Remove webhook
                </Button>
              </>
            ) : null}
          </div>
          <ConfirmDialog
            open={confirmRegenerate}
            onOpenChange={setConfirmRegenerate}
            title="Regenerate the signing secret?"
            description="Webhooks are signed with the new secret from now on; receivers checking the old one will reject them."
            confirmLabel="Regenerate"
            pending={regenerate.pending}
            onConfirm={() => regenerate.run({ id: props.id })}
          />
        </form>
      ) : (
        <p className="text-sm text-zinc-600">Webhook URL: {props.webhookUrl ?? "none"}</p>
      )}
      {secret ? (
        <div className="space-y-2">
          <WebhookSecretCard secret={secret} />
          <Button variant="secondary" onClick={() => setSecret(null)}>
            I&apos;ve Saved the Secret
          </Button>
        </div>
      ) : null}
      <DeliveriesTable rows={props.deliveries} />
    </section>
  );
}

function DeliveriesTable({ rows }: { rows: DeliveryView[] }) {
  return (
    <div className="overflow-x-auto rounded-md border border-zinc-200">
      <table className="w-full text-left text-sm">
        <caption className="px-4 pt-3 pb-2 text-left font-medium">Webhook deliveries</caption>
        <thead className={theadClass}>
          <tr>
            <Th>Event</Th>
            <Th>Status</Th>
            <Th>HTTP code</Th>
            <Th>Attempts</Th>
            <Th>Time</Th>
            <Th>Next retry</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {rows.length === 0 ? (
            <tr>
              <td colSpan={6} className="px-4 py-6 text-center text-zinc-500">
                No deliveries in the last 30 days.
              </td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={row.id}>
                <td className="px-4 py-2 font-mono text-xs">{row.eventType}</td>
                <td className="px-4 py-2">
                  <Badge tone={STATUS[row.status].tone} title={row.lastError ?? undefined}>
                    {STATUS[row.status].label}
                  </Badge>
                  {row.lastError ? (
                    <span className="mt-1 block text-xs text-zinc-500">{row.lastError}</span>
                  ) : null}
                </td>
                <td className="px-4 py-2">{row.lastStatusCode ?? "—"}</td>
                <td className="px-4 py-2">{row.attempts}</td>
                <td className="px-4 py-2 whitespace-nowrap">
                  <time dateTime={row.createdAt.toISOString()}>
                    {formatDateTime(row.createdAt)}
                  </time>
                </td>
                <td className="px-4 py-2 whitespace-nowrap">
                  {row.status === "pending" && row.attempts > 0 ? (
                    <time dateTime={row.nextAttemptAt.toISOString()}>
                      {formatDateTime(row.nextAttemptAt)}
                    </time>
                  ) : (
                    "—"
                  )}
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
