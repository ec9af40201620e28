/**
 * Stamp files for the `file` probe: a file holding a random id, written on the file system
 * the probe watches, whose id then goes into the probe's `stampId`.
 */
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Writes (or overwrites) a stamp file with a fresh random id and flushes it and its directory
 * to storage, so the id survives a crash of the file server right after. Throws on any I/O
 * error.
 *
 * @example
 * ```ts
 * const { id } = createStamp("/var/spool/asterisk/monitor/.tandem-stamp");
 * // config: { kind: "file", stamp: "/var/spool/asterisk/monitor/.tandem-stamp", stampId: id }
 * ```
 */
export function createStamp(path: string): { id: string } {
  const id = randomBytes(16).toString("hex");
  const fd = openSync(path, "w", 0o644);
  try {
    writeSync(fd, `${id}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  const dir = openSync(dirname(path), "r");
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
  return { id };
}
