/**
 * The "Expiration" choices of the create dialog and a key's settings form, and the values the
 * form schemas accept for them: one list, so a choice offered is a choice parsed.
 */
export const EXPIRATION_OPTIONS = [
  { value: "never", label: "Never", days: null },
  { value: "7", label: "7 days", days: 7 },
  { value: "30", label: "30 days", days: 30 },
  { value: "60", label: "60 days", days: 60 },
  { value: "90", label: "90 days", days: 90 },
  { value: "custom", label: "Custom date", days: 0 },
] as const;

export type ExpirationChoice = (typeof EXPIRATION_OPTIONS)[number]["value"];

export const EXPIRATION_CHOICES = EXPIRATION_OPTIONS.map((o) => o.value) as [
  ExpirationChoice,
  ...ExpirationChoice[],
];

/** The "Expiration" choices a form may offer under a maximum lifetime ("Never" goes first). */
export function expirationOptions(maxLifetimeDays: number | null) {
  return EXPIRATION_OPTIONS.filter(
    (o) => maxLifetimeDays === null || (o.days !== null && o.days <= maxLifetimeDays),
  );
}
