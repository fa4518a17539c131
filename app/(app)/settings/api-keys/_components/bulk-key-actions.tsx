"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/dialog";
import { useAction } from "@/hooks/use-action";
import { bulkDisableApiKeys } from "@/lib/actions/bulk-disable-api-keys";
import { bulkRevokeApiKeys } from "@/lib/actions/bulk-revoke-api-keys";

/** "Disable selected" and "Revoke selected" (with confirmation) for the checked rows. */
export function BulkKeyActions({ ids, onDone }: { ids: string[]; onDone: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const disable = useAction(bulkDisableApiKeys, { onSuccess: onDone });
  const revoke = useAction(bulkRevokeApiKeys, {
    onSuccess: onDone,
    onSettled: () => setConfirming(false),
  });
  return (
    <div className="ml-auto flex flex-wrap items-center gap-2">
      <span className="text-sm text-zinc-600">{ids.length} selected</span>
      <Button
        variant="secondary"
        size="sm"
        pending={disable.pending}
        disabled={revoke.pending}
        onClick={() => disable.run({ ids })}
      >
        Disable selected
      </Button>
      <Button
        variant="danger"
        size="sm"
        disabled={disable.pending || revoke.pending}
        onClick={() => setConfirming(true)}
      >
        Revoke selected
      </Button>
      <ConfirmDialog
        open={confirming}
        onOpenChange={setConfirming}
        title={`Revoke ${ids.length} key${ids.length === 1 ? "" : "s"}?`}
        description="Requests with these keys will be refused at once. Revoking cannot be undone."
        confirmLabel="Revoke key"
        pending={revoke.pending}
        onConfirm={() => revoke.run({ ids })}
      />
    </div>
  );
}
