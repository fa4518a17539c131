import { describe, expect, it } from "vitest";
import { createDirectVerifier } from "./direct.ts";

describe("createDirectVerifier", () => {
  it("refuses an organizationId that is no organization's id", () => {
    const databaseUrl = "postgres://latchkey_verifier@127.0.0.1:1/latchkey";
    for (const organizationId of ["", "acme", "00000000-0000-0000-0000-00000000000", 42]) {
      expect(() =>
        createDirectVerifier({ databaseUrl, organizationId } as unknown as Parameters<
          typeof createDirectVerifier
        >[0]),
      ).toThrow(/organizationId/);
    }
  });
});
