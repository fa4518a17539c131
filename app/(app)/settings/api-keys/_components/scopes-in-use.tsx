"use client";

import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Badge, Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/dialog";
import { removeUnusedScopes } from "@/lib/actions/remove-unused-scopes";

/**
 * Which granted scopes the key's requests actually needed in the last 30 days, and a one-click
 * narrowing to exactly those (least privilege).
 */
export function ScopesInUse({
  id,
  granted,
  used,
  canNarrow,
}: {
  id: string;
  granted: string[];
  used: string[];
  canNarrow: boolean;
}) {
  const [confirming, setConfirming] = useState(false);
  const [pending, startTransition] = useTransition();
  const unused = granted.filter((s) => !used.includes(s));
  const narrowable = canNarrow && unused.length > 0 && unused.length < granted.length;

  const confirm = () =>
    startTransition(async () => {
      const result = await removeUnusedScopes({ id }).catch(() => null);
      if (!result) toast.error("Something went wrong. Nothing was changed.");
      else if (result.ok) toast.success(result.message ?? "Scopes narrowed.");
      else toast.error(result.error);
      setConfirming(false);
    });

  return (
    <Card className="p-5">
      <section aria-labelledby="scopes-in-use-heading">
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 id="scopes-in-use-heading" className="text-base font-semibold">
            Scopes in use
          </h2>
          {narrowable ? (
            <Button variant="secondary" size="sm" onClick={() => setConfirming(true)}>
              Remove unused scopes
            </Button>
          ) : null}
        </div>
        <p className="mt-1 text-sm text-zinc-600">
          From this key's requests over the last 30 days. A key that only holds what it uses does
          less harm if it leaks.
        </p>
        <ul className="mt-3 divide-y divide-zinc-100 text-sm">
          {granted.map((scope) => (
            <li key={scope} className="flex items-center justify-between py-1.5">
              <span className="font-mono text-xs">{scope}</span>
              {used.includes(scope) ? (
                <Badge tone="green">Used</Badge>
              ) : (
                <Badge tone="amber">Not used in 30 days</Badge>
              )}
            </li>
          ))}
        </ul>
        {canNarrow && unused.length > 0 && unused.length === granted.length ? (
          <p className="mt-2 text-sm text-zinc-600">
            None of its scopes was used in 30 days. If nothing depends on this key, disable or
            revoke it instead.
          </p>
        ) : null}
        <ConfirmDialog
          open={confirming}
          onOpenChange={setConfirming}
          title="Remove unused scopes?"
          description={`The key keeps ${used.filter((s) => granted.includes(s)).join(", ")} and loses ${unused.join(", ")}. Requests that need a removed scope will be refused with insufficient_scope.`}
          confirmLabel="Remove scopes"
          pending={pending}
          onConfirm={confirm}
        />
      </section>
    </Card>
  );
}
