/**
 * Keeps a server alive and quiet when whoever reads its stdout or stderr goes away (a log shipper
 * restarted, a parent process gone). Without this, each write fails with EPIPE, the stream's
 * unhandled `error` becomes an uncaught exception, Next's handler logs it to the same closed
 * stream, and the process spins at full CPU writing errors about writing errors. Lines written
 * after that are dropped; requests are still served.
 */
export function ignoreClosedOutput(
  streams: NodeJS.WritableStream[] = [process.stdout, process.stderr],
) {
  for (const stream of streams) stream.on("error", () => {});
}
