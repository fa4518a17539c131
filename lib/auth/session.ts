import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/db";
import { listUserMemberships, type MembershipRow } from "@/db/queries/memberships";
import { getUserById } from "@/db/queries/users";
import type { Role } from "@/db/schema";
import {
  ACTIVE_ORG_COOKIE,
  forgetLostOrganization,
  setActiveOrganization,
} from "@/lib/auth/active-org";
import { getSessionClaims } from "@/lib/auth/auth-js";

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
 * Which organization this request acts in, read from the database on every call. The cookie
 * names the user's choice and grants nothing; a choice that is not (or no longer) one of the
 * user's memberships is "lost": it is never replaced by another organization behind their back.
 * Without any choice (a session from before choices were kept at sign-in) the first membership
 * is active, and `chosen` is false.
 */
export type OrgSelection =
  | { kind: "signed_out" }
  | { kind: "no_organization"; user: SessionUser }
  | { kind: "lost"; user: SessionUser; memberships: MembershipRow[] }
  | { kind: "active"; ctx: OrgContext; chosen: boolean };

export const getOrgSelection = cache(async (): Promise<OrgSelection> => {
  const user = await getCurrentUser();
  if (!user) return { kind: "signed_out" };
  const list = await listUserMemberships(getDb(), user.id);
  const choice = (await cookies()).get(ACTIVE_ORG_COOKIE)?.value;
  if (!choice) {
    const first = list[0];
    if (!first) return { kind: "no_organization", user };
    return { kind: "active", chosen: false, ctx: { user, ...first, memberships: list } };
  }
  const active = list.find((m) => m.organizationId === choice);
  if (!active) return { kind: "lost", user, memberships: list };
  return { kind: "active", chosen: true, ctx: { user, ...active, memberships: list } };
});

/** The active organization and role, or null (signed out, no organization, or the choice lost). */
export const getOrgContext = cache(async (): Promise<OrgContext | null> => {
  const selection = await getOrgSelection();
  return selection.kind === "active" ? selection.ctx : null;
});

/**
 * For server actions, which may write cookies: the org context, or why there is none. A lost
 * choice is cleared (the user must choose again, see /welcome) and refused; a session without a
 * choice gets its current organization written down, so that losing it later is noticed too.
 */
export async function getActionOrgContext(): Promise<OrgContext | "signed_out" | "lost"> {
  const selection = await getOrgSelection();
  switch (selection.kind) {
    case "active":
      if (!selection.chosen) await setActiveOrganization(selection.ctx.organizationId);
      return selection.ctx;
    case "lost":
      await forgetLostOrganization();
      return "lost";
    default:
      return "signed_out";
  }
}

/**
 * For pages: the org context; signed-out users go to /sign-in, users without an active org to
 * /welcome.
 */
export async function requireOrgContext(): Promise<OrgContext> {
  const selection = await getOrgSelection();
  if (selection.kind === "active") return selection.ctx;
  // Without an organization, or with a choice that is no longer theirs: /welcome says so and
  // lets them choose (or create) one.
  redirect(selection.kind === "signed_out" ? "/sign-in" : "/welcome");
}
