import { headers } from "next/headers";
import { env } from "@/lib/env";
import { getClientIp } from "@/lib/net/client-ip";
import { createLimiter, getRedis, type Limiter, RateLimiterRes } from "./limiter";

export type AccountWrite = "sign_up" | "create_org";

const limiters = new Map<AccountWrite, Limiter>();

function limiter(kind: AccountWrite): Limiter {
  let found = limiters.get(kind);
  if (!found) {
    found = createLimiter(
      { keyPrefix: `account_${kind}`, points: env().ACCOUNT_WRITES_PER_HOUR, duration: 60 * 60 },
      getRedis(),
    );
    limiters.set(kind, found);
  }
  return found;
}

/**
 * Spends one of the caller's IP's hourly sign-ups or organization creations (each costs an argon2
 * hash or new rows). Answers true when the write may go ahead.
 */
export async function consumeAccountWrite(kind: AccountWrite): Promise<boolean> {
  const ip = getClientIp(await headers()) ?? "unknown";
  try {
    await limiter(kind).consume(ip);
    return true;
  } catch (error) {
    if (error instanceof RateLimiterRes) return false;
    throw error;
  }
}

export const TOO_MANY_ACCOUNT_WRITES =
  "Too many attempts from your network in the last hour. Try again later.";

const memberAddLimiters = new Map<"user" | "ip", Limiter>();

function memberAddLimiter(by: "user" | "ip"): Limiter {
  let found = memberAddLimiters.get(by);
  if (!found) {
    found = createLimiter(
      { keyPrefix: `member_add_${by}`, points: env().MEMBER_ADDS_PER_HOUR, duration: 60 * 60 },
      getRedis(),
    );
    memberAddLimiters.set(by, found);
  }
  return found;
}

/**
 * Spends one of the user's hourly "add member" attempts and one of their IP's, before the email
 * is looked up: the answer says whether an account exists, so it must not be a free oracle.
 * Answers true when the attempt may go ahead.
 */
export async function consumeMemberAdd(userId: string): Promise<boolean> {
  const ip = getClientIp(await headers()) ?? "unknown";
  try {
    await memberAddLimiter("user").consume(userId);
    await memberAddLimiter("ip").consume(ip);
    return true;
  } catch (error) {
    if (error instanceof RateLimiterRes) return false;
    throw error;
  }
}

export const TOO_MANY_MEMBER_ADDS = "Too many members added in the last hour. Try again later.";
