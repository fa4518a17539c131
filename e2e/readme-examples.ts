import { readFileSync } from "node:fs";
import path from "node:path";

export type Example = { name: string; lang: string; code: string };

const README = path.join(import.meta.dirname, "..", "README.md");

/** The fenced blocks of README.md, each with the `<!-- example: name -->` marker above it, if any. */
export function readmeBlocks(text = readFileSync(README, "utf8")) {
  const blocks: (Example & { marked: boolean })[] = [];
  const fence = /(?:<!-- example: ([\w-]+) -->\n)?```(\w*)\n([\s\S]*?)```/g;
  for (const m of text.matchAll(fence)) {
    blocks.push({ name: m[1] ?? "", marked: !!m[1], lang: m[2] ?? "", code: m[3] ?? "" });
  }
  return blocks;
}

/** The README's runnable example of that name. */
export function readmeExample(name: string): Example {
  const found = readmeBlocks().find((b) => b.marked && b.name === name);
  if (!found) throw new Error(`README.md has no block marked <!-- example: ${name} -->`);
  return found;
}

/**
 * The block as a reader runs it: each placeholder assignment (`export LK=lk_live_…`, `ID=…`) gets
 * the value a reader would paste, and the documented server address is the test server's. A
 * placeholder left unfilled is an error, so a new one in the README needs a value here.
 */
export function fillPlaceholders(
  code: string,
  values: Record<string, string>,
  baseURL: string,
): string {
  const filled = code
    .replaceAll("http://localhost:3000", baseURL)
    .replace(/^((?:export )?([A-Z_]+)=)(?:lk_live_…|whsec_…|…)/gm, (_whole, lead, name) => {
      const value = values[name];
      if (value === undefined) throw new Error(`no value for the placeholder ${name}`);
      return `${lead}'${value}'`;
    });
  const left = filled
    .split("\n")
    .map((line) => line.replace(/#.*$/, "").replace(/\/\/.*$/, ""))
    .find((line) => line.includes("…"));
  if (left) throw new Error(`a placeholder is left in: ${left}`);
  return filled;
}
