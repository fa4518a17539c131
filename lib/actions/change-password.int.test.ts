import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db";
import { users } from "@/db/schema";
import { changePassword } from "@/lib/actions/change-password";
import { checkCredentials } from "@/lib/auth/credentials";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { getCurrentUser } from "@/lib/auth/session";
import { withTestDatabase } from "@/tests/db";
import { createUser } from "@/tests/factories";
import { actAs, testRequest } from "@/tests/request-context";

vi.mock("@/lib/auth/password", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/lib/auth/password")>();
  return {
    ...real,
    verifyPassword: vi.fn(real.verifyPassword),
    hashPassword: vi.fn(real.hashPassword),
  };
});

withTestDatabase();

const OLD = "old password 123";
const NEW = "new password 456";
let ipCounter = 0;

function form(values: Record<string, string>) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(values)) fd.set(k, v);
  return fd;
}

const change = (patch: Record<string, string> = {}) =>
  changePassword(
    null,
    form({ currentPassword: OLD, newPassword: NEW, confirmPassword: NEW, ...patch }),
  );

async function userRow(id: string) {
  const [row] = await getDb()
    .select({ hash: users.passwordHash, version: users.sessionVersion })
    .from(users)
    .where(eq(users.id, id));
  if (!row) throw new Error("no user");
  return row;
}

/** A user with a real password, signed in from an address of its own (throttles stay apart). */
async function signedInUser() {
  const user = await createUser("Pat");
  await getDb()
    .update(users)
    .set({ passwordHash: await hashPassword(OLD) })
    .where(eq(users.id, user.id));
  actAs(user.id);
  testRequest().headers = new Headers({ "x-latchkey-client-ip": `198.51.100.${++ipCounter}` });
  vi.mocked(verifyPassword).mockClear();
  vi.mocked(hashPassword).mockClear();
  return user;
}

describe("changePassword", () => {
  beforeEach(() => actAs(null));

  it("refuses a signed-out caller", async () => {
    expect(await change()).toMatchObject({ ok: false, code: "unauthenticated" });
  });

  it("changes the hash and ends every other session; this session keeps working", async () => {
    const user = await signedInUser();
    const before = await userRow(user.id);
    const result = await change();
    expect(result).toEqual({
      ok: true,
      data: null,
      message: "Password changed. Your other sessions have been signed out.",
    });
    const after = await userRow(user.id);
    expect(after.version).toBe(before.version + 1);
    expect(after.hash).toMatch(/^\$argon2id\$/);
    // This session was re-issued with the new version…
    expect(testRequest().sessionVersion).toBe(after.version);
    expect(await getCurrentUser()).toMatchObject({ id: user.id, sessionVersion: after.version });
    // …and a copy of the old one (any other browser) no longer is a session.
    testRequest().sessionVersion = before.version;
    expect(await getCurrentUser()).toBeNull();

    const ip = "203.0.113.9";
    expect(await checkCredentials(user.email, OLD, ip)).toEqual({ ok: false, reason: "invalid" });
    expect(await checkCredentials(user.email, NEW, ip)).toMatchObject({
      ok: true,
      user: { id: user.id, sessionVersion: after.version },
    });
  });

  it("refuses a wrong current password with a field error and changes nothing", async () => {
    const user = await signedInUser();
    const before = await userRow(user.id);
    const result = await change({ currentPassword: "not my password" });
    expect(result).toMatchObject({
      ok: false,
      code: "invalid_input",
      fieldErrors: { currentPassword: ["Current password is incorrect"] },
    });
    // No password is ever sent back to the form.
    expect(result.ok === false && result.values).toEqual({});
    expect(await userRow(user.id)).toEqual(before);
    expect(vi.mocked(hashPassword)).not.toHaveBeenCalled();
  });

  it("spends sign-in attempts: after 10 wrong ones the right password is refused without argon2", async () => {
    const user = await signedInUser();
    const before = await userRow(user.id);
    for (let i = 0; i < 10; i++) {
      expect(await change({ currentPassword: `guess ${i} guess` })).toMatchObject({
        fieldErrors: { currentPassword: ["Current password is incorrect"] },
      });
    }
    expect(vi.mocked(verifyPassword)).toHaveBeenCalledTimes(10);
    vi.mocked(verifyPassword).mockClear();

    const eleventh = await change();
    expect(eleventh).toMatchObject({
      ok: false,
      code: "forbidden",
      error: "Too many failed password attempts. Wait a few minutes and try again.",
    });
    expect(vi.mocked(verifyPassword)).not.toHaveBeenCalled();
    expect(vi.mocked(hashPassword)).not.toHaveBeenCalled();
    expect(await userRow(user.id)).toEqual(before);
    // The same counter as sign-in: signing in with the right password is refused too.
    expect(await checkCredentials(user.email, OLD, "203.0.113.77")).toEqual({
      ok: false,
      reason: "rate_limited",
    });
    expect(vi.mocked(verifyPassword)).not.toHaveBeenCalled();
  });

  it.each([
    ["a mismatched confirmation", { confirmPassword: "new password 457" }, "confirmPassword"],
    ["a too-short new password", { newPassword: "short", confirmPassword: "short" }, "newPassword"],
    ["an empty current password", { currentPassword: "" }, "currentPassword"],
    [
      "the current password as the new one",
      { newPassword: OLD, confirmPassword: OLD },
      "newPassword",
    ],
  ])("refuses %s with a field error and changes nothing", async (_label, patch, field) => {
    const user = await signedInUser();
    const before = await userRow(user.id);
    const result = await change(patch);
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.fieldErrors?.[field]?.length).toBeGreaterThan(0);
    expect(await userRow(user.id)).toEqual(before);
  });

  it("shows every mistake at once: a short new password and a mismatch", async () => {
    await signedInUser();
    const result = await change({ newPassword: "short", confirmPassword: "other" });
    expect(result).toMatchObject({
      ok: false,
      fieldErrors: {
        newPassword: ["Password must be at least 8 characters."],
        confirmPassword: ["The passwords do not match."],
      },
    });
    expect(vi.mocked(verifyPassword)).not.toHaveBeenCalled();
  });

  it("changes nothing when this session ended while it ran", async () => {
    const user = await signedInUser();
    const before = await userRow(user.id);
    // The session was ended elsewhere (signed out) after this request loaded it.
    vi.mocked(hashPassword).mockImplementationOnce(async (password) => {
      await getDb()
        .update(users)
        .set({ sessionVersion: before.version + 1 })
        .where(eq(users.id, user.id));
      const { hashPassword: real } =
        await vi.importActual<typeof import("@/lib/auth/password")>("@/lib/auth/password");
      return real(password);
    });
    expect(await change()).toMatchObject({ ok: false, code: "unauthenticated" });
    expect(await userRow(user.id)).toEqual({ hash: before.hash, version: before.version + 1 });
  });
});
