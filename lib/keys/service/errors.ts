export class KeyServiceError extends Error {
  constructor(
    readonly code:
      | "not_found"
      | "invalid_transition"
      | "policy_violation"
      | "insufficient_scope"
      /** Input valid on its own but not for this key (e.g. a refill on a key without a limit). */
      | "invalid_input",
    message: string,
    /** Per-field reasons (policy violations, invalid input), keyed like the create/update input. */
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
  }
}
