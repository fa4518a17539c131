"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState, useTransition } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { Field, FormError, Select } from "@/components/ui/field";
import { rollApiKey } from "@/lib/actions/roll-api-key";
import { GRACE_PERIOD_IDS, GRACE_PERIOD_LABELS, type GracePeriod } from "@/lib/keys/grace";
import { KeyCopyCard } from "./create-key-dialog";

type Rolled = { id: string; key: string; prefix: string; name: string };

/**
 * Replaces a key with a new one; the old one keeps working for the chosen grace period. Stays
 * mounted when the key stops being active (a roll with "Now" expires it at once) so the new key's
 * copy card survives the page refresh; only the button depends on `canRoll`.
 */
export function RollKeyDialog({
  id,
  name,
  canRoll,
}: {
  id: string;
  name: string;
  canRoll: boolean;
}) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [rolled, setRolled] = useState<Rolled | null>(null);
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();

  const close = () => {
    // The new key lives only in this state; dropping it is the last the browser sees of it.
    const next = rolled;
    setRolled(null);
    setError(undefined);
    setOpen(false);
    if (next) router.push(`/settings/api-keys/${next.id}`);
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const gracePeriod = String(new FormData(event.currentTarget).get("gracePeriod"));
    startTransition(async () => {
      const result = await rollApiKey({ id, gracePeriod: gracePeriod as GracePeriod }).catch(
        () => null,
      );
      if (!result) return setError("Something went wrong. Nothing was changed; try again.");
      if (!result.ok) return setError(result.error);
      toast.success(result.message ?? "Key rolled.");
      setRolled({ ...result.data, name });
    });
  };

  return (
    <Dialog open={open} onOpenChange={(next) => (next ? setOpen(true) : close())}>
      {canRoll ? (
        <DialogTrigger asChild>
          <Button variant="secondary" size="sm">
            Roll key
          </Button>
        </DialogTrigger>
      ) : null}
      <DialogContent
        title="Roll key"
        description={
          rolled
            ? undefined
            : "A new key with the same name, scopes, limits, allowed IPs and webhook replaces this one."
        }
      >
        {rolled ? (
          <KeyCopyCard created={rolled} onSaved={close} />
        ) : (
          <form onSubmit={submit} className="space-y-4" aria-busy={pending || undefined}>
            <FormError message={error} />
            <Field
              id="roll-grace"
              label="Old key stops working"
              hint="Until then both keys work, so you can deploy the new one first."
            >
              {(aria) => (
                <Select {...aria} name="gracePeriod" defaultValue="24h">
                  {GRACE_PERIOD_IDS.map((value) => (
                    <option key={value} value={value}>
                      {GRACE_PERIOD_LABELS[value]}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
            <div className="flex justify-end gap-2 border-t border-zinc-100 pt-4">
              <Button variant="secondary" onClick={close} disabled={pending}>
                Cancel
              </Button>
              <Button type="submit" pending={pending}>
                Roll key
              </Button>
            </div>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}
