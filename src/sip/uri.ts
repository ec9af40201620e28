/**
 * The SIP URIs the `sip` probe sends to: `sip:[user@]host[:port][;transport=udp|tcp]`.
 */

/** Where a SIP URI points. */
export interface SipTarget {
  /** The URI as given, used as the Request-URI and in `To`. */
  uri: string;
  /** Host name or IP address (IPv6 without brackets). */
  host: string;
  /** @default 5060 */
  port: number;
  /** @default "udp" */
  transport: "udp" | "tcp";
}

const SIP_URI =
  /^sip:(?:[^@;?\s]+@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)(?::(\d{1,5}))?((?:;[^;?\s]+)*)(?:\?\S*)?$/i;

/**
 * Parses a `sip:` URI; `undefined` when it is not one, its port is out of range, or it names
 * a transport other than UDP or TCP.
 *
 * @example
 * ```ts
 * parseSipUri("sip:10.0.0.11:5070;transport=tcp"); // { uri: "…", host: "10.0.0.11", port: 5070, transport: "tcp" }
 * parseSipUri("sip:pbx.example.com");              // port 5060, transport "udp"
 * ```
 */
export function parseSipUri(uri: string): SipTarget | undefined {
  const m = SIP_URI.exec(uri);
  if (!m?.[1]) return undefined;
  const port = m[2] === undefined ? 5060 : Number(m[2]);
  if (port < 1 || port > 65535) return undefined;
  let transport: SipTarget["transport"] = "udp";
  for (const param of (m[3] ?? "").split(";").slice(1)) {
    const [name = "", value = ""] = param.split("=");
    if (name.toLowerCase() !== "transport") continue;
    const lower = value.toLowerCase();
    if (lower !== "udp" && lower !== "tcp") return undefined;
    transport = lower;
  }
  return { uri, host: m[1].replace(/^\[(.*)\]$/, "$1"), port, transport };
}
