import { vi } from "vitest";

// What server.ts would have generated: webhook secrets are encrypted with a key derived from it.
process.env.AUTH_SECRET ??= "integration-tests-auth-secret-0123456789abcdef";

import { testRequest } from "./request-context";

// Server actions run here outside Next's request scope: the request (session user, cookies,
// headers) is the test's to set, and everything behind it (zod, roles, SQL) is the real code.
vi.mock("@/lib/auth/auth-js", () => ({
  getSessionClaims: async () => {
    const { userId, sessionVersion } = testRequest();
    return userId ? { userId, sessionVersion: sessionVersion ?? 0 } : null;
  },
  signInWithPassword: async () => ({ ok: true }),
  // The re-issued cookie: the test's session now carries the new version.
  reissueSession: async (userId: string, from: number, to: number) => {
    const req = testRequest();
    if (req.userId !== userId || (req.sessionVersion ?? 0) !== from) return false;
    req.sessionVersion = to;
    return true;
  },
  signOutAndRedirect: async () => {},
  handlers: {},
}));

vi.mock("next/headers", () => ({
  cookies: async () => {
    const jar = testRequest().cookies;
    return {
      get: (name: string) => (jar.has(name) ? { name, value: jar.get(name) } : undefined),
      set: (name: string, value: string) => void jar.set(name, value),
      delete: (name: string) => void jar.delete(name),
    };
  },
  headers: async () => testRequest().headers,
}));

vi.mock("next/cache", () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

vi.mock("next/navigation", () => ({
  redirect: (url: string) => {
    throw Object.assign(new Error("NEXT_REDIRECT"), { digest: `NEXT_REDIRECT;replace;${url}` });
  },
  notFound: () => {
    throw Object.assign(new Error("NEXT_NOT_FOUND"), { digest: "NEXT_HTTP_ERROR_FALLBACK;404" });
  },
}));
