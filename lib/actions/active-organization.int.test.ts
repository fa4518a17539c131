import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { memberships, organizations } from "@/db/schema";
import { removeMember } from "@/lib/actions/remove-member";
import { renameOrganization } from "@/lib/actions/rename-organization";
import { switchOrganization } from "@/lib/actions/switch-organization";
import { getOrgContext, getOrgSelection, requireOrgContext } from "@/lib/auth/session";
import { withTestDatabase } from "@/tests/db";
import { createOrg, createUser } from "@/tests/factories";
import { actAs, testRequest } from "@/tests/request-context";

withTestDatabase();

const nameOf = async (organizationId: string) =>
  (
    await getDb()
      .select({ name: organizations.name })
      .from(organizations)
      .where(eq(organizations.id, organizationId))
  )[0]?.name;

const join = (organizationId: string, userId: string, role: "owner" | "admin" = "admin") =>
  getDb().insert(memberships).values({ organizationId, userId, role });

/** Removes `userId` from the organization as its owner would, then acts as `userId` again. */
async function removedBy(owner: string, userId: string, cookie: string | undefined) {
  actAs(owner);
  expect((await removeMember({ userId })).ok).toBe(true);
  actAs(userId);
  if (cookie !== undefined) testRequest().cookies.set("lk_org", cookie);
}

describe("the chosen organization, once the user has left it", () => {
  it("refuses actions and clears the choice instead of acting in another organization", async () => {
    const a = await createOrg("Alpha");
    const b = await createOrg("Bravo");
    const user = a.owner;
    await join(b.org.id, user.id);
    actAs(user.id, b.org.id);
    expect((await getOrgContext())?.organizationId).toBe(b.org.id);

    await removedBy(b.owner.id, user.id, b.org.id);
    const refused = await renameOrganization({ name: "Renamed by mistake" });
    expect(refused).toMatchObject({
      ok: false,
      code: "forbidden",
      error: expect.stringContaining("You are no longer a member of that organization"),
    });
    expect(await nameOf(a.org.id)).toBe("Alpha");
    expect(await nameOf(b.org.id)).toBe("Bravo");
    // The stale choice is gone, and nothing is active until the user chooses.
    expect(testRequest().cookies.get("lk_org")).not.toBe(b.org.id);
    expect(await getOrgContext()).toBeNull();
    expect(await getOrgSelection()).toMatchObject({
      kind: "lost",
      memberships: [expect.objectContaining({ organizationId: a.org.id })],
    });
    await expect(requireOrgContext()).rejects.toMatchObject({
      digest: expect.stringContaining(";/welcome"),
    });
    expect(await renameOrganization({ name: "Renamed by mistake" })).toMatchObject({
      ok: false,
      code: "forbidden",
    });
    expect(await nameOf(a.org.id)).toBe("Alpha");

    // Choosing the remaining organization (as the picker on /welcome does) opens it.
    await expect(
      switchOrganization({ organizationId: a.org.id, redirectTo: "/" }),
    ).rejects.toMatchObject({ digest: expect.stringMatching(/;\/$/) });
    expect((await renameOrganization({ name: "Alpha Two" })).ok).toBe(true);
    expect(await nameOf(a.org.id)).toBe("Alpha Two");
  });

  it("also when the organization was only the default: the first action writes it down", async () => {
    const b = await createOrg("Bravo");
    const a = await createOrg("Alpha");
    const user = await createUser("Both");
    await join(b.org.id, user.id);
    await join(a.org.id, user.id);
    // No choice yet (a session from before choices were written at sign-in): Bravo, the first.
    actAs(user.id);
    expect((await renameOrganization({ name: "Bravo Two" })).ok).toBe(true);
    expect(testRequest().cookies.get("lk_org")).toBe(b.org.id);
    const cookie = testRequest().cookies.get("lk_org");

    await removedBy(b.owner.id, user.id, cookie);
    expect(await renameOrganization({ name: "Renamed by mistake" })).toMatchObject({
      ok: false,
      code: "forbidden",
    });
    expect(await nameOf(a.org.id)).toBe("Alpha");
  });

  it("refuses a choice of an organization the user never belonged to", async () => {
    const a = await createOrg("Alpha");
    const other = await createOrg("Other");
    actAs(a.owner.id, other.org.id);
    expect(await getOrgContext()).toBeNull();
    expect(await renameOrganization({ name: "Renamed by mistake" })).toMatchObject({
      ok: false,
      code: "forbidden",
    });
    expect(await nameOf(a.org.id)).toBe("Alpha");
    expect(await nameOf(other.org.id)).toBe("Other");
  });
});
