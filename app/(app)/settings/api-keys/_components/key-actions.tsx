"use client";

import { useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { disableApiKey } from "@/lib/actions/disable-api-key";
import { enableApiKey } from "@/lib/actions/enable-api-key";
import { revokeApiKey } from "@/lib/actions/revoke-api-key";
import type { ActionResult } from "@/lib/actions/safe-action";
import type { DisplayStatus } from "@/lib/keys/status";

/** Disable / Enable / Revoke for one key; nothing for a revoked one. */
export function KeyActions({
  id,
  name,
  status,
}: {
  id: string;
  name: string;
  status: DisplayStatus;
}) {
  const [pending, startTransition] = useTransition();
  const [running, setRunning] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  if (status === "revoked") return null;

  const run = (label: string, action: (input: { id: string }) => Promise<ActionResult>) => {
    setRunning(label);
    startTransition(async () => {
      const result = await action({ id }).catch(() => null);
      if (!result) toast.error("Something went wrong. Nothing was changed.");
      else if (result.ok) toast.success(result.message ?? "Done.");
      else toast.error(result.error);
      setConfirming(false);
      setRunning(null);
    });
  };

  return (
    <div className="flex justify-end gap-1.5">
      {status === "active" ? (
        <Button
          variant="secondary"
          size="sm"
          pending={pending && running === "disable"}
          disabled={pending}
          onClick={() => run("disable", disableApiKey)}
        >
          Disable
        </Button>
      ) : null}
      {status === "disabled" ? (
        <Button
          variant="secondary"
          size="sm"
          pending={pending && running === "enable"}
          disabled={pending}
          onClick={() => run("enable", enableApiKey)}
        >
          Enable
        </Button>
      ) : null}
      <Button
        variant="ghost"
        size="sm"
        className="text-red-600"
        disabled={pending}
        onClick={() => setConfirming(true)}
      >
        Revoke
      </Button>
      <ConfirmDialog
        open={confirming}
        onOpenChange={setConfirming}
        title={`Revoke “${name}”?`}
        description="Requests with this key will be refused at once, and it cannot be enabled again. Check “Last used” to make sure nothing still depends on it."
        confirmLabel="Revoke key"
        pending={pending}
        onConfirm={() => run("revoke", revokeApiKey)}
      />
    </div>
  );
}
