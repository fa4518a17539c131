import { cookies } from "next/headers";
import { getDb } from "@/db";
import { listUserMemberships } from "@/db/queries/memberships";
import { env } from "@/lib/env";

/**
 * The organization the user chose (switcher, picker, creation, or their first one at sign-in).
 * It grants nothing: every read checks it against the user's memberships in the database, and a
 * choice that is not one of them is refused, never swapped for another organization.
 */
export const ACTIVE_ORG_COOKIE = "lk_org";

/** What the cookie holds once its organization was lost: nothing is active until the user chooses. */
export const LOST_ORG = "lost";

async function writeCookie(value: string): Promise<void> {
  const { NODE_ENV, AUTH_URL } = env();
  (await cookies()).set(ACTIVE_ORG_COOKIE, value, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: NODE_ENV === "production" && AUTH_URL?.startsWith("https:") === true,
    maxAge: 60 * 60 * 24 * 365,
  });
}

/**
 * Remembers which of the user's organizations is active. Callers must have checked the
 * membership in the database: the cookie only picks among the user's own memberships.
 */
export async function setActiveOrganization(organizationId: string): Promise<void> {
  await writeCookie(organizationId);
}

/** Clears a choice that names an organization the user is not in: they must choose again. */
export async function forgetLostOrganization(): Promise<void> {
  await writeCookie(LOST_ORG);
}

/**
 * At sign-in: keeps the browser's choice when it is one of this user's organizations (it may be
 * another user's, or one this user has left), else chooses the user's first one. So a session
 * always acts in an organization it named, and losing that one is noticed rather than replaced.
 */
export async function chooseOrganizationAtSignIn(userId: string): Promise<void> {
  const list = await listUserMemberships(getDb(), userId);
  const current = (await cookies()).get(ACTIVE_ORG_COOKIE)?.value;
  if (list.some((m) => m.organizationId === current)) return;
  const first = list[0];
  if (first) await writeCookie(first.organizationId);
  else (await cookies()).delete(ACTIVE_ORG_COOKIE);
}
