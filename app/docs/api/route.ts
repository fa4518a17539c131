import { ApiReference } from "@scalar/nextjs-api-reference";

/**
 * The API reference for humans, rendered by Scalar from /api/v1/openapi.json. Its script is served
 * by this app (see ./standalone.js), so the page loads nothing from a CDN.
 */
export const GET = ApiReference({
  url: "/api/v1/openapi.json",
  cdn: "/docs/api/standalone.js",
  pageTitle: "Latchkey API reference",
  withDefaultFonts: false,
  hideClientButton: true,
  showDeveloperTools: "never",
  telemetry: false,
});
