import { Badge } from "@/components/ui/card";
import { type DisplayStatus, STATUS_LABELS } from "@/lib/keys/status";

const tones = { active: "green", disabled: "zinc", revoked: "red", expired: "amber" } as const;

export function StatusBadge({
  status,
  leaked = false,
}: {
  status: DisplayStatus;
  leaked?: boolean;
}) {
  return (
    <span className="inline-flex flex-wrap gap-1">
      <Badge tone={tones[status]}>{STATUS_LABELS[status]}</Badge>
      {leaked ? <Badge tone="red">Reported leaked</Badge> : null}
    </span>
  );
}
