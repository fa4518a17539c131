import { NextRequest } from "next/server";
import { CLIENT_IP_HEADER } from "@/lib/net/client-ip";

type RouteHandler = (request: NextRequest, ctx: { params: Promise<never> }) => Promise<Response>;

/** Calls a route handler the way Next would, with the client IP server.ts would have set. */
export async function call(
  handler: RouteHandler,
  options: {
    path?: string;
    method?: string;
    key?: string;
    bearer?: string;
    ip?: string;
    body?: unknown;
    headers?: Record<string, string>;
    params?: Record<string, string>;
  } = {},
) {
  const headers = new Headers(options.headers);
  if (options.key) headers.set("x-api-key", options.key);
  if (options.bearer) headers.set("authorization", `Bearer ${options.bearer}`);
  headers.set(CLIENT_IP_HEADER, options.ip ?? "127.0.0.1");
  if (options.body !== undefined) headers.set("content-type", "application/json");
  const request = new NextRequest(new URL(options.path ?? "/api/v1/me", "http://localhost"), {
    method: options.method ?? "GET",
    headers,
    body:
      options.body === undefined
        ? undefined
        : typeof options.body === "string"
          ? options.body
          : JSON.stringify(options.body),
  });
  const response = await handler(request, {
    params: Promise.resolve((options.params ?? {}) as never),
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: response.status, headers: response.headers, json };
}
