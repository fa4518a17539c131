import type { z } from "zod";
import { problem } from "./problem";

/** The largest request body the public API reads; anything longer is refused unread. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Stateless when not streaming, so one serves every request; invalid UTF-8 throws. */
const utf8 = new TextDecoder("utf-8", { fatal: true });

export type Failure = { ok: false; response: Response };

const isJsonMediaType = (contentType: string | null) => {
  const type = contentType?.split(";")[0]?.trim().toLowerCase() ?? "";
  return type === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(type);
};

export const tooLarge = (limit: number = MAX_BODY_BYTES): Failure => ({
  ok: false,
  response: problem(413, "payload_too_large", `The request body must not exceed ${limit} bytes.`),
});

/**
 * Reads at most `limit` bytes of the body. A declared Content-Length over the limit is refused
 * before reading; a body that grows past it (chunked, or a lying length) is cancelled mid-stream,
 * so one request never costs more than `limit` bytes of memory.
 */
export async function readBodyBytes(
  request: Request,
  limit = MAX_BODY_BYTES,
): Promise<{ ok: true; bytes: Uint8Array } | Failure> {
  if (declaredTooLarge(request.headers.get("content-length"), limit)) return tooLarge(limit);
  if (!request.body) return { ok: true, bytes: new Uint8Array(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      return tooLarge(limit);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, bytes };
}

/**
 * Parses a JSON body with a zod schema: 415 for another media type, 413 past 1 MiB, 400 for
 * bad JSON or a body the schema refuses — never a 500.
 */
export async function parseJsonBody<S extends z.ZodType>(
  request: Request,
  schema: S,
  /** `emptyAs`: what no body at all means, for a route whose every field is optional. */
  options: { emptyAs?: unknown; limit?: number } = {},
): Promise<{ ok: true; data: z.output<S> } | Failure> {
  const unsupported = unsupportedMediaType(request.headers.get("content-type"), options);
  if (unsupported) return unsupported;
  const read = await readBodyBytes(request, options.limit);
  if (!read.ok) return read;
  return parseJsonBytes(read.bytes, schema, options);
}

/** The 415 for a body that is not JSON, or null. `emptyAs` lets a body-less request through. */
export function unsupportedMediaType(
  contentType: string | null,
  options: { emptyAs?: unknown } = {},
): Failure | null {
  const mayBeEmpty = "emptyAs" in options;
  if (isJsonMediaType(contentType) || (mayBeEmpty && contentType === null)) return null;
  return {
    ok: false,
    response: problem(415, "unsupported_media_type", "Send the body as application/json."),
  };
}

/** A declared Content-Length over the limit: refused before a byte of the body is read. */
export function declaredTooLarge(contentLength: string | null, limit = MAX_BODY_BYTES): boolean {
  return (
    contentLength !== null && /^\d+$/.test(contentLength.trim()) && Number(contentLength) > limit
  );
}

/** Body bytes (already read within the limit) → schema: 400 for bad JSON or a refused shape. */
export function parseJsonBytes<S extends z.ZodType>(
  bytes: Uint8Array,
  schema: S,
  options: { emptyAs?: unknown } = {},
): { ok: true; data: z.output<S> } | Failure {
  let body: unknown;
  try {
    body =
      bytes.length === 0 && "emptyAs" in options ? options.emptyAs : JSON.parse(utf8.decode(bytes));
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
