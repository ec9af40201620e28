/**
 * The Via header: parsing one via-parm (RFC 3261 §20.42) and writing it back, with the
 * parameters that route a response (`branch`, `received`, `rport`, RFC 3581).
 */
import { splitHeaderList } from "./header-list.js";
import { headerValues, type SipHeader } from "./message.js";

/** One Via value, e.g. `SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776;rport`. */
export interface Via {
  /** `SIP/2.0`. */
  protocol: string;
  /** The transport as written, e.g. `UDP`, `TCP`. */
  transport: string;
  /** The sent-by host: a name, an IPv4 address, or an IPv6 address without brackets. */
  host: string;
  /** The sent-by port, if given. */
  port: number | undefined;
  /** Every parameter in order, names as written; `undefined` for a parameter without a value. */
  params: [name: string, value: string | undefined][];
}

// Whitespace is allowed around "/" and ":" (LWS in the grammar); RFC 4475 uses it.
const VIA = /^([^\s/]+)\s*\/\s*([^\s/]+)\s*\/\s*([^\s;/]+)\s+([^;]+?)\s*(;.*)?$/;
const SENT_BY = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:[\]]+))(?:\s*:\s*(\d{1,5}))?$/;
const PARAM = /^([A-Za-z0-9\-.!%*_+`'~]+)(?:\s*=\s*("(?:[^"\\]|\\.)*"|[^\s;]+))?$/;

/**
 * Parses one Via value (not a comma-separated list); `undefined` when it is not one.
 *
 * @example
 * ```ts
 * parseVia("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776;rport");
 * // { protocol: "SIP/2.0", transport: "UDP", host: "192.0.2.1", port: 5060,
 * //   params: [["branch", "z9hG4bK776"], ["rport", undefined]] }
 * ```
 */
export function parseVia(value: string): Via | undefined {
  const m = VIA.exec(value.trim());
  if (!m) return undefined;
  const [, name = "", version = "", transport = "", sentBy = "", rest = ""] = m;
  const s = SENT_BY.exec(sentBy);
  if (!s) return undefined;
  const port = s[3] === undefined ? undefined : Number(s[3]);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  const params: Via["params"] = [];
  for (const raw of rest.split(";").slice(1)) {
    const p = PARAM.exec(raw.trim());
    if (!p?.[1]) return undefined;
    params.push([p[1], p[2]]);
  }
  return {
    protocol: `${name}/${version}`,
    transport,
    host: s[1] ?? s[2] ?? "",
    port,
    params,
  };
}

/**
 * Writes a Via value back in its usual spacing.
 *
 * @example
 * ```ts
 * formatVia(via); // "SIP/2.0/UDP [::1]:5060;rport" for "SIP/2.0 / UDP [::1] : 5060 ; rport"
 * ```
 */
export function formatVia(via: Via): string {
  const host = via.host.includes(":") ? `[${via.host}]` : via.host;
  const port = via.port === undefined ? "" : `:${via.port}`;
  const params = via.params.map(([n, v]) => (v === undefined ? `;${n}` : `;${n}=${v}`)).join("");
  return `${via.protocol}/${via.transport} ${host}${port}${params}`;
}

/**
 * The value of parameter `name` (any case): a string, `""` when present without a value, or
 * `undefined` when absent.
 */
export function viaParam(via: Via, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const found = via.params.find(([n]) => n.toLowerCase() === wanted);
  return found ? (found[1] ?? "") : undefined;
}

/** A copy of `via` with parameter `name` set to `value`, in place if present, else appended. */
export function withViaParam(via: Via, name: string, value: string): Via {
  const wanted = name.toLowerCase();
  const at = via.params.findIndex(([n]) => n.toLowerCase() === wanted);
  const params = [...via.params];
  if (at === -1) params.push([name, value]);
  else params[at] = [params[at]?.[0] ?? name, value];
  return { ...via, params };
}

/**
 * Every Via value of a message in order, each header line split at its commas.
 *
 * @example
 * ```ts
 * viaValues(request); // ["SIP/2.0/UDP a;branch=z9hG4bK1", "SIP/2.0/UDP b;branch=z9hG4bK2"]
 * ```
 */
export function viaValues(message: { headers: readonly SipHeader[] }): string[] {
  return headerValues(message, "Via").flatMap(splitHeaderList);
}
