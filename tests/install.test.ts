import { readFileSync } from "node:fs";
import path from "node:path";
import semver from "semver";
import { describe, expect, it } from "vitest";

const root = process.cwd();
const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
  engines: { node: string };
};
type Locked = { engines?: { node?: string } | string[]; os?: string[]; cpu?: string[] };
const lock = JSON.parse(readFileSync(path.join(root, "package-lock.json"), "utf8")) as {
  packages: Record<string, Locked>;
};

/** `os`/`cpu` lists as npm reads them: any match, or a `!name` that does not exclude us. */
const fits = (list: string[] | undefined, value: string) =>
  !list?.length ||
  (list.some((x) => !x.startsWith("!")) ? list.includes(value) : !list.includes(`!${value}`));

describe("the install", () => {
  it("declares a Node range every locked package supports, so npm ci warns of no engine", () => {
    const declared = pkg.engines.node;
    expect(semver.validRange(declared)).toBeTruthy();
    const unsupported = Object.entries(lock.packages)
      .filter(([name]) => name !== "")
      // Platform packages npm skips here (another OS or CPU) are not installed, so not checked.
      .filter(([, p]) => fits(p.os, process.platform) && fits(p.cpu, process.arch))
      .flatMap(([name, p]) => {
        const range = Array.isArray(p.engines) ? undefined : p.engines?.node;
        return range && !semver.subset(declared, range) ? [`${name}: node ${range}`] : [];
      });
    expect(unsupported, `packages that do not support node ${declared}`).toEqual([]);
  });

  it("names a Node line in .nvmrc whose current releases the declared range accepts", () => {
    const nvmrc = readFileSync(path.join(root, ".nvmrc"), "utf8").trim();
    expect(semver.intersects(nvmrc, pkg.engines.node)).toBe(true);
    expect(semver.satisfies(process.version, pkg.engines.node)).toBe(true);
  });
});
