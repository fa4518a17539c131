import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/db";
import { listUserMemberships, type MembershipRow } from "@/db/queries/memberships";
import { getUserById } from "@/db/queries/users";
import type { Role } from "@/db/schema";
import { getSessionClaims } from "@/lib/auth/auth-js";
import { env } from "@/lib/env";

export const ACTIVE_ORG_COOKIE = "lk_org";

export type SessionUser = {
  id: string;
  name: string;
  email: string;
  /** The session version this request's session carries (equal to the user's, or no user). */
  sessionVersion: number;
};
export type OrgContext = {
  user: SessionUser;
  organizationId: string;
  organizationName: string;
  role: Role;
  memberships: MembershipRow[];
};

export const MANAGER_ROLES: readonly Role[] = ["owner", "admin"];
export const canManage = (role: Role) => MANAGER_ROLES.includes(role);

/**
 * The signed-in user, loaded from the database: a JWT for a deleted user, or one issued before
 * the user's session version was bumped (sign-out, password change, removal from every org), is
 * worthless.
 * Memoised per request with React's cache(): the layout and the page ask once between them.
 */
export const getCurrentUser = cache(async (): Promise<SessionUser | null> => {
  const claims = await getSessionClaims();
  if (!claims) return null;
  const user = await getUserById(getDb(), claims.userId);
  // A session issued before sign-out (or removal from every organization) carries an old version.
  if (!user || user.sessionVersion !== claims.sessionVersion) return null;
  return { id: user.id, name: user.name, email: user.email, sessionVersion: user.sessionVersion };
});

/**
 * Remembers which of the user's organizations is active. Callers must have checked the
 * membership in the database: the cookie only picks among the user's own memberships.
 */
export async function setActiveOrganization(organizationId: string): Promise<void> {
  const { NODE_ENV, AUTH_URL } = env();
  (await cookies()).set(ACTIVE_ORG_COOKIE, organizationId, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: NODE_ENV === "production" && AUTH_URL?.startsWith("https:") === true,
    maxAge: 60 * 60 * 24 * 365,
  });
}

/**
 * The user's active organization and role, read from the database on every call. The cookie only
 * says which of the user's own memberships to prefer; it grants nothing.
 */
export const getOrgContext = cache(async (): Promise<OrgContext | null> => {
  const user = await getCurrentUser();
  if (!user) return null;
  const list = await listUserMemberships(getDb(), user.id);
  const preferred = (await cookies()).get(ACTIVE_ORG_COOKIE)?.value;
  const active = list.find((m) => m.organizationId === preferred) ?? list[0];
  if (!active) return null;
  return { user, ...active, memberships: list };
});

/** For pages: the org context; signed-out users go to /sign-in, users without an org to /welcome. */
export async function requireOrgContext(): Promise<OrgContext> {
  const ctx = await getOrgContext();
  if (ctx) return ctx;
  redirect((await getCurrentUser()) ? "/welcome" : "/sign-in");
}
