import { readFile } from "node:fs/promises";
import path from "node:path";

// The package does not export its browser bundle, so it is read from its place in node_modules.
const BUNDLE = path.join(
  process.cwd(),
  "node_modules/@scalar/api-reference/dist/browser/standalone.js",
);

let bundle: Promise<Buffer> | undefined;

/** Scalar's standalone bundle, from node_modules (no CDN at run time). */
export async function GET() {
  bundle ??= readFile(BUNDLE);
  try {
    return new Response(new Uint8Array(await bundle), {
      headers: {
        "content-type": "text/javascript; charset=utf-8",
        "cache-control": "public, max-age=86400",
      },
    });
  } catch {
    bundle = undefined;
    return new Response("The API reference bundle is not installed.", { status: 404 });
  }
}
