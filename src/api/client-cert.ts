/**
 * The client-certificate gate of an HTTPS API. The TLS listener asks every client for a
 * certificate but lets the handshake finish without one, so that a load balancer can still read
 * the monitor URLs; the peer and operator endpoints then refuse, before any signature or body
 * is looked at, a client whose certificate was missing or not signed by the configured CA.
 */
import type { TLSSocket } from "node:tls";
import type { FastifyInstance } from "fastify";
import { TlsError } from "../errors.js";

/** The path prefixes that need a trusted client certificate when one is required. */
export const CLIENT_CERT_PREFIXES = ["/v1/peer/", "/v1/operator/"] as const;

/**
 * Why the client on `socket` is not trusted, or null when it presented a certificate that
 * chains to the CA.
 *
 * @example
 * ```ts
 * untrustedClient(req.raw.socket as TLSSocket); // "no client certificate"
 * ```
 */
export function untrustedClient(socket: TLSSocket): string | null {
  if (socket.authorized) return null;
  const presented = Object.keys(socket.getPeerCertificate() ?? {}).length > 0;
  if (!presented) return "no client certificate";
  const why = socket.authorizationError;
  const subject = socket.getPeerCertificate().subject?.CN;
  return `client certificate${subject ? ` "${subject}"` : ""} not trusted (${String(why)}): it is not signed by the CA in api.tls.ca`;
}

/**
 * Adds an `onRequest` hook that answers 403 (`TANDEM_ERR_TLS`) to requests for
 * {@link CLIENT_CERT_PREFIXES} from clients without a trusted certificate, and reports each.
 *
 * @example
 * ```ts
 * requireClientCert(app, (reason, remote) => log.warn({ remote }, reason));
 * ```
 */
export function requireClientCert(
  app: FastifyInstance,
  onRefused: (reason: string, remote: string) => void = () => {},
): void {
  app.addHook("onRequest", async (req, reply) => {
    if (!CLIENT_CERT_PREFIXES.some((p) => req.url.startsWith(p))) return;
    const why = untrustedClient(req.raw.socket as TLSSocket);
    if (why === null) return;
    const error = new TlsError(
      `${req.method} ${req.url.split("?")[0]} from ${req.ip} refused: ${why}`,
    );
    onRefused(error.message, req.ip);
    return reply.code(403).send({ error: error.message, code: error.code });
  });
}
