/**
 * Keep-alive for the HTTP servers tests put where an API would be (proxies, counters, scripted
 * answers). Node's http server closes an idle kept-alive socket after 5 s, and undici (the
 * product's fetch) drops its own after 4 s, or sooner when the server's Keep-Alive header says so.
 * When the two are close, a client whose event loop was busy can send its next request on a socket
 * the server is closing in the same moment: "other side closed", a retry, one more attempt than the
 * test counted (seen under load in the fault and fleet tests). A server that keeps idle sockets
 * far longer than the client lets the client always close first, as the emulator does
 * (src/emulator/server.ts). Node 19+ `server.close()` still ends idle sockets at once.
 */
import type { Server } from 'node:http';

export const TEST_SERVER_KEEP_ALIVE_MS = 30_000;

/** Sets the server's idle keep-alive well past any client's, and returns it. */
export function outlastClientKeepAlive<S extends Server>(server: S): S {
  server.keepAliveTimeout = TEST_SERVER_KEEP_ALIVE_MS;
  return server;
}
