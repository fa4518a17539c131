import { problem } from "@/lib/api/problem";

// Every /api/v1 path no route claims: problem+json like the rest of the API, not Next's HTML 404.
const notFound = (request: Request) =>
  problem(404, "not_found", `No route at ${new URL(request.url).pathname}.`);

export const GET = notFound;
export const HEAD = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
export const OPTIONS = notFound;
