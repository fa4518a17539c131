import { describe, expect, it } from "vitest";
import { addMember } from "@/lib/actions/add-member";
import { signIn } from "@/lib/actions/sign-in";
import { switchOrganization } from "@/lib/actions/switch-organization";
import { withTestDatabase } from "@/tests/db";
import { createOrg, createUser } from "@/tests/factories";
import { actAs } from "@/tests/request-context";

withTestDatabase();

const form = (fields: Record<string, string | string[]>) => {
  const data = new FormData();
  data.set("$ACTION_ID_abc", "");
  for (const [k, v] of Object.entries(fields)) {
    for (const value of Array.isArray(v) ? v : [v]) data.append(k, value);
  }
  return data;
};

describe("the action wrappers", () => {
  it("take (prevState, formData) as useActionState calls them, and echo the form on errors", async () => {
    const acme = await createOrg("Acme");
    actAs(acme.owner.id);
    const previous = { ok: true as const, data: null };
    const unknown = await addMember(
      previous,
      form({ email: "  nobody@example.com ", role: "admin" }),
    );
    expect(unknown).toMatchObject({
      ok: false,
      code: "not_found",
      fieldErrors: { email: [expect.any(String)] },
      values: { email: "  nobody@example.com ", role: "admin" },
    });
    const newcomer = await createUser("Newcomer");
    const added = await addMember(unknown, form({ email: newcomer.email, role: "member" }));
    expect(added).toMatchObject({ ok: true, message: `${newcomer.name} was added as member.` });
  });

  it("never echo a password back into the form", async () => {
    const result = await signIn(null, form({ email: "", password: "secret-typed" }));
    expect(result).toMatchObject({ ok: false, code: "invalid_input" });
    expect(JSON.stringify(result)).not.toContain("secret-typed");
  });

  it("check the role before reading the input", async () => {
    const acme = await createOrg("Acme", ["member"]);
    actAs(acme.member?.id as string);
    expect(await addMember(null, form({ email: "not an email" }))).toMatchObject({
      ok: false,
      code: "forbidden",
    });
  });

  it("refuse a signed-out caller of a user-level action, and serve a user without an org", async () => {
    actAs(null);
    const other = await createOrg("Other");
    expect(await switchOrganization({ organizationId: other.org.id })).toMatchObject({
      ok: false,
      code: "unauthenticated",
    });
    const loner = await createUser("Loner");
    actAs(loner.id);
    expect(await switchOrganization({ organizationId: other.org.id })).toMatchObject({
      ok: false,
      code: "not_found",
    });
    expect(await switchOrganization({ organizationId: "not-a-uuid" })).toMatchObject({
      ok: false,
      code: "invalid_input",
    });
  });
});
