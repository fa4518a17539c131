import { expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./password";

it("hashes with argon2id and verifies only the right password", async () => {
  const hash = await hashPassword("correct horse");
  expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  expect(await verifyPassword(hash, "correct horse")).toBe(true);
  expect(await verifyPassword(hash, "wrong horse")).toBe(false);
  expect(await verifyPassword(null, "anything")).toBe(false);
  expect(await verifyPassword("not-a-hash", "anything")).toBe(false);
});
