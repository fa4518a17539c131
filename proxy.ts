import { type NextRequest, NextResponse } from "next/server";
import { SESSION_COOKIE_NAMES } from "@/lib/auth/session-cookie";
import { contentSecurityPolicy, newNonce } from "@/lib/net/csp";

// Pages anyone may open; every other page needs a session cookie.
const PUBLIC_PAGES = /^\/(sign-in|sign-up|docs)(\/|$)/;

/**
 * Every page gets a fresh CSP nonce (on the request, where Next reads it for its own scripts, and
 * on the response). Visitors without a session cookie go to /sign-in: an optimistic check only —
 * every page, action and route still verifies the session and membership against the database.
 */
export function proxy(request: NextRequest) {
  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce, process.env.NODE_ENV === "development");
  const hasSession = SESSION_COOKIE_NAMES.some((name) => request.cookies.has(name));
  let response: NextResponse;
  if (hasSession || PUBLIC_PAGES.test(request.nextUrl.pathname)) {
    const headers = new Headers(request.headers);
    headers.set("x-nonce", nonce);
    headers.set("content-security-policy", csp);
    response = NextResponse.next({ request: { headers } });
  } else {
    const url = request.nextUrl.clone();
    url.pathname = "/sign-in";
    url.search = "";
    response = NextResponse.redirect(url);
  }
  response.headers.set("content-security-policy", csp);
  return response;
}

export const config = {
  // Pages only: not the APIs (their bodies must stream unbuffered), Next's files or static files.
  matcher: ["/((?!api/|_next/|favicon.ico|.*\\.[a-z0-9]+$).*)"],
};
