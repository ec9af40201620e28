/**
 * Short, operator-readable names for the ways a connection to the peer fails. They end up in
 * the failover log (`peer "a" unreachable 3/3 (connection refused)`), so they name the cause
 * in a few words rather than echo Node's error text.
 */

const BY_CODE: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  EPIPE: "connection reset",
  ECONNABORTED: "connection aborted",
  EHOSTUNREACH: "host unreachable",
  EHOSTDOWN: "host down",
  ENETUNREACH: "network unreachable",
  ENETDOWN: "network down",
  EADDRNOTAVAIL: "address not available",
  ETIMEDOUT: "connection timed out",
  EAI_AGAIN: "name lookup failed (temporary)",
};

/**
 * Describes a socket, DNS or TLS error in a few words.
 *
 * @example
 * ```ts
 * describeNetworkError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }));
 * // "connection refused"
 * ```
 */
export function describeNetworkError(err: unknown, host: string): string {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === "string" ? message : String(err);
  if (typeof code !== "string") return text;
  const known = BY_CODE[code];
  if (known) return known;
  if (code === "ENOTFOUND") return `host "${host}" not found`;
  // TLS verification codes (CERT_HAS_EXPIRED, DEPTH_ZERO_SELF_SIGNED_CERT, ERR_TLS_CERT_ALTNAME_INVALID …)
  if (/CERT|TLS|SSL/.test(code)) return `TLS: ${text}`;
  if (code.startsWith("HPE_")) return `reply is not valid HTTP (${code})`;
  return `${text} (${code})`;
}
