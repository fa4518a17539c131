import { ApiReference } from "@scalar/nextjs-api-reference";
import type { NextRequest } from "next/server";

const options = {
  url: "/api/v1/openapi.json",
  cdn: "/docs/api/standalone.js",
  pageTitle: "Latchkey API reference",
  withDefaultFonts: false,
  hideClientButton: true,
  showDeveloperTools: "never",
  telemetry: false,
} as const;

/**
 * The API reference for humans, rendered by Scalar from /api/v1/openapi.json. Its script is served
 * by this app (see ./standalone.js), so the page loads nothing from a CDN, and its scripts carry
 * this request's CSP nonce (set by proxy.ts).
 */
export function GET(request: NextRequest): Response {
  const nonce = request.headers.get("x-nonce") ?? undefined;
  return ApiReference({ ...options, nonce })();
}
