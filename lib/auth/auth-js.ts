/**
 * The only module that imports next-auth (Auth.js v5 is in maintenance; keeping it behind this
 * file keeps a later move cheap). Sessions are JWTs carrying the user id and session version
 * only: the user, their memberships and roles are always read from the database.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";
import { cookies, headers } from "next/headers";
import type { NextRequest } from "next/server";
import NextAuth, { AuthError, CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { getDb } from "@/db";
import { endSessionsFrom } from "@/db/queries/users";
import { chooseOrganizationAtSignIn } from "@/lib/auth/active-org";
import { checkCredentials } from "@/lib/auth/credentials";
import { env } from "@/lib/env";
import { plainText } from "@/lib/input";
import { getClientIp } from "@/lib/net/client-ip";

class InvalidCredentials extends CredentialsSignin {
  code = "invalid_credentials";
}
class TooManyAttempts extends CredentialsSignin {
  code = "rate_limited";
}

const credentialsSchema = z.object({
  email: plainText(z.string().trim().toLowerCase().max(254)),
  password: z.string().max(1024),
});

const tokenClaims = z.object({ sub: z.uuid(), sv: z.number().int() });

// Auth.js logs and swallows an error thrown by events.signOut, then clears the cookie anyway. A
// sign-out through its route that could not end the session must not look like one that did:
// the route handler below answers 503 instead (and the cookie stays, so the user can retry).
const signOutAttempt = new AsyncLocalStorage<{ failed: boolean }>();

const nextAuth = NextAuth(() => ({
  // Read per request: server.ts may install a generated AUTH_SECRET after this module loads.
  secret: env().AUTH_SECRET,
  trustHost: env().AUTH_TRUST_HOST,
  session: { strategy: "jwt", maxAge: 30 * 24 * 60 * 60 },
  pages: { signIn: "/sign-in" },
  logger: {
    error(error: Error) {
      // A wrong password is not a server error.
      if (error instanceof CredentialsSignin) return;
      console.error("[auth]", error);
    },
  },
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(raw, request) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) throw new InvalidCredentials();
        const { email, password } = parsed.data;
        const checked = await checkCredentials(email, password, getClientIp(request.headers));
        if (!checked.ok) {
          throw checked.reason === "rate_limited"
            ? new TooManyAttempts()
            : new InvalidCredentials();
        }
        const { user } = checked;
        return {
          id: user.id,
          name: user.name,
          email: user.email,
          sessionVersion: user.sessionVersion,
        } as { id: string; name: string; email: string };
      },
    }),
  ],
  events: {
    async signIn({ user }) {
      if (user.id) await chooseOrganizationAtSignIn(user.id);
    },
    /**
     * Every sign-out, through our action or Auth.js's own POST /api/auth/signout, ends the session
     * everywhere: copies of the cookie carry the old version and stop working.
     */
    async signOut(message) {
      const claims = tokenClaims.safeParse("token" in message ? message.token : null);
      if (!claims.success) return;
      try {
        await endSessionsFrom(getDb(), claims.data.sub, claims.data.sv);
      } catch (error) {
        const attempt = signOutAttempt.getStore();
        if (attempt) attempt.failed = true;
        throw error;
      }
    },
  },
  callbacks: {
    jwt({ token, user, trigger, session }) {
      if (user?.id) {
        token.sub = user.id;
        // The user's session version when signed in; a later bump makes this token worthless.
        token.sv = (user as { sessionVersion?: number }).sessionVersion ?? 0;
      }
      if (trigger === "update") {
        // Only a grant made by reissueSession in this process moves the version, and only for
        // the token it was made for. Anything else (say, a POST to /api/auth/session with an
        // ended session's cookie) leaves the token as it was: ended sessions stay ended.
        const grant = takeReissueGrant(session);
        if (grant && token.sub === grant.userId && token.sv === grant.from) token.sv = grant.to;
      }
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      (session as { sessionVersion?: number }).sessionVersion =
        typeof token.sv === "number" ? token.sv : 0;
      return session;
    },
  },
}));

export const handlers = {
  GET: nextAuth.handlers.GET,
  async POST(request: NextRequest): Promise<Response> {
    const attempt = { failed: false };
    const response = await signOutAttempt.run(attempt, () => nextAuth.handlers.POST(request));
    if (!attempt.failed) return response;
    return new Response("Signing out failed, so your session has not ended. Try again.", {
      status: 503,
      headers: { "cache-control": "no-store", "content-type": "text/plain; charset=utf-8" },
    });
  },
};

/** The session JWT's claims (user id and session version), or null. Callers compare the version. */
export async function getSessionClaims(): Promise<{
  userId: string;
  sessionVersion: number;
} | null> {
  // The request's headers, but the cookies as they are now: a server action that re-issued the
  // session cookie (a password change) renders its answer with the new cookie, not the one the
  // request came with (headers() keeps that one; cookies() follows the action's changes).
  const request = { headers: new Headers(await headers()) };
  request.headers.set("cookie", (await cookies()).toString());
  // Auth.js's request form of auth(): it reads the cookie from the headers given, and puts any
  // refreshed cookie on the response given, which is dropped as auth() without arguments does.
  const session = await nextAuth.auth(request as never, { headers: new Headers() } as never);
  const userId = (session as { user?: { id?: string } } | null)?.user?.id;
  if (!userId) return null;
  return { userId, sessionVersion: (session as { sessionVersion?: number }).sessionVersion ?? 0 };
}

export type SignInResult = { ok: true } | { ok: false; reason: "invalid" | "rate_limited" };

/** Signs in with email and password, setting the session cookie. Never redirects. */
export async function signInWithPassword(email: string, password: string): Promise<SignInResult> {
  try {
    await nextAuth.signIn("credentials", { email, password, redirect: false });
    return { ok: true };
  } catch (error) {
    if (error instanceof CredentialsSignin) {
      return { ok: false, reason: error.code === "rate_limited" ? "rate_limited" : "invalid" };
    }
    if (error instanceof AuthError) return { ok: false, reason: "invalid" };
    throw error;
  }
}

type ReissueGrant = { userId: string; from: number; to: number };
const reissueGrants = new Map<string, ReissueGrant>();

function takeReissueGrant(data: unknown): ReissueGrant | undefined {
  const id = (data as { reissue?: unknown } | null | undefined)?.reissue;
  if (typeof id !== "string") return undefined;
  const grant = reissueGrants.get(id);
  reissueGrants.delete(id);
  return grant;
}

/**
 * Re-issues this request's session cookie with session version `to`, when it is the user's
 * session at version `from`: the session that just bumped the version (a password change) keeps
 * working while every other one has ended. Answers whether the cookie was re-issued.
 */
export async function reissueSession(userId: string, from: number, to: number): Promise<boolean> {
  const id = randomBytes(32).toString("base64url");
  reissueGrants.set(id, { userId, from, to });
  try {
    const session = (await nextAuth.unstable_update({ reissue: id } as never)) as {
      sessionVersion?: number;
    } | null;
    return session?.sessionVersion === to;
  } finally {
    reissueGrants.delete(id);
  }
}

export async function signOutAndRedirect(redirectTo = "/sign-in"): Promise<void> {
  await nextAuth.signOut({ redirectTo });
}
