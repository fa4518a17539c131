import type { NextConfig } from "next";
import { API_SECURITY_HEADERS, SECURITY_HEADERS } from "./lib/net/security-headers";

const list = (headers: Record<string, string>) =>
  Object.entries(headers).map(([key, value]) => ({ key, value }));

const nextConfig: NextConfig = {
  // PGlite ships its own WASM and data files; bundling it breaks their lookup.
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2"],
  poweredByHeader: false,
  typedRoutes: false,
  async headers() {
    // Every response, API and static files included; pages add their nonce CSP in proxy.ts.
    return [
      { source: "/:path*", headers: list(SECURITY_HEADERS) },
      { source: "/api/:path*", headers: list(API_SECURITY_HEADERS) },
    ];
  },
};

export default nextConfig;
