/** What both verifiers are to the code that uses them. */
import type { Unavailable, Verdict, VerifyInput } from "./verdict.ts";

/** A verdict, or `verification_unavailable` when nothing could be decided (fail closed). */
export type Outcome = Verdict | Unavailable;

export interface LatchkeyVerifier {
  /** The decision about one request's key: never throws for a refusal or an outage. */
  verify(input: VerifyInput): Promise<Outcome>;
  /** Flushes what is owed (usage, credits) and closes connections. */
  close(): Promise<void>;
}

const MAX_KEY_LENGTH = 256;
const MAX_ENDPOINT_LENGTH = 200;

/**
 * The verify route's body rules, applied before anything is looked up, so both modes refuse the
 * same mistakes. A mistake here is the calling code's, not its client's: it throws.
 */
export function checkInput(input: VerifyInput): void {
  if (typeof input?.key !== "string") throw new TypeError("verify: key must be a string");
  if (input.scopes !== undefined && !Array.isArray(input.scopes)) {
    throw new TypeError("verify: scopes must be an array of strings");
  }
  if (input.endpoint !== undefined) {
    if (typeof input.endpoint !== "string" || input.endpoint.length > MAX_ENDPOINT_LENGTH) {
      throw new TypeError(`verify: endpoint must be a string of at most ${MAX_ENDPOINT_LENGTH}`);
    }
  }
  if (input.cost !== undefined) {
    if (!Number.isInteger(input.cost) || input.cost < 0 || input.cost > 1000) {
      throw new TypeError("verify: cost must be an integer from 0 to 1000");
    }
  }
}

/** A key longer than any real one is simply unknown (the route refuses it as a bad body). */
export const tooLong = (key: string) => key.length > MAX_KEY_LENGTH;
