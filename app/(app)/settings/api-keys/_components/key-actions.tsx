"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { useAction } from "@/hooks/use-action";
import { disableApiKey } from "@/lib/actions/disable-api-key";
import { enableApiKey } from "@/lib/actions/enable-api-key";
import { revokeApiKey } from "@/lib/actions/revoke-api-key";
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
  const [confirming, setConfirming] = useState(false);
  const disable = useAction(disableApiKey);
  const enable = useAction(enableApiKey);
  const revoke = useAction(revokeApiKey, { onSettled: () => setConfirming(false) });
  const busy = disable.pending || enable.pending || revoke.pending;
  if (status === "revoked") return null;

  return (
    <div className="flex flex-wrap justify-end gap-1.5">
      {status === "active" ? (
        <Button
          variant="secondary"
          size="sm"
          pending={disable.pending}
          disabled={busy}
          onClick={() => disable.run({ id })}
        >
          Disable
        </Button>
      ) : null}
      {status === "disabled" ? (
        <Button
          variant="secondary"
          size="sm"
          pending={enable.pending}
          disabled={busy}
          onClick={() => enable.run({ id })}
        >
          Enable
        </Button>
      ) : null}
      <Button
        variant="ghost"
        size="sm"
        className="text-red-600"
        disabled={busy}
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
        pending={revoke.pending}
        onConfirm={() => revoke.run({ id })}
      />
    </div>
  );
}
