import { createLimiter, getRedis, type Limiter, RateLimiterRes } from "@/lib/limiter";

const WINDOW_SECONDS = 15 * 60;
const FAILURES_PER_EMAIL = 10;
const FAILURES_PER_IP = 50;

let limiters: { email: Limiter; ip: Limiter } | undefined;
function getLimiters() {
  if (limiters) return limiters;
  const redis = getRedis();
  limiters = {
    email: createLimiter(
      { keyPrefix: "signin_email", points: FAILURES_PER_EMAIL, duration: WINDOW_SECONDS },
      redis,
    ),
    ip: createLimiter(
      { keyPrefix: "signin_ip", points: FAILURES_PER_IP, duration: WINDOW_SECONDS },
      redis,
    ),
  };
  return limiters;
}

const keys = (email: string, ip: string | undefined) => ({
  email: email.trim().toLowerCase(),
  ip: ip ?? "unknown",
});

/** Seconds until the caller may try again, or 0 when a sign-in attempt is allowed now. */
export async function signInRetryAfter(email: string, ip: string | undefined): Promise<number> {
  const { email: e, ip: i } = keys(email, ip);
  const l = getLimiters();
  const [byEmail, byIp] = await Promise.all([l.email.get(e), l.ip.get(i)]);
  let wait = 0;
  if (byEmail && byEmail.consumedPoints >= FAILURES_PER_EMAIL)
    wait = Math.max(wait, byEmail.msBeforeNext);
  if (byIp && byIp.consumedPoints >= FAILURES_PER_IP) wait = Math.max(wait, byIp.msBeforeNext);
  return Math.ceil(wait / 1000);
}

export async function recordSignInFailure(email: string, ip: string | undefined): Promise<void> {
  const { email: e, ip: i } = keys(email, ip);
  const l = getLimiters();
  const swallow = (err: unknown) => {
    if (!(err instanceof RateLimiterRes)) throw err;
  };
  await Promise.all([l.email.consume(e).catch(swallow), l.ip.consume(i).catch(swallow)]);
}

export async function recordSignInSuccess(email: string): Promise<void> {
  await getLimiters().email.delete(keys(email, undefined).email);
}
