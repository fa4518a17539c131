import { Badge } from "@/components/ui/card";
import { type DisplayStatus, STATUS_LABELS } from "@/lib/keys/status";

const tones = { active: "green", disabled: "zinc", revoked: "red", expired: "amber" } as const;

export function StatusBadge({
  status,
  expiresSoon = false,
  leaked = false,
  usageExhausted = false,
}: {
  status: DisplayStatus;
  /** From `isExpiringSoon`: adds the "Expires soon" warning next to the status. */
  expiresSoon?: boolean;
  leaked?: boolean;
  /** A key with a usage limit and nothing left of it: its requests are refused until a refill. */
  usageExhausted?: boolean;
}) {
  return (
    <span className="inline-flex flex-wrap items-center gap-1">
      <Badge tone={tones[status]}>{STATUS_LABELS[status]}</Badge>
      {expiresSoon ? <Badge tone="amber">Expires soon</Badge> : null}
      {leaked ? <Badge tone="red">Reported leaked</Badge> : null}
      {usageExhausted && (status === "active" || status === "disabled") ? (
        <Badge tone="amber">Usage exhausted</Badge>
      ) : null}
    </span>
  );
}
