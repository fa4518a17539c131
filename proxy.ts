import { type NextRequest, NextResponse } from "next/server";
import { SESSION_COOKIE_NAMES } from "@/lib/auth/session-cookie";

// Optimistic check only: a visitor without a session cookie goes to /sign-in. Every page, action
// and route still verifies the session and membership against the database.
export function proxy(request: NextRequest) {
  const hasSession = SESSION_COOKIE_NAMES.some((name) => request.cookies.has(name));
  if (hasSession) return NextResponse.next();
  const url = request.nextUrl.clone();
  url.pathname = "/sign-in";
  url.search = "";
  return NextResponse.redirect(url);
}

export const config = {
  // App pages only: not the auth pages, the APIs, Next internals or static files.
  matcher: ["/((?!sign-in|sign-up|api/|docs/|_next/|favicon.ico|.*\\.[a-z0-9]+$).*)"],
};
