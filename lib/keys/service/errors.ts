export class KeyServiceError extends Error {
  constructor(
    readonly code: "not_found" | "invalid_transition" | "policy_violation" | "insufficient_scope",
    message: string,
    /** Per-field reasons (policy violations), keyed like the create/update input. */
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
  }
}
