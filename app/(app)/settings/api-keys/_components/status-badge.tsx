import { Badge } from "@/components/ui/card";
import { type DisplayStatus, STATUS_LABELS } from "@/lib/keys/status";

const tones = { active: "green", disabled: "zinc", revoked: "red", expired: "amber" } as const;

export function StatusBadge({ status }: { status: DisplayStatus }) {
  return <Badge tone={tones[status]}>{STATUS_LABELS[status]}</Badge>;
}
