import { beforeEach, describe, expect, it, vi } from "vitest";

// Auth.js itself is replaced by a stand-in whose POST handler does what Auth.js's sign-out does:
// decode the cookie's token, emit events.signOut and swallow (log) what it throws, then answer
// with the cookie cleared.
const token = vi.hoisted(() => ({ value: {} as unknown }));
vi.mock("next-auth", () => {
  class AuthError extends Error {}
  class CredentialsSignin extends AuthError {}
  return {
    AuthError,
    CredentialsSignin,
    default: (config: () => { events: { signOut: (m: unknown) => Promise<void> } }) => ({
      handlers: {
        GET: async () => new Response("get"),
        POST: async () => {
          try {
            await config().events.signOut({ token: token.value });
          } catch {}
          return new Response(null, {
            status: 302,
            headers: { location: "/sign-in", "set-cookie": "authjs.session-token=; Max-Age=0" },
          });
        },
      },
    }),
  };
});
vi.mock("next-auth/providers/credentials", () => ({ default: () => ({}) }));
vi.mock("@/db", () => ({ getDb: () => ({}) }));
vi.mock("@/db/queries/users", () => ({ endSessionsFrom: vi.fn() }));
vi.mock("@/lib/auth/credentials", () => ({ checkCredentials: vi.fn() }));
vi.mock("@/lib/auth/active-org", () => ({ chooseOrganizationAtSignIn: vi.fn() }));

const { endSessionsFrom } = await import("@/db/queries/users");
const { handlers } = await import("@/lib/auth/auth-js");

const userId = "7b0c3d2e-58a1-4c1e-9d4f-0a6b2f3c4d5e";
const signOut = () => handlers.POST(new Request("http://localhost/api/auth/signout") as never);

describe("Auth.js's sign-out route", () => {
  beforeEach(() => {
    vi.mocked(endSessionsFrom).mockReset();
    token.value = { sub: userId, sv: 3 };
  });

  it("ends the sessions of the version the cookie carries, and answers as Auth.js does", async () => {
    vi.mocked(endSessionsFrom).mockResolvedValue(true);
    const response = await signOut();
    expect(endSessionsFrom).toHaveBeenCalledWith({}, userId, 3);
    expect(response.status).toBe(302);
    expect(response.headers.get("set-cookie")).toContain("authjs.session-token=;");
  });

  it("answers 503 and keeps the cookie when the end could not be recorded", async () => {
    vi.mocked(endSessionsFrom).mockRejectedValue(new Error("database unreachable"));
    const response = await signOut();
    expect(response.status).toBe(503);
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(await response.text()).toContain("your session has not ended");
  });

  it("touches nothing for a token without a user id and version", async () => {
    token.value = { sub: "not-a-uuid", sv: "3" };
    const response = await signOut();
    expect(endSessionsFrom).not.toHaveBeenCalled();
    expect(response.status).toBe(302);
  });
});
