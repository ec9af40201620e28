/**
 * A minimal writer of gzip-compressed POSIX tar (ustar) archives: regular files only, which is
 * all a support bundle holds. No dependency: Node's zlib does the compression.
 */
import { gzipSync } from "node:zlib";

/**
 * One file of the archive.
 *
 * @example
 * ```ts
 * const e: TarEntry = { name: "bundle/status/a.json", data: Buffer.from("{}") };
 * ```
 */
export interface TarEntry {
  /** Path inside the archive, at most 255 bytes, `/`-separated. */
  name: string;
  data: Buffer;
  /** @default 0o600: a bundle may hold what an operator would not publish. */
  mode?: number;
  /** @default now */
  mtime?: Date;
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, "0")}\0`;
}

/** Splits a long name into ustar's prefix (≤155) and name (≤100) at a `/`. */
function splitName(name: string): { prefix: string; base: string } {
  if (Buffer.byteLength(name) <= 100) return { prefix: "", base: name };
  for (let i = name.lastIndexOf("/"); i > 0; i = name.lastIndexOf("/", i - 1)) {
    const prefix = name.slice(0, i);
    const base = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(base) <= 100) return { prefix, base };
  }
  throw new RangeError(`tar entry name "${name}" is too long for ustar (100 + 155 bytes)`);
}

function header(entry: TarEntry): Buffer {
  const h = Buffer.alloc(BLOCK);
  const { prefix, base } = splitName(entry.name);
  h.write(base, 0, 100, "utf8");
  h.write(octal(entry.mode ?? 0o600, 8), 100, "ascii");
  h.write(octal(0, 8), 108, "ascii");
  h.write(octal(0, 8), 116, "ascii");
  h.write(octal(entry.data.length, 12), 124, "ascii");
  h.write(octal(Math.floor((entry.mtime ?? new Date()).getTime() / 1000), 12), 136, "ascii");
  h.write("        ", 148, "ascii");
  h.write("0", 156, "ascii");
  h.write("ustar\0", 257, "ascii");
  h.write("00", 263, "ascii");
  h.write(prefix, 345, 155, "utf8");
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "ascii");
  return h;
}

/**
 * The `.tar.gz` bytes of `entries`, readable by GNU and BSD `tar -xzf`.
 *
 * @example
 * ```ts
 * writeFileSync("b.tar.gz", tarGz([{ name: "b/hello.txt", data: Buffer.from("hi\n") }]));
 * ```
 */
export function tarGz(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    parts.push(header(entry), entry.data);
    const pad = (BLOCK - (entry.data.length % BLOCK)) % BLOCK;
    if (pad > 0) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return gzipSync(Buffer.concat(parts));
}
