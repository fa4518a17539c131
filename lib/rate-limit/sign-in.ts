import { createLimiter, getRedis, type Limiter, spend } from "./limiter";

const WINDOW_SECONDS = 15 * 60;
const ATTEMPTS_PER_EMAIL = 10;
const ATTEMPTS_PER_IP = 50;

let limiters: { email: Limiter; ip: Limiter } | undefined;
function getLimiters() {
  if (limiters) return limiters;
  const redis = getRedis();
  limiters = {
    email: createLimiter(
      { keyPrefix: "signin_email", points: ATTEMPTS_PER_EMAIL, duration: WINDOW_SECONDS },
      redis,
    ),
    ip: createLimiter(
      { keyPrefix: "signin_ip", points: ATTEMPTS_PER_IP, duration: WINDOW_SECONDS },
      redis,
    ),
  };
  return limiters;
}

const keys = (email: string, ip: string | undefined) => ({
  email: email.trim().toLowerCase(),
  ip: ip ?? "unknown",
});

/**
 * Spends one attempt for the email and for the IP *before* the password is checked, and answers
 * whether the check may run (0) or how many seconds to wait. Consuming first is what makes the
 * limit hold when attempts arrive at once: the counter's increment is atomic, a read-then-record
 * is not.
 */
export async function consumeSignInAttempt(email: string, ip: string | undefined): Promise<number> {
  const { email: e, ip: i } = keys(email, ip);
  const l = getLimiters();
  const outcomes = await Promise.all([spend(l.email, e), spend(l.ip, i)]);
  return Math.max(...outcomes);
}

/** A correct password gives the attempts back: the email's entirely, the IP's one point. */
export async function recordSignInSuccess(email: string, ip: string | undefined): Promise<void> {
  const { email: e, ip: i } = keys(email, ip);
  const l = getLimiters();
  await Promise.all([l.email.delete(e), l.ip.reward(i, 1)]);
}
