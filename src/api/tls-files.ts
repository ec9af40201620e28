/**
 * Reads the PEM files named by `api.tls` once, at start-up, so that a missing or unreadable
 * file stops the agent with its path instead of failing the first handshake.
 */
import { readFileSync } from "node:fs";
import { osReason } from "../config/os-reason.js";
import type { Config } from "../config/schema.js";
import { ConfigReadError } from "../errors.js";
import type { ApiTlsOptions } from "./server.js";

/**
 * The TLS material of `api.tls`, or undefined without one. Throws a `ConfigReadError` naming
 * the key and the path of a file that cannot be read or holds no PEM block.
 *
 * @example
 * ```ts
 * const tls = readApiTls(config.api.tls); // { cert: "-----BEGIN CERTIFICATE-----…", key, ca, requireClientCert }
 * ```
 */
export function readApiTls(tls: Config["api"]["tls"]): ApiTlsOptions | undefined {
  if (!tls) return undefined;
  return {
    cert: readPem("api.tls.cert", tls.cert),
    key: readPem("api.tls.key", tls.key),
    ...(tls.ca === undefined ? {} : { ca: readPem("api.tls.ca", tls.ca) }),
    requireClientCert: tls.requireClientCert,
  };
}

function readPem(key: string, path: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ConfigReadError(`${key}: cannot read "${path}": ${osReason(err)}`, { cause: err });
  }
  if (!text.includes("-----BEGIN ")) {
    throw new ConfigReadError(`${key}: "${path}" holds no PEM block (expected "-----BEGIN …")`);
  }
  return text;
}
