/**
 * The cluster secret file: created once on the first node with a random secret, then copied
 * to the peer, so the secret never appears in a configuration file or a command line.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { osReason } from "../config/os-reason.js";
import { InitWriteError } from "../errors.js";

/**
 * Creates `path` with a fresh random secret (256 bits, base64url, mode 0640) unless it exists.
 * Returns true when it created the file.
 *
 * @throws InitWriteError when the directory or the file cannot be created.
 *
 * @example
 * ```ts
 * ensureSecretFile("/etc/tandem/cluster.secret"); // true the first time, false after
 * ```
 */
export function ensureSecretFile(path: string): boolean {
  if (existsSync(path)) return false;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o750 });
    // "wx": never replace a secret that appeared meanwhile (the peer's copy, another init).
    writeFileSync(path, `${randomBytes(32).toString("base64url")}\n`, { flag: "wx", mode: 0o640 });
  } catch (err) {
    throw new InitWriteError(`cannot create the cluster secret file "${path}": ${osReason(err)}`, {
      cause: err,
    });
  }
  return true;
}
