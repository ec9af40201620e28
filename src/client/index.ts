/**
 * `tandem-ha/client`: a client that always talks to the server its policy chooses. It has no
 * runtime dependencies and runs in Node ≥ 20 and current browsers.
 *
 * @example
 * ```ts
 * import { connect } from "tandem-ha/client";
 * const c = connect({ servers: ["http://10.0.0.11:7701", "http://10.0.0.12:7701"], policy: "follow" });
 * c.on("switch", (from, to) => console.log(`switched from ${from} to ${to}`));
 * ```
 */
import { Connection } from "./connection.js";
import { type ConnectOptions, resolveOptions } from "./options.js";

export type { PolicyName } from "../api/client-wire.js";
export type { BackoffOptions } from "./backoff.js";
export { backoffDelay } from "./backoff.js";
export type { CachedServers, ServerCache, StorageLike } from "./cache.js";
export { storageCache } from "./cache.js";
export type { ConnectionEvents } from "./connection.js";
export { Connection } from "./connection.js";
export type { ClientIdentity, ConnectOptions } from "./options.js";
export type { OrderedServer } from "./ordered.js";
export type { ServerView } from "./server-stream.js";
export type { TransportName } from "./transport.js";

/**
 * Starts following the servers and returns the connection at once (`current` is null until
 * the first server answers).
 *
 * @example
 * ```ts
 * const media = connect({ policy: "ordered", servers: [
 *   { url: "http://10.0.0.21:8088", health: "http://10.0.0.21:8088/health" },
 *   { url: "http://10.0.0.22:8088", health: "http://10.0.0.22:8088/health" },
 * ] });
 * ```
 */
export function connect(options: ConnectOptions): Connection {
  const connection = new Connection(resolveOptions(options));
  connection.start();
  return connection;
}
