import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { searchAuditLog } from "@/db/queries/audit";
import { memberships } from "@/db/schema";
import { addMember } from "@/lib/actions/add-member";
import { changeMemberRole } from "@/lib/actions/change-member-role";
import { removeMember } from "@/lib/actions/remove-member";
import { switchOrganization } from "@/lib/actions/switch-organization";
import { getOrgContext } from "@/lib/auth/session";
import { withTestDatabase } from "@/tests/db";
import { createOrg, createUser } from "@/tests/factories";
import { actAs } from "@/tests/request-context";

withTestDatabase();

const roleOf = async (organizationId: string, userId: string) =>
  (
    await getDb()
      .select({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)))
  )[0]?.role ?? null;

describe("member management", () => {
  let acme: Awaited<ReturnType<typeof createOrg>>;
  let other: Awaited<ReturnType<typeof createOrg>>;
  beforeAll(async () => {
    acme = await createOrg("Acme", ["admin", "member"]);
    other = await createOrg("Other");
  });

  it("lets an owner add an existing user by email with a role", async () => {
    const newcomer = await createUser("Newcomer");
    actAs(acme.owner.id);
    const result = await addMember({ email: newcomer.email.toUpperCase(), role: "admin" });
    expect(result.ok).toBe(true);
    expect(await roleOf(acme.org.id, newcomer.id)).toBe("admin");
  });

  it("gives field errors for an unknown email, a malformed one, and an existing member", async () => {
    actAs(acme.owner.id);
    const unknown = await addMember({ email: "nobody@example.com", role: "member" });
    expect(unknown).toMatchObject({ ok: false, fieldErrors: { email: [expect.any(String)] } });
    const malformed = await addMember({ email: "nope", role: "member" });
    expect(malformed).toMatchObject({ ok: false, code: "invalid_input" });
    const dup = await addMember({ email: acme.member?.email as string, role: "admin" });
    expect(dup).toMatchObject({
      ok: false,
      fieldErrors: { email: ["This user is already a member."] },
    });
    expect(await roleOf(acme.org.id, acme.member?.id as string)).toBe("member");
  });

  it("refuses members: forbidden from the server and nothing changes", async () => {
    const target = await createUser();
    actAs(acme.member?.id as string);
    expect(await addMember({ email: target.email, role: "member" })).toMatchObject({
      ok: false,
      code: "forbidden",
    });
    expect(
      await changeMemberRole({ userId: acme.admin?.id as string, role: "member" }),
    ).toMatchObject({ ok: false, code: "forbidden" });
    expect(await removeMember({ userId: acme.admin?.id as string })).toMatchObject({
      ok: false,
      code: "forbidden",
    });
    expect(await roleOf(acme.org.id, target.id)).toBeNull();
    expect(await roleOf(acme.org.id, acme.admin?.id as string)).toBe("admin");
  });

  it("refuses signed-out callers", async () => {
    actAs(null);
    expect(await removeMember({ userId: acme.admin?.id as string })).toMatchObject({
      ok: false,
      code: "unauthenticated",
    });
  });

  it("keeps admins away from owners", async () => {
    actAs(acme.admin?.id as string);
    expect(await changeMemberRole({ userId: acme.owner.id, role: "member" })).toMatchObject({
      ok: false,
      code: "forbidden",
    });
    const u = await createUser();
    expect(await addMember({ email: u.email, role: "owner" })).toMatchObject({ ok: false });
    expect(await roleOf(acme.org.id, acme.owner.id)).toBe("owner");
  });

  it("never leaves an organization without an owner", async () => {
    actAs(acme.owner.id);
    expect(await changeMemberRole({ userId: acme.owner.id, role: "admin" })).toMatchObject({
      ok: false,
      code: "conflict",
    });
    expect(await removeMember({ userId: acme.owner.id })).toMatchObject({ ok: false });
    expect(await roleOf(acme.org.id, acme.owner.id)).toBe("owner");
  });

  it("acts only inside the caller's organization, whatever ids are sent", async () => {
    actAs(acme.owner.id);
    // other.owner is not in Acme: the action cannot reach into Other.
    expect(await removeMember({ userId: other.owner.id })).toMatchObject({
      ok: false,
      code: "not_found",
    });
    expect(await changeMemberRole({ userId: other.owner.id, role: "member" })).toMatchObject({
      ok: false,
      code: "not_found",
    });
    expect(await roleOf(other.org.id, other.owner.id)).toBe("owner");
    // Choosing another org in the cookie grants nothing without a membership there (nor falls
    // back to Acme: the choice is refused).
    actAs(acme.owner.id, other.org.id);
    expect(await getOrgContext()).toBeNull();
    expect(await switchOrganization({ organizationId: other.org.id })).toMatchObject({ ok: false });
  });

  it("changes and removes members", async () => {
    actAs(acme.owner.id);
    const u = await createUser();
    await addMember({ email: u.email, role: "member" });
    expect((await changeMemberRole({ userId: u.id, role: "admin" })).ok).toBe(true);
    expect(await roleOf(acme.org.id, u.id)).toBe("admin");
    expect((await removeMember({ userId: u.id })).ok).toBe(true);
    expect(await roleOf(acme.org.id, u.id)).toBeNull();
  });

  it("records every membership change in the audit log, and nothing for a refused one", async () => {
    const fresh = await createOrg("Audited");
    const u = await createUser("Grace");
    actAs(fresh.owner.id);
    expect((await addMember({ email: u.email, role: "member" })).ok).toBe(true);
    expect((await changeMemberRole({ userId: u.id, role: "admin" })).ok).toBe(true);
    expect((await removeMember({ userId: u.id })).ok).toBe(true);
    // The last owner cannot go: the refusal rolls back, so no audit row either.
    expect((await removeMember({ userId: fresh.owner.id })).ok).toBe(false);
    const { rows } = await searchAuditLog(getDb(), fresh.org.id, {});
    expect(rows.map((r) => r.action)).toEqual([
      "member.removed",
      "member.role_changed",
      "member.added",
    ]);
    const member = { userId: u.id, email: u.email, name: "Grace" };
    expect(rows.map((r) => r.metadata)).toEqual([
      { ...member, fromRole: "admin", toRole: null },
      { ...member, fromRole: "member", toRole: "admin" },
      { ...member, fromRole: null, toRole: "member" },
    ]);
    for (const row of rows) {
      expect(row).toMatchObject({ keyId: null, actorName: "Owner" });
      expect(row.actorLabel).toContain(fresh.owner.email);
    }
  });
});
