import { describe, expect, it } from "vitest";
import { createDirectVerifier } from "./direct.ts";

describe("createDirectVerifier", () => {
  it("refuses to start without the organization whose keys it accepts", () => {
    const databaseUrl = "postgres://latchkey_verifier@127.0.0.1:1/latchkey";
    for (const organizationId of [undefined, "", "acme", "00000000-0000-0000-0000-00000000000"]) {
      expect(() =>
        createDirectVerifier({ databaseUrl, organizationId } as unknown as Parameters<
          typeof createDirectVerifier
        >[0]),
      ).toThrow(/organizationId/);
    }
  });
});
