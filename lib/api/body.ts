import type { z } from "zod";
import { problem } from "./problem";

/** Parses a JSON body with a zod schema; a bad body is a 400 problem, never a 500. */
export async function parseJsonBody<S extends z.ZodType>(
  request: Request,
  schema: S,
  options: { emptyAs?: unknown } = {},
): Promise<{ ok: true; data: z.output<S> } | { ok: false; response: Response }> {
  let body: unknown;
  try {
    const text = await request.text();
    // A route whose every field is optional may accept no body at all.
    body = text === "" && "emptyAs" in options ? options.emptyAs : JSON.parse(text);
  } catch {
    return {
      ok: false,
      response: problem(400, "invalid_body", "The request body must be valid JSON."),
    };
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    return {
      ok: false,
      response: problem(400, "validation_failed", "The request body is not valid.", {
        extra: {
          errors: parsed.error.issues.map((i) => ({
            path: i.path.join("."),
            message: i.message,
          })),
        },
      }),
    };
  }
  return { ok: true, data: parsed.data };
}
