/**
 * A deadline for a connection's first request headers, kept by the agent itself.
 *
 * Node's own `headersTimeout` is enforced by a periodic scan of the server's connections, and
 * on Node 20 that scan was seen to skip a lone stalled connection for as long as we watched
 * (a half-open socket stayed open 8 s with a 2 s limit, while five opened together were cut at
 * 2.1 s). A timer per connection costs little at the scale of `api.maxConnections` and
 * always fires: a client that has not completed its first request's headers in time gets
 * `408 Request Timeout` and is disconnected.
 */
import type { Server, Socket } from "node:net";

const TIMEOUT_REPLY =
  "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";

/**
 * Cuts connections of `server` that have not sent complete request headers within
 * `timeoutMs` of `event` (`connection` for HTTP; `secureConnection` for HTTPS, whose
 * handshake has its own `handshakeTimeout`).
 *
 * @example
 * ```ts
 * cutSlowHeaders(app.server, "connection", 2000);
 * ```
 */
export function cutSlowHeaders(
  server: Server,
  event: "connection" | "secureConnection",
  timeoutMs: number,
): void {
  const pending = new WeakMap<Socket, NodeJS.Timeout>();
  server.on(event, (socket: Socket) => {
    const timer = setTimeout(() => {
      pending.delete(socket);
      if (!socket.destroyed) socket.end(TIMEOUT_REPLY, () => socket.destroy());
    }, timeoutMs);
    pending.set(socket, timer);
    socket.once("close", () => clearTimeout(timer));
  });
  server.on("request", (req: { socket: Socket }) => {
    const timer = pending.get(req.socket);
    if (timer === undefined) return;
    clearTimeout(timer);
    pending.delete(req.socket);
  });
}
