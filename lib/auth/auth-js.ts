/**
 * The only module that imports next-auth (Auth.js v5 is in maintenance; keeping it behind this
 * file keeps a later move cheap). Sessions are JWTs carrying the user id only: the user, their
 * memberships and roles are always read from the database.
 */
import NextAuth, { AuthError, CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { getDb } from "@/db";
import { findUserByEmail } from "@/db/queries/users";
import { verifyPassword } from "@/lib/auth/password";
import { consumeSignInAttempt, recordSignInSuccess } from "@/lib/auth/sign-in-throttle";
import { env } from "@/lib/env";
import { getClientIp } from "@/lib/net/client-ip";

class InvalidCredentials extends CredentialsSignin {
  code = "invalid_credentials";
}
class TooManyAttempts extends CredentialsSignin {
  code = "rate_limited";
}

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().max(254),
  password: z.string().max(1024),
});

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
        const ip = getClientIp(request.headers);
        if ((await consumeSignInAttempt(email, ip)) > 0) throw new TooManyAttempts();
        const user = await findUserByEmail(getDb(), email);
        const ok = await verifyPassword(user?.passwordHash, password);
        if (!user || !ok) throw new InvalidCredentials();
        await recordSignInSuccess(email, ip);
        return {
          id: user.id,
          name: user.name,
          email: user.email,
          sessionVersion: user.sessionVersion,
        } as { id: string; name: string; email: string };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user?.id) {
        token.sub = user.id;
        // The user's session version when signed in; a later bump makes this token worthless.
        token.sv = (user as { sessionVersion?: number }).sessionVersion ?? 0;
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

export const { handlers } = nextAuth;

/** The session JWT's claims (user id and session version), or null. Callers compare the version. */
export async function getSessionClaims(): Promise<{
  userId: string;
  sessionVersion: number;
} | null> {
  const session = await nextAuth.auth();
  const userId = session?.user?.id;
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

export async function signOutAndRedirect(): Promise<void> {
  await nextAuth.signOut({ redirectTo: "/sign-in" });
}
