import { getDb } from "@/db";
import { findUserByEmail, type UserSummary } from "@/db/queries/users";
import { verifyPassword } from "@/lib/auth/password";
import { consumeSignInAttempt, recordSignInSuccess } from "@/lib/rate-limit/sign-in";

export type CredentialsCheck =
  | { ok: true; user: UserSummary }
  | { ok: false; reason: "invalid" | "rate_limited" };

/**
 * The one password check: sign-in and the password change both go through it, so both spend the
 * same attempts. An attempt is spent for the email and the IP *before* argon2 runs; a throttled
 * attempt never reaches the hash. A correct password gives the attempts back.
 */
export async function checkCredentials(
  email: string,
  password: string,
  ip: string | undefined,
): Promise<CredentialsCheck> {
  if ((await consumeSignInAttempt(email, ip)) > 0) return { ok: false, reason: "rate_limited" };
  const user = await findUserByEmail(getDb(), email);
  const ok = await verifyPassword(user?.passwordHash, password);
  if (!user || !ok) return { ok: false, reason: "invalid" };
  await recordSignInSuccess(email, ip);
  const { passwordHash: _, ...summary } = user;
  return { ok: true, user: summary };
}
