/**
 * Where a response goes (RFC 3261 §18.2.1–18.2.2, RFC 3581): the top Via as received, stamped
 * with `received` and `rport`, and the address to send to.
 */
import { type Via, viaParam, withViaParam } from "./via.js";

/** Where a request came from. */
export interface SipSource {
  /** Source IP address of the packet or connection. */
  address: string;
  /** Source port. */
  port: number;
  /** The transport it arrived on. */
  transport: "udp" | "tcp";
}

/**
 * The top Via to put in the response: `received` added when the sent-by host is not the source
 * address (or is a name), and `rport` filled in with the source port when the client asked for
 * it (RFC 3581 also requires `received` then).
 *
 * @example
 * ```ts
 * // via: "SIP/2.0/UDP 10.0.0.5:5060;rport;branch=z9hG4bK1"
 * stampVia(via, { address: "192.0.2.7", port: 40112, transport: "udp" });
 * // …;rport=40112;branch=z9hG4bK1;received=192.0.2.7
 * ```
 */
export function stampVia(via: Via, source: SipSource): Via {
  const address = plainAddress(source.address);
  const rport = viaParam(via, "rport");
  let out = via;
  if (rport !== undefined) out = withViaParam(out, "rport", String(source.port));
  if (rport !== undefined || via.host.toLowerCase() !== address.toLowerCase()) {
    out = withViaParam(out, "received", address);
  }
  return out;
}

/**
 * The address and port a response is sent to. Over TCP, the connection it came on. Over UDP,
 * always the packet's source address (that is the `received` address, or the sent-by when they
 * are equal); the port is the source port when the client asked for `rport`, else the sent-by
 * port (default 5060). `maddr` is not honoured: the responder never sends anywhere the request
 * did not come from.
 *
 * @example
 * ```ts
 * responseDestination(via, { address: "192.0.2.7", port: 40112, transport: "udp" }); // { address: "192.0.2.7", port: 40112 } with rport
 * ```
 */
export function responseDestination(
  via: Via,
  source: SipSource,
): { address: string; port: number } {
  if (source.transport === "tcp" || viaParam(via, "rport") !== undefined) {
    return { address: source.address, port: source.port };
  }
  return { address: source.address, port: via.port ?? 5060 };
}

/** An IPv4-mapped IPv6 address (`::ffff:192.0.2.7`, seen on dual-stack sockets) as IPv4. */
function plainAddress(address: string): string {
  return address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "");
}
