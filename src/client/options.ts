/**
 * The options of `connect()`, with their defaults.
 */
import type { PolicyName } from "../api/client-wire.js";
import type { BackoffOptions } from "./backoff.js";
import type { ServerCache } from "./cache.js";
import type { OrderedServer } from "./ordered.js";
import type { TransportName } from "./transport.js";

/** How a client names itself to the servers (shown by `GET /v1/clients` and `tandem clients`). */
export interface ClientIdentity {
  /** e.g. `console-12` or the workstation's name. */
  name: string;
  /** The application's version. */
  version?: string;
}

/**
 * Options of `connect()`.
 *
 * @example
 * ```ts
 * const options: ConnectOptions = {
 *   servers: ["http://10.0.0.11:7701", "http://10.0.0.12:7701"],
 *   policy: "follow",
 *   identity: { name: "console-12", version: "2.1.0" },
 * };
 * ```
 */
export interface ConnectOptions {
  /**
   * The servers: the pair's agent API URLs for `follow` and `sticky`; for `ordered`, the
   * resources in order of preference, each a URL or `{ url, health }`.
   */
  servers: ReadonlyArray<string | OrderedServer>;
  /** How to choose the server. @default "follow" */
  policy?: PolicyName;
  /** Identify this client to the servers (`follow`/`sticky`); anonymous without it. */
  identity?: ClientIdentity;
  /** `auto` uses the browser's `EventSource` where there is one, else `fetch`. @default "auto" */
  transport?: TransportName;
  /** Keep-alive interval asked of each server, in ms (1000–60000). @default 5000 */
  keepAliveMs?: number;
  /** A stream silent this long is treated as lost, in ms. @default 2 × keepAliveMs + 1000 */
  silenceMs?: number;
  /** Reconnect delays. @default { initialMs: 250, maxMs: 10000, factor: 2, jitter: 0.5 } */
  backoff?: BackoffOptions;
  /** `ordered`: time between health checks, in ms. @default 2000 */
  healthIntervalMs?: number;
  /** `ordered`: a health check without an answer in this time fails, in ms. @default 1000 */
  healthTimeoutMs?: number;
  /** Keeps the last known servers for a start while none answers. @default none */
  cache?: ServerCache;
  /** Aborting it closes the connection. */
  signal?: AbortSignal;
}

/** The options with every default filled in. */
export interface ResolvedOptions {
  servers: OrderedServer[];
  policy: PolicyName;
  identity: ClientIdentity | null;
  transport: TransportName;
  keepAliveMs: number;
  silenceMs: number;
  backoff: BackoffOptions;
  healthIntervalMs: number;
  healthTimeoutMs: number;
  cache: ServerCache | null;
  signal: AbortSignal | null;
}

const POLICIES: readonly PolicyName[] = ["follow", "sticky", "ordered"];

/**
 * Checks the options and fills in the defaults; throws a `TypeError` that names the bad value.
 *
 * @example
 * ```ts
 * resolveOptions({ servers: ["http://127.0.0.1:7701"] }).keepAliveMs; // 5000
 * ```
 */
export function resolveOptions(options: ConnectOptions): ResolvedOptions {
  const policy = options.policy ?? "follow";
  if (!POLICIES.includes(policy)) {
    throw new TypeError(`policy "${String(policy)}" is not one of ${POLICIES.join(", ")}`);
  }
  if (!Array.isArray(options.servers) || options.servers.length === 0) {
    throw new TypeError("servers must list at least one server URL");
  }
  const servers = options.servers.map((s) => (typeof s === "string" ? { url: s } : { ...s }));
  for (const s of servers) {
    for (const url of [s.url, s.health ?? s.url]) {
      if (!/^https?:\/\/[^/]/.test(url)) {
        throw new TypeError(
          `server "${url}" is not an http(s) URL such as "http://10.0.0.11:7701"`,
        );
      }
    }
  }
  const keepAliveMs = options.keepAliveMs ?? 5000;
  if (!(keepAliveMs >= 1000 && keepAliveMs <= 60_000)) {
    throw new TypeError(`keepAliveMs ${keepAliveMs} must be between 1000 and 60000`);
  }
  return {
    servers,
    policy,
    identity: options.identity ?? null,
    transport: options.transport ?? "auto",
    keepAliveMs,
    silenceMs: options.silenceMs ?? 2 * keepAliveMs + 1000,
    backoff: options.backoff ?? {},
    healthIntervalMs: options.healthIntervalMs ?? 2000,
    healthTimeoutMs: options.healthTimeoutMs ?? 1000,
    cache: options.cache ?? null,
    signal: options.signal ?? null,
  };
}
