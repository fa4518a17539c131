import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { APIRequestContext, APIResponse } from "@playwright/test";

// React's own encoder: the body a browser sends for a server action call, byte for byte.
const require = createRequire(import.meta.url);
const { encodeReply } = require("next/dist/compiled/react-server-dom-webpack/client.node") as {
  encodeReply: (args: unknown[]) => Promise<string | FormData>;
};

export type BuiltAction = { id: string; name: string; file: string; page: string };

type Manifest = {
  node: Record<
    string,
    {
      workers: Record<string, unknown>;
      exportedName?: string;
      filename?: string;
    }
  >;
};

/** A page path that serves the worker (route groups dropped, dynamic segments filled). */
function pageOf(worker: string): string {
  const route = worker
    .replace(/^app/, "")
    .replace(/\/page$/, "")
    .split("/")
    .filter((part) => part && !/^\(.*\)$/.test(part))
    .map((part) => (part.startsWith("[") ? "00000000-0000-4000-8000-000000000000" : part))
    .join("/");
  return `/${route}`;
}

/**
 * Every server action in the production build, by the id the browser posts: read from Next's
 * server-reference manifest, so an action added tomorrow is in the list without a test change.
 */
export function builtActions(root = process.cwd()): BuiltAction[] {
  const manifest = JSON.parse(
    readFileSync(path.join(root, ".next/server/server-reference-manifest.json"), "utf8"),
  ) as Manifest;
  const out: BuiltAction[] = [];
  for (const [id, entry] of Object.entries(manifest.node)) {
    // A page without dynamic segments, where the call renders without a made-up id.
    const worker =
      Object.keys(entry.workers)
        .filter((w) => w.endsWith("/page"))
        .sort((a, b) => a.split("[").length - b.split("[").length)[0] ?? "app/page";
    out.push({
      id,
      name: entry.exportedName ?? id,
      file: entry.filename ?? "",
      page: pageOf(worker),
    });
  }
  return out;
}

export function actionByName(name: string): BuiltAction {
  const found = builtActions().find((a) => a.name === name);
  if (!found) throw new Error(`no built server action named ${name}`);
  return found;
}

export type ActionCall = { status: number; body: string; response: APIResponse };

/** Posts a server action call the way Next's client does: encoded arguments, Next-Action header. */
export async function callAction(
  request: APIRequestContext,
  action: BuiltAction,
  args: unknown[],
  options: { origin?: string; baseURL: string },
): Promise<ActionCall> {
  const encoded = await encodeReply(args);
  const headers: Record<string, string> = {
    "Next-Action": action.id,
    Accept: "text/x-component",
    Origin: options.origin ?? options.baseURL,
  };
  const url = new URL(action.page, options.baseURL).toString();
  const response =
    typeof encoded === "string"
      ? await request.post(url, {
          headers: { ...headers, "Content-Type": "text/plain;charset=UTF-8" },
          data: encoded,
          maxRedirects: 0,
        })
      : await request.post(url, { headers, multipart: encoded, maxRedirects: 0 });
  return { status: response.status(), body: await response.text(), response };
}

export function formData(fields: Record<string, string>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  return form;
}

/** Did the action report success? (`{"ok":true` in its RSC answer.) */
export const succeeded = (call: ActionCall) => call.status === 200 && /"ok":true/.test(call.body);

/**
 * Every exported server action in the source ("use server" files under app/, lib/, components/):
 * known before the build exists, so a test can be generated per action at collection time.
 */
export function sourceActions(root = process.cwd()): string[] {
  const names: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules") walk(rel);
      } else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
        const source = readFileSync(path.join(root, rel), "utf8");
        if (!/^\s*["']use server["'];?/.test(source)) continue;
        for (const m of source.matchAll(/export (?:const|async function|function) (\w+)/g)) {
          names.push(m[1] as string);
        }
      }
    }
  };
  for (const dir of ["app", "lib", "components"]) walk(dir);
  return names.sort();
}
