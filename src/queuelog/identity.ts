/**
 * File identity for checkpoints: the inode says whether the path still names the file being
 * read, the hash of the first line says whether that file was truncated and rewritten (or
 * whether a `.1` or `.gz` copy holds the same log).
 */
import { createHash } from "node:crypto";
import type { FileHandle } from "node:fs/promises";

/** How many leading bytes identify a file when its first line is longer than that. */
export const HEAD_BYTES = 4096;

/**
 * The content key of a log: a hash of its first line (newline included), or of its first
 * {@link HEAD_BYTES} bytes. `undefined` while the file has no complete first line yet.
 *
 * A rotated copy (`queue_log.1`, `queue_log.1.gz`) has the same key as the file it was copied
 * from, so rows already loaded from the original are not loaded twice.
 *
 * @example
 * ```ts
 * headKey(Buffer.from("1700000000|NONE|NONE|NONE|QUEUESTART|\n…")); // "9f2c…" (16 hex digits)
 * ```
 */
export function headKey(head: Buffer): string | undefined {
  const nl = head.indexOf(10);
  let len: number;
  if (nl >= 0 && nl < HEAD_BYTES) len = nl + 1;
  else if (head.length >= HEAD_BYTES) len = HEAD_BYTES;
  else return undefined;
  return createHash("sha256").update(head.subarray(0, len)).digest("hex").slice(0, 16);
}

/** Where a file is and what it holds. */
export interface FileIdentity {
  dev: number;
  ino: number;
  /** {@link headKey} of its content. */
  key: string;
}

/** Reads up to {@link HEAD_BYTES} from the start of an open file. */
export async function readHead(fh: FileHandle): Promise<Buffer> {
  const buf = Buffer.alloc(HEAD_BYTES);
  const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
  return buf.subarray(0, bytesRead);
}
