/**
 * `npm pack ./packages/verify` as a user of the package gets it: the tarball's files, an install
 * of it into an empty project, its three entry points imported by node, and a TypeScript consumer
 * type-checked against its declarations (nodenext resolution, no skipLibCheck).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");
const tsc = path.join(root, "node_modules/typescript/bin/tsc");

type Packed = { filename: string; files: { path: string }[] };

describe("the @latchkey/verify tarball", () => {
  const scratch = mkdtempSync(path.join(tmpdir(), "latchkey-verify-pack-"));
  const consumer = path.join(scratch, "consumer");
  let tarball: string;
  let files: string[];

  beforeAll(async () => {
    // From the repository root, as the README says; its prepack builds dist.
    const { stdout } = await run(
      "npm",
      ["pack", "./packages/verify", "--pack-destination", scratch, "--json"],
      { cwd: root, maxBuffer: 16 * 1024 * 1024 },
    );
    const [packed] = JSON.parse(stdout) as Packed[];
    if (!packed) throw new Error(`npm pack said: ${stdout}`);
    tarball = path.join(scratch, packed.filename);
    const listed = await run("tar", ["-tzf", tarball]);
    files = listed.stdout
      .split("\n")
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ""));
    expect(files.toSorted()).toEqual(packed.files.map((f) => f.path).toSorted());

    await run("mkdir", ["-p", consumer]);
    await run("npm", ["init", "-y"], { cwd: consumer });
    await run("npm", ["pkg", "set", "type=module"], { cwd: consumer });
    await run("npm", ["install", tarball, "--prefer-offline", "--no-audit", "--no-fund"], {
      cwd: consumer,
    });
  }, 180_000);

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("holds the built entry points, their types, README and LICENSE, and no sources or tests", () => {
    for (const file of [
      "package.json",
      "README.md",
      "LICENSE",
      "dist/index.js",
      "dist/index.d.ts",
      "dist/express.js",
      "dist/express.d.ts",
      "dist/fetch.js",
      "dist/fetch.d.ts",
    ]) {
      expect(files).toContain(file);
    }
    expect(files.filter((f) => !/^dist\/.+\.(js|d\.ts)$/.test(f)).toSorted()).toEqual([
      "LICENSE",
      "README.md",
      "package.json",
    ]);
    const stray = files.filter((f) =>
      /(^|\/)src\/|\.test\.|\/test-|fake-redis|rows-model|\.map$|tsbuildinfo/.test(f),
    );
    expect(stray).toEqual([]);
  });

  it("documents the same least-privilege role as Latchkey's README", () => {
    const sqlOf = (file: string) =>
      /```sql\n([\s\S]*?)```/.exec(readFileSync(file, "utf8"))?.[1]?.trim() ?? "";
    const shipped = path.join(consumer, "node_modules/@latchkey/verify/README.md");
    expect(sqlOf(shipped)).toMatch(/^CREATE ROLE latchkey_verifier LOGIN/);
    const readme = readFileSync(path.join(root, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("### Protect your own service"));
    expect(sqlOf(shipped)).toBe(/```sql\n([\s\S]*?)```/.exec(section)?.[1]?.trim());
  });

  it("imports with node from an installed copy: the three entry points and nothing else", async () => {
    const script = `
      import * as main from "@latchkey/verify";
      import { expressApiKey } from "@latchkey/verify/express";
      import { withApiKey } from "@latchkey/verify/fetch";
      const out = { main: Object.keys(main).sort() };
      try { await import("@latchkey/verify/runtime"); out.internal = "importable"; }
      catch (error) { out.internal = error.code; }
      try { main.createDirectVerifier({ databaseUrl: "postgres://x@127.0.0.1:1/x", organizationId: "acme" }); }
      catch (error) { out.badOrganization = error.name; }
      // No network: a malformed key is answered where it is checked.
      const remote = main.createRemoteVerifier({ baseUrl: "http://127.0.0.1:9", apiKey: "lk" });
      out.malformed = (await remote.verify({ key: "lk_live_nope" })).code;
      await remote.close();
      const handler = withApiKey(remote, () => new Response("hidden"));
      const refused = await handler(new Request("http://localhost/v1/things"));
      out.fetch = [refused.status, refused.headers.get("content-type"), (await refused.json()).code];
      let status;
      const res = { status(s) { status = s; return res; }, set() { return res; }, send() {} };
      expressApiKey(remote)({ method: "GET", headers: {} }, res, () => {});
      out.express = status;
      console.log(JSON.stringify(out));
    `;
    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
      cwd: consumer,
    });
    expect(JSON.parse(stdout)).toEqual({
      main: [
        "DIRECT_ENDPOINT",
        "createDirectVerifier",
        "createRemoteVerifier",
        "parseApiKey",
        "redactApiKeys",
      ],
      internal: "ERR_PACKAGE_PATH_NOT_EXPORTED",
      badOrganization: "TypeError",
      malformed: "invalid_key",
      fetch: [401, "application/problem+json", "missing_key"],
      express: 401,
    });
  });

  it("type-checks a TypeScript consumer with nodenext resolution against the declarations", async () => {
    writeFileSync(
      path.join(consumer, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          lib: ["ES2022", "DOM"],
          module: "nodenext",
          moduleResolution: "nodenext",
          strict: true,
          noEmit: true,
          // The package's own .d.ts files are checked too.
          skipLibCheck: false,
          typeRoots: [path.join(root, "node_modules/@types")],
          types: ["node"],
        },
        files: ["consumer.ts"],
      }),
    );
    writeFileSync(
      path.join(consumer, "consumer.ts"),
      `
import {
  createDirectVerifier,
  createRemoteVerifier,
  type LatchkeyVerifier,
  type Outcome,
  type Verdict,
} from "@latchkey/verify";
import { expressApiKey } from "@latchkey/verify/express";
import { withApiKey } from "@latchkey/verify/fetch";

const remote: LatchkeyVerifier = createRemoteVerifier({
  baseUrl: "http://localhost:3000",
  apiKey: "lk_live_…",
  timeoutMs: 500,
});
const direct: LatchkeyVerifier = createDirectVerifier({
  databaseUrl: "postgres://latchkey_verifier@localhost/latchkey",
  organizationId: "00000000-0000-4000-8000-000000000000",
  flushMs: 1000,
});
const outcome: Outcome = await remote.verify({
  key: "k",
  scopes: ["customers:read"],
  clientIp: "203.0.113.7",
  endpoint: "GET /v1/things",
  cost: 1,
});
if (outcome.code === "valid") {
  const verdict: Verdict = outcome;
  const remaining: number | undefined = verdict.rateLimit?.remaining;
  const credits: number | undefined = verdict.credits?.remaining;
  void [remaining, credits];
}
const middleware = expressApiKey(direct, { scopes: ["customers:read"], cost: 2 });
const onRequest: Verdict | undefined = ({} as Express.Request).apiKey;
const handler = withApiKey(remote, (_request, { apiKey }) => Response.json({ name: apiKey.name }), {
  route: "/v1/things",
});
const response: Promise<Response> = handler(new Request("http://localhost/v1/things"));
void [middleware, onRequest, response];

// The types are the package's, not any: each of these is an error.
// @ts-expect-error databaseUrl is required
createDirectVerifier({ organizationId: "00000000-0000-4000-8000-000000000000" });
// @ts-expect-error a verdict's code is one of the documented ones
const wrong: Outcome["code"] = "maybe";
// @ts-expect-error internal modules are not exported
import("@latchkey/verify/runtime");
void wrong;
`,
    );
    const result = await run(process.execPath, [tsc, "-p", "tsconfig.json"], {
      cwd: consumer,
    }).catch((error: { stdout: string; code: number }) => error);
    expect("stdout" in result ? result.stdout : "").toBe("");
  }, 60_000);
});
