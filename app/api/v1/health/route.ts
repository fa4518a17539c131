import { methodsNotAllowed } from "@/lib/api/methods";

export const dynamic = "force-dynamic";

/** Unprotected liveness check; also the baseline for benchmarks. */
export function GET() {
  return Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } });
}

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");
