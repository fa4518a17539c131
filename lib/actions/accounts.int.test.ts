import { count, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { memberships, organizations, users } from "@/db/schema";
import { signUp } from "@/lib/actions/sign-up";
import { verifyPassword } from "@/lib/auth/password";
import { withTestDatabase } from "@/tests/db";
import { actAs } from "@/tests/request-context";

withTestDatabase();

function form(values: Record<string, string>) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(values)) fd.set(k, v);
  return fd;
}

async function counts() {
  const db = getDb();
  const [[u], [o], [m]] = await Promise.all([
    db.select({ n: count() }).from(users),
    db.select({ n: count() }).from(organizations),
    db.select({ n: count() }).from(memberships),
  ]);
  return { users: u?.n, orgs: o?.n, memberships: m?.n };
}

const valid = {
  name: "Ada Lovelace",
  email: "Ada@Example.com",
  password: "correct horse battery",
  organization: "Analytical Engines",
};

describe("signUp", () => {
  beforeEach(() => actAs(null));

  it("creates the user, the organization and the owner membership, then redirects home", async () => {
    await expect(signUp(null, form(valid))).rejects.toMatchObject({
      digest: expect.stringContaining(";/"),
    });
    const [user] = await getDb().select().from(users).where(eq(users.email, "ada@example.com"));
    expect(user?.name).toBe("Ada Lovelace");
    expect(user?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(user?.passwordHash, valid.password)).toBe(true);
    const [membership] = await getDb()
      .select({ role: memberships.role, org: organizations.name })
      .from(memberships)
      .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
      .where(eq(memberships.userId, user?.id as string));
    expect(membership).toEqual({ role: "owner", org: "Analytical Engines" });
  });

  it("refuses a taken email (any case) with a field error and writes nothing", async () => {
    const before = await counts();
    const result = await signUp(null, form({ ...valid, email: "ADA@example.COM" }));
    expect(result).toMatchObject({
      ok: false,
      fieldErrors: { email: ["An account with this email already exists."] },
      values: { email: "ADA@example.COM", name: "Ada Lovelace" },
    });
    expect(result.ok === false && result.values?.password).toBeFalsy();
    expect(await counts()).toEqual(before);
  });

  it.each([
    ["empty name", { name: "" }, "name"],
    ["too-long name", { name: "x".repeat(101) }, "name"],
    ["malformed email", { email: "not-an-email" }, "email"],
    ["empty email", { email: "" }, "email"],
    ["short password", { password: "1234567" }, "password"],
    ["empty organization", { organization: "   " }, "organization"],
    ["too-long organization", { organization: "o".repeat(101) }, "organization"],
  ])("rejects %s with a field error and writes nothing", async (_label, patch, field) => {
    const before = await counts();
    const result = await signUp(null, form({ ...valid, email: "new@example.com", ...patch }));
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.fieldErrors?.[field]?.length).toBeGreaterThan(0);
    expect(await counts()).toEqual(before);
  });
});

describe("organizations of one's own", () => {
  it("sends a user without any organization to /welcome, where they can create one", async () => {
    const { createOrganization } = await import("@/lib/actions/create-organization");
    const { requireOrgContext } = await import("@/lib/auth/session");
    const { createUser } = await import("@/tests/factories");
    const loner = await createUser("Loner");
    actAs(loner.id);
    await expect(requireOrgContext()).rejects.toMatchObject({
      digest: expect.stringContaining("/welcome"),
    });
    const bad = await createOrganization(null, form({ name: " " }));
    expect(bad).toMatchObject({ ok: false, fieldErrors: { name: [expect.any(String)] } });
    await expect(createOrganization(null, form({ name: "Solo Inc" }))).rejects.toMatchObject({
      digest: expect.stringContaining(";/"),
    });
    const ctx = await requireOrgContext();
    expect(ctx).toMatchObject({ organizationName: "Solo Inc", role: "owner" });
  });
});
