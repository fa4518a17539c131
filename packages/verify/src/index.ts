/**
 * @latchkey/verify: protect any Node service with Latchkey API keys.
 *
 * - `createDirectVerifier({ databaseUrl, organizationId, redisUrl? })`: in-process, against
 *   Latchkey's PostgreSQL.
 * - `createRemoteVerifier({ baseUrl, apiKey })`: one call of Latchkey's verify route each.
 *
 * Both: `await verifier.verify({ key, scopes?, clientIp?, endpoint?, cost? })` → a verdict;
 * adapters in `@latchkey/verify/express` and `@latchkey/verify/fetch`.
 */
export type { UsageRefill } from "./credits/period.ts";
export {
  createDirectVerifier,
  DIRECT_ENDPOINT,
  type DirectVerifier,
  type DirectVerifierOptions,
} from "./direct.ts";
export { parseApiKey, redactApiKeys } from "./key-format.ts";
export { createRemoteVerifier, type RemoteVerifierOptions } from "./remote.ts";
export type { Unavailable, Verdict, VerdictCode, VerifyInput } from "./verdict.ts";
export type { LatchkeyVerifier, Outcome } from "./verifier-api.ts";
