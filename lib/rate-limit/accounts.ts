import { headers } from "next/headers";
import { env } from "@/lib/env";
import { getClientIp } from "@/lib/net/client-ip";
import { createLimiter, getRedis, type Limiter, spend } from "./limiter";

/** An hourly limiter made on first use, so the environment is read then and not at import. */
function hourly(keyPrefix: string, points: () => number): () => Limiter {
  let limiter: Limiter | undefined;
  return () =>
    (limiter ??= createLimiter({ keyPrefix, points: points(), duration: 60 * 60 }, getRedis()));
}

export type AccountWrite = "sign_up" | "create_org";

const accountWrites: Record<AccountWrite, () => Limiter> = {
  sign_up: hourly("account_sign_up", () => env().ACCOUNT_WRITES_PER_HOUR),
  create_org: hourly("account_create_org", () => env().ACCOUNT_WRITES_PER_HOUR),
};

/**
 * Spends one of the caller's IP's hourly sign-ups or organization creations (each costs an argon2
 * hash or new rows). Answers true when the write may go ahead.
 */
export async function consumeAccountWrite(kind: AccountWrite): Promise<boolean> {
  const ip = getClientIp(await headers()) ?? "unknown";
  return (await spend(accountWrites[kind](), ip)) === 0;
}

export const TOO_MANY_ACCOUNT_WRITES =
  "Too many attempts from your network in the last hour. Try again later.";

const memberAdds = {
  user: hourly("member_add_user", () => env().MEMBER_ADDS_PER_HOUR),
  ip: hourly("member_add_ip", () => env().MEMBER_ADDS_PER_HOUR),
};

/**
 * Spends one of the user's hourly "add member" attempts and one of their IP's, before the email
 * is looked up: the answer says whether an account exists, so it must not be a free oracle.
 * Answers true when the attempt may go ahead.
 */
export async function consumeMemberAdd(userId: string): Promise<boolean> {
  const ip = getClientIp(await headers()) ?? "unknown";
  // The IP's attempt is spent only when the user's was allowed.
  return (await spend(memberAdds.user(), userId)) === 0 && (await spend(memberAdds.ip(), ip)) === 0;
}

export const TOO_MANY_MEMBER_ADDS = "Too many members added in the last hour. Try again later.";
