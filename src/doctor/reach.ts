/**
 * Can this machine reach a port of the other node? TCP: a connection is accepted. SIP over
 * UDP: an OPTIONS request gets any SIP answer (200 or 503 both prove the path is open).
 */
import { randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { isIPv6, connect as tcpConnect } from "node:net";

/**
 * A port to try.
 *
 * @example
 * ```ts
 * const t: ReachTarget = { name: "sip udp", host: "10.0.0.11", port: 5060, transport: "sip-udp" };
 * ```
 */
export interface ReachTarget {
  /** What the port is, for the message (e.g. `API`, `SIP udp`). */
  name: string;
  host: string;
  port: number;
  transport: "tcp" | "sip-udp";
}

/** What one try found: `error` is null when the port answered. */
export interface ReachResult extends ReachTarget {
  error: string | null;
}

function tryTcp(host: string, port: number, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    const done = (error: string | null): void => {
      socket.destroy();
      resolve(error);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs} ms`));
    socket.once("connect", () => done(null));
    socket.once("error", (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
  });
}

function optionsRequest(host: string, port: number): string {
  const branch = `z9hG4bK-doctor-${randomBytes(6).toString("hex")}`;
  const target = isIPv6(host) ? `[${host}]` : host;
  return [
    `OPTIONS sip:tandem-doctor@${target}:${port} SIP/2.0`,
    `Via: SIP/2.0/UDP 0.0.0.0:9;branch=${branch};rport`,
    "Max-Forwards: 70",
    `From: <sip:doctor@tandem.invalid>;tag=${randomBytes(4).toString("hex")}`,
    `To: <sip:tandem-doctor@${target}:${port}>`,
    `Call-ID: ${randomBytes(8).toString("hex")}@tandem-doctor`,
    "CSeq: 1 OPTIONS",
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
}

function trySipUdp(host: string, port: number, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = createSocket(isIPv6(host) ? "udp6" : "udp4");
    const timer = setTimeout(
      () => done(`no SIP answer within ${timeoutMs} ms (blocked, or "whenNotServing: silent")`),
      timeoutMs,
    );
    function done(error: string | null): void {
      clearTimeout(timer);
      socket.close();
      resolve(error);
    }
    socket.on("message", (msg) => {
      if (msg.subarray(0, 8).toString("latin1") === "SIP/2.0 ") done(null);
    });
    socket.on("error", (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
    socket.send(optionsRequest(host, port), port, host);
  });
}

/**
 * Tries every target at once.
 *
 * @example
 * ```ts
 * await reach([{ name: "API", host: "127.0.0.1", port: 7702, transport: "tcp" }], 1000);
 * // [{ name: "API", host: "127.0.0.1", port: 7702, transport: "tcp", error: null }]
 * ```
 */
export function reach(targets: readonly ReachTarget[], timeoutMs: number): Promise<ReachResult[]> {
  return Promise.all(
    targets.map(async (t) => ({
      ...t,
      error: await (t.transport === "tcp" ? tryTcp : trySipUdp)(t.host, t.port, timeoutMs),
    })),
  );
}

/**
 * The targets a node offers its peer: its API, and each SIP listener (a wildcard address is
 * reached at the API's host).
 *
 * @example
 * ```ts
 * nodeTargets("http://10.0.0.11:7701", [{ address: "0.0.0.0", port: 5060, transports: ["udp"] }]);
 * // [{ name: "API", host: "10.0.0.11", port: 7701, transport: "tcp" }, { name: "SIP udp", host: "10.0.0.11", port: 5060, transport: "sip-udp" }]
 * ```
 */
export function nodeTargets(
  apiUrl: string,
  sipListeners: ReadonlyArray<{ address: string; port: number; transports: readonly string[] }>,
): ReachTarget[] {
  const url = new URL(apiUrl);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  const targets: ReachTarget[] = [{ name: "API", host, port, transport: "tcp" }];
  for (const l of sipListeners) {
    const sipHost = l.address === "0.0.0.0" || l.address === "::" ? host : l.address;
    for (const t of l.transports) {
      targets.push({
        name: `SIP ${t}`,
        host: sipHost,
        port: l.port,
        transport: t === "tcp" ? "tcp" : "sip-udp",
      });
    }
  }
  return targets;
}
