import type { IncomingMessage, ServerResponse } from "node:http";
import { MAX_BODY_BYTES } from "@/lib/api/body";
import { rawProblemResponse } from "@/lib/api/problem";

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Wraps a node:http request listener so that no request body over `limit` bytes ever reaches it,
 * whatever the route (pages, server actions, Auth.js, the API). A declared Content-Length over
 * the limit is answered at once; Node's parser never delivers more than a declared length. A
 * chunked body is held back as it arrives and handed on only once it is complete and within
 * the limit; past the limit the socket stops being read. Either way the answer is 413
 * problem+json and the connection is closed, so at most about `limit` bytes are ever read.
 */
export function withBodyLimit(listener: Listener, limit = MAX_BODY_BYTES): Listener {
  return (req, res) => {
    const declared = req.headers["content-length"];
    if (declared !== undefined) {
      return Number(declared) > limit ? refuse(req, limit) : listener(req, res);
    }
    if (req.headers["transfer-encoding"] === undefined) return listener(req, res);
    holdBody(req, limit, {
      complete: () => listener(req, res),
      tooLarge: () => refuse(req, limit),
    });
  };
}

/**
 * Intercepts what Node's HTTP parser pushes into the request stream: the chunks are kept aside
 * (nobody has seen the request yet, so nothing is lost) and replayed, in order, once the body
 * has ended within the limit. `push` is the one entry point of body bytes into an IncomingMessage.
 */
function holdBody(
  req: IncomingMessage,
  limit: number,
  on: { complete: () => void; tooLarge: () => void },
): void {
  const push = req.push;
  const held: Buffer[] = [];
  let size = 0;
  req.push = (chunk: Buffer | null, encoding?: BufferEncoding): boolean => {
    if (chunk === null) {
      req.push = push;
      for (const c of held) push.call(req, c);
      push.call(req, null, encoding);
      on.complete();
      return false;
    }
    size += chunk.length;
    if (size > limit) {
      held.length = 0;
      // Everything from here on is dropped, and `false` makes the parser stop reading the socket.
      req.push = () => false;
      on.tooLarge();
      return false;
    }
    held.push(chunk);
    return true;
  };
}

/** How long a refused connection stays open, unread, for the client to read the answer. */
const LINGER_MS = 2_000;

/**
 * Answers 413 on the socket itself, not through `res`: Node would then read (and discard) the
 * rest of the body, and reset the connection while the client may still be reading the answer.
 * Here the answer is followed by a FIN, nothing more is read (the parser stops once the request's
 * small buffer is full), and the socket is destroyed a moment later.
 */
function refuse(req: IncomingMessage, limit: number): void {
  const socket = req.socket;
  socket.end(
    rawProblemResponse(
      413,
      "payload_too_large",
      `The request body must not exceed ${limit} bytes.`,
    ),
  );
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}
