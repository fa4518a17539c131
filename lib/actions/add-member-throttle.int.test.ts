import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { getDb } from "@/db";
import { memberships } from "@/db/schema";
import { addMember } from "@/lib/actions/add-member";
import { CLIENT_IP_HEADER } from "@/lib/net/client-ip";
import { TOO_MANY_MEMBER_ADDS } from "@/lib/rate-limit/accounts";
import { withTestDatabase } from "@/tests/db";
import { createOrg, createUser } from "@/tests/factories";
import { actAs, testRequest } from "@/tests/request-context";

withTestDatabase();

// The default MEMBER_ADDS_PER_HOUR.
const LIMIT = 30;

const from = (userId: string, ip: string) => {
  actAs(userId);
  testRequest().headers.set(CLIENT_IP_HEADER, ip);
};

const isMember = async (organizationId: string, userId: string) =>
  (
    await getDb()
      .select({ role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)))
  ).length > 0;

/** `n` attempts with emails nobody has: each one is answered (no such user), none throttled. */
async function probe(n: number) {
  for (let i = 0; i < n; i++) {
    const result = await addMember({ email: `nobody-${i}@example.test`, role: "member" });
    expect(result).toMatchObject({
      ok: false,
      fieldErrors: { email: ["No user with this email. Ask them to sign up first."] },
    });
  }
}

const throttled = {
  ok: false,
  code: "forbidden",
  fieldErrors: { email: [TOO_MANY_MEMBER_ADDS] },
};

describe("adding members is throttled", () => {
  afterEach(() => {
    testRequest().headers.delete(CLIENT_IP_HEADER);
  });

  it("per user: past the hourly limit, even an existing email is neither looked up nor added", async () => {
    const { org, owner } = await createOrg("Probed");
    const real = await createUser("Real");
    from(owner.id, "203.0.113.1");
    await probe(LIMIT);
    expect(await addMember({ email: real.email, role: "member" })).toMatchObject(throttled);
    // Another address does not help the same user.
    from(owner.id, "203.0.113.99");
    expect(await addMember({ email: real.email, role: "member" })).toMatchObject(throttled);
    expect(await isMember(org.id, real.id)).toBe(false);
  });

  it("per IP: another user behind the same address is refused too, elsewhere not", async () => {
    const first = await createOrg("First");
    const second = await createOrg("Second");
    const real = await createUser("Real");
    from(first.owner.id, "203.0.113.2");
    await probe(LIMIT);
    from(second.owner.id, "203.0.113.2");
    expect(await addMember({ email: real.email, role: "member" })).toMatchObject(throttled);
    expect(await isMember(second.org.id, real.id)).toBe(false);
    from(second.owner.id, "203.0.113.3");
    expect((await addMember({ email: real.email, role: "member" })).ok).toBe(true);
    expect(await isMember(second.org.id, real.id)).toBe(true);
  });
});
