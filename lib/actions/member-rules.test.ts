import { afterEach, describe, expect, it, vi } from "vitest";
import type { Tx } from "@/db";
import { insertAuditEvent } from "@/db/queries/audit";
import { lockOwners } from "@/db/queries/memberships";
import type { Role } from "@/db/schema";
import type { OrgContext } from "@/lib/auth/session";
import { assertMayAssign, assertOwnerRemains, auditMemberChange } from "./member-rules";
import { ActionError } from "./safe-action";

vi.mock("@/db/queries/memberships", () => ({ lockOwners: vi.fn() }));
vi.mock("@/db/queries/audit", () => ({ insertAuditEvent: vi.fn(async () => {}) }));
vi.mock("@/lib/auth/session", () => ({}));

afterEach(() => vi.mocked(lockOwners).mockReset());

const tx = {} as Tx;
const ctx = (role: Role): OrgContext => ({
  user: { id: "u1", name: "Ada", email: "ada@example.com", sessionVersion: 0 },
  organizationId: "o1",
  organizationName: "Acme",
  role,
  memberships: [],
});

const failure = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    return error instanceof ActionError ? error.code : error;
  }
  return undefined;
};

describe("assertMayAssign", () => {
  it("lets only owners give or take the owner role", () => {
    for (const [from, to] of [
      ["owner", "admin"],
      ["member", "owner"],
      [null, "owner"],
      ["owner", null],
    ] as const) {
      expect(
        failure(() => assertMayAssign(ctx("admin"), from, to)),
        `${from}→${to}`,
      ).toBe("forbidden");
      expect(failure(() => assertMayAssign(ctx("owner"), from, to))).toBeUndefined();
    }
    expect(failure(() => assertMayAssign(ctx("admin"), "member", "admin"))).toBeUndefined();
    expect(failure(() => assertMayAssign(ctx("admin"), null, "member"))).toBeUndefined();
    expect(() => assertMayAssign(ctx("admin"), null, "owner")).toThrow(
      "Only an owner can add, change or remove owners.",
    );
  });
});

describe("assertOwnerRemains", () => {
  it("refuses to take away the last owner, and allows it while another remains or for a non-owner", async () => {
    vi.mocked(lockOwners).mockResolvedValue(["u1"]);
    await expect(assertOwnerRemains(tx, "o1", "u1")).rejects.toMatchObject({
      code: "conflict",
      message: "An organization needs at least one owner.",
    });
    expect(lockOwners).toHaveBeenCalledWith(tx, "o1");
    await expect(assertOwnerRemains(tx, "o1", "u2")).resolves.toBeUndefined();
    vi.mocked(lockOwners).mockResolvedValue(["u1", "u2"]);
    await expect(assertOwnerRemains(tx, "o1", "u1")).resolves.toBeUndefined();
  });
});

describe("auditMemberChange", () => {
  it("names the acting user and records the member and both roles", async () => {
    await auditMemberChange(
      tx,
      ctx("owner"),
      "member.role_changed",
      { userId: "u2", name: "Bo", email: "bo@example.com" },
      { from: "member", to: "admin" },
    );
    expect(insertAuditEvent).toHaveBeenCalledWith(tx, {
      organizationId: "o1",
      actorUserId: "u1",
      actorLabel: "Ada <ada@example.com>",
      action: "member.role_changed",
      metadata: {
        userId: "u2",
        name: "Bo",
        email: "bo@example.com",
        fromRole: "member",
        toRole: "admin",
      },
    });
  });
});
