/**
 * The floor for the verify route: a bare node:http server answering {"ok":true}, started like the
 * app's server (its own node process, tsx loaded), so only the work per request differs.
 */
import { createServer } from "node:http";

const body = JSON.stringify({ ok: true });
const server = createServer((_req, res) => {
  res.writeHead(200, { "content-type": "application/json", "content-length": body.length });
  res.end(body);
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => process.send?.("ready"));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
