import { randomUUID } from "node:crypto";
import { type APIRequestContext, expect, request } from "@playwright/test";
import { actionByName, callAction, formData } from "./actions";

export type Member = {
  ctx: APIRequestContext;
  email: string;
  password: string;
  name: string;
  /** The organization made at sign-up (absent for a member signed in without one). */
  organization?: string;
  baseURL: string;
};

export function credentials(prefix = "sec") {
  const id = randomUUID().slice(0, 8);
  return {
    name: `${prefix} ${id}`,
    email: `${prefix}-${id}@example.test`,
    password: `pw-${randomUUID()}`,
    organization: `Org ${id}`,
  };
}

/** A new user with their own organization, signed in on a request context of their own. */
export async function signUpOverHttp(baseURL: string, prefix = "sec"): Promise<Member> {
  const account = credentials(prefix);
  const ctx = await request.newContext({ baseURL });
  const result = await callAction(ctx, actionByName("signUp"), [null, formData(account)], {
    baseURL,
  });
  expect(result.status, result.body.slice(0, 300)).toBeLessThan(400);
  expect((await ctx.storageState()).cookies.some((c) => c.name.endsWith("session-token"))).toBe(
    true,
  );
  return { ctx, baseURL, ...account };
}

export async function signInOverHttp(baseURL: string, email: string, password: string) {
  const ctx = await request.newContext({ baseURL });
  const result = await callAction(
    ctx,
    actionByName("signIn"),
    [null, formData({ email, password })],
    { baseURL },
  );
  return { ctx, result };
}

/** Creates a key through the server action the dialog uses; the full key is in this answer only. */
export async function createKeyOverHttp(
  member: Member,
  scopes: string[],
  name = `Key ${randomUUID().slice(0, 6)}`,
  extra: Record<string, string> = {},
): Promise<{ id: string; key: string }> {
  const result = await callAction(
    member.ctx,
    actionByName("createApiKey"),
    [{ name, scopes, environment: "live", expiration: "never", ...extra }],
    { baseURL: member.baseURL },
  );
  const match = /"id":"([0-9a-f-]{36})","key":"(lk_(?:live|test)_[0-9A-Za-z]{38})"/.exec(
    result.body,
  );
  if (!match?.[1] || !match[2]) throw new Error(`no key in: ${result.body.slice(0, 500)}`);
  return { id: match[1], key: match[2] };
}

/** The organization's members as the members page's RSC payload lists them. */
export async function membersOf(member: Member) {
  const html = await (await member.ctx.get("/settings/members")).text();
  const unescaped = html.replace(/\\"/g, '"');
  const out = new Map<string, { userId: string; role: string }>();
  for (const m of unescaped.matchAll(
    /"userId":"([0-9a-f-]{36})","name":"[^"]*","email":"([^"]+)","role":"(owner|admin|member)"/g,
  )) {
    out.set(m[2] as string, { userId: m[1] as string, role: m[3] as string });
  }
  return out;
}

export async function addMember(owner: Member, email: string, role: string) {
  const result = await callAction(owner.ctx, actionByName("addMember"), [{ email, role }], {
    baseURL: owner.baseURL,
  });
  expect(result.body).toContain('"ok":true');
}
