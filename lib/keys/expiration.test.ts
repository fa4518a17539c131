import { describe, expect, it } from "vitest";
import { EXPIRATION_OPTIONS } from "./expiration";
import { createKeyFormSchema, updateKeyFormSchema } from "./schemas";

const expirationIssues = (schema: typeof createKeyFormSchema, expiration: string) => {
  const parsed = schema.safeParse({ name: "k", expiration, expiresOn: "2099-01-01" });
  return (parsed.error?.issues ?? []).filter((i) => i.path[0] === "expiration");
};

describe("expiration choices", () => {
  it("every choice the forms offer is one their schemas accept, and no other", () => {
    for (const { value } of EXPIRATION_OPTIONS) {
      expect(expirationIssues(createKeyFormSchema, value), value).toEqual([]);
      expect(expirationIssues(updateKeyFormSchema as never, value), value).toEqual([]);
    }
    expect(expirationIssues(createKeyFormSchema, "365")).toHaveLength(1);
    expect(expirationIssues(updateKeyFormSchema as never, "365")).toHaveLength(1);
  });
});
