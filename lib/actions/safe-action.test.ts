import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { getActionOrgContext, getCurrentUser, type OrgContext } from "@/lib/auth/session";
import {
  ActionError,
  formDataToObject,
  formValues,
  invalidInput,
  ok,
  orgAction,
  publicAction,
  userAction,
} from "./safe-action";

vi.mock("@/lib/auth/session", () => ({ getCurrentUser: vi.fn(), getActionOrgContext: vi.fn() }));

afterEach(() => {
  vi.mocked(getCurrentUser).mockReset();
  vi.mocked(getActionOrgContext).mockReset();
});

const form = (fields: [string, string | Blob][]) => {
  const data = new FormData();
  for (const [k, v] of fields) data.append(k, v);
  return data;
};

const user = { id: "u1", name: "Ada", email: "ada@example.com", sessionVersion: 0 };
const orgContext = (role: OrgContext["role"]): OrgContext => ({
  user,
  organizationId: "o1",
  organizationName: "Acme",
  role,
  memberships: [],
});

describe("form helpers", () => {
  it("turn FormData into an object: repeated keys become arrays, Next's own fields and files are left out", () => {
    const data = form([
      ["$ACTION_ID_1", ""],
      ["name", "Key"],
      ["scopes", "a"],
      ["scopes", "b"],
      ["file", new Blob(["x"])],
    ]);
    expect(formDataToObject(data)).toEqual({ name: "Key", scopes: ["a", "b"], file: undefined });
  });

  it("echo a form's values as strings, joining repeated ones, without passwords or Next's fields", () => {
    const data = form([
      ["$ACTION_KEY", "k"],
      ["email", "ada@example.com"],
      ["password", "secret"],
      ["newPassword", "secret2"],
      ["scopes", "a"],
      ["scopes", "b"],
      ["file", new Blob(["x"])],
    ]);
    expect(formValues(data)).toEqual({ email: "ada@example.com", scopes: "a\nb", file: "" });
    // Another omitted field, and never any field named like a password.
    expect(formValues(data, ["email"])).toEqual({ scopes: "a\nb", file: "" });
  });

  it("describe unparsable input by field, with the form's values when there is a form", () => {
    const error = z.object({ name: z.string().min(3) }).safeParse({ name: "x" })
      .error as z.ZodError;
    const expected = {
      ok: false,
      code: "invalid_input",
      error: "Check the highlighted fields.",
      fieldErrors: { name: [expect.any(String)] },
    };
    expect(invalidInput(error)).toEqual({ ...expected, values: undefined });
    expect(invalidInput(error, form([["name", "x"]]))).toEqual({
      ...expected,
      values: { name: "x" },
    });
  });

  it("ok() wraps data with an optional message", () => {
    expect(ok(1, "done")).toEqual({ ok: true, data: 1, message: "done" });
  });
});

describe("publicAction", () => {
  const schema = z.object({ name: z.string().min(2) });

  it("takes the input itself, a FormData, or useActionState's (prevState, formData)", async () => {
    const fn = vi.fn(async (input: { name: string }) => ok(input.name));
    const action = publicAction({ schema }, fn);
    expect(await action({ name: "direct" })).toEqual({ ok: true, data: "direct" });
    expect(await action(form([["name", "form"]]))).toMatchObject({ ok: true, data: "form" });
    expect(await action(null, form([["name", "state"]]))).toMatchObject({
      ok: true,
      data: "state",
    });
  });

  it("answers invalid input without running the action, echoing a form", async () => {
    const fn = vi.fn(async () => ok(null));
    const action = publicAction({ schema }, fn);
    expect(await action(null, form([["name", "x"]]))).toMatchObject({
      ok: false,
      code: "invalid_input",
      values: { name: "x" },
    });
    expect(await action({ name: "x" })).toMatchObject({ ok: false, values: undefined });
    expect(fn).not.toHaveBeenCalled();
  });

  it("turns an ActionError into its failure, and lets anything else through", async () => {
    const action = publicAction({ schema }, async (input) => {
      if (input.name === "boom") throw new Error("boom");
      throw new ActionError("conflict", "Taken.", { name: ["Taken."] });
    });
    expect(await action(null, form([["name", "ab"]]))).toEqual({
      ok: false,
      code: "conflict",
      error: "Taken.",
      fieldErrors: { name: ["Taken."] },
      values: { name: "ab" },
    });
    expect(await action({ name: "ab" })).toEqual({
      ok: false,
      code: "conflict",
      error: "Taken.",
      fieldErrors: { name: ["Taken."] },
      values: undefined,
    });
    await expect(action({ name: "boom" })).rejects.toThrow("boom");
  });
});

describe("userAction", () => {
  it("refuses a signed-out caller before reading input, and passes the user on", async () => {
    const fn = vi.fn(async (_input: unknown, u: typeof user) => ok(u.id));
    const action = userAction({ schema: z.object({ n: z.number() }) }, fn);
    vi.mocked(getCurrentUser).mockResolvedValue(null);
    expect(await action({ n: "bad" } as never)).toEqual({
      ok: false,
      code: "unauthenticated",
      error: "Your session has ended. Sign in again.",
    });
    vi.mocked(getCurrentUser).mockResolvedValue(user);
    expect(await action({ n: 1 })).toEqual({ ok: true, data: "u1" });
  });
});

describe("orgAction", () => {
  const action = orgAction(
    { schema: z.object({ n: z.number() }), roles: ["owner", "admin"] },
    async (input, ctx) => ok(`${ctx.organizationId}:${input.n}`),
  );

  it("refuses without a session, then without a listed role, before reading input", async () => {
    vi.mocked(getActionOrgContext).mockResolvedValue("signed_out");
    expect(await action({ n: "bad" } as never)).toMatchObject({
      ok: false,
      code: "unauthenticated",
    });
    vi.mocked(getActionOrgContext).mockResolvedValue(orgContext("member"));
    expect(await action({ n: "bad" } as never)).toEqual({
      ok: false,
      code: "forbidden",
      error: "You do not have permission to do this in this organization.",
    });
  });

  it("refuses when the chosen organization is no longer the user's, before reading input", async () => {
    vi.mocked(getActionOrgContext).mockResolvedValue("lost");
    expect(await action({ n: "bad" } as never)).toMatchObject({
      ok: false,
      code: "forbidden",
      error: expect.stringContaining("You are no longer a member of that organization"),
    });
  });

  it("runs with the org context for a listed role", async () => {
    vi.mocked(getActionOrgContext).mockResolvedValue(orgContext("admin"));
    expect(await action({ n: 2 })).toEqual({ ok: true, data: "o1:2" });
  });
});
