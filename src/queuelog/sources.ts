/**
 * Byte sources the loader reads from: a plain file read at an offset (and read again as it
 * grows), or a gzip-compressed rotated file decompressed from its start.
 */
import { createReadStream } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import {
  isTandemError,
  QueueLogMalformedError,
  QueueLogReadError,
  type TandemErrorShape,
} from "../errors.js";
import { type FileIdentity, HEAD_BYTES, headKey, readHead } from "./identity.js";

/** Reads successive chunks; `null` means no more bytes for now. */
export interface ChunkSource {
  read(): Promise<Buffer | null>;
}

/** Bytes read from the loader per read call. */
export const CHUNK_BYTES = 1 << 20;

/** Reads a plain file from `offset` to its current end. */
export function plainSource(fh: FileHandle, offset: number): ChunkSource {
  let pos = offset;
  return {
    async read() {
      const buf = Buffer.allocUnsafe(CHUNK_BYTES);
      const { bytesRead } = await fh.read(buf, 0, CHUNK_BYTES, pos);
      if (bytesRead === 0) return null;
      pos += bytesRead;
      return buf.subarray(0, bytesRead);
    },
  };
}

/**
 * True when the open file `fh` is gzip-compressed, by its first two bytes (the gzip magic
 * 1f 8b), not its name: logrotate's `compress` names files `.gz`, but a `dateext`/`extension`
 * layout, or an operator's copy, may not, and a plain file named `.gz` must still load.
 */
export async function isGzipHandle(fh: FileHandle): Promise<boolean> {
  const magic = Buffer.alloc(2);
  const { bytesRead } = await fh.read(magic, 0, 2, 0);
  return bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
}

/**
 * Decompresses a `.gz` file (`fh` when given, else `path`) from its start and returns the bytes
 * from decompressed `offset` on.
 * A truncated or corrupt stream ends with {@link QueueLogMalformedError} after the bytes that
 * did decompress.
 */
export function gzipSource(
  path: string,
  offset: number,
  fh?: FileHandle,
): ChunkSource & { close(): void } {
  // Through an open handle (left open) the bytes are those of the file identified through
  // it, even if the path names another file by now.
  const input: Readable =
    fh !== undefined ? Readable.from(handleChunks(fh)) : createReadStream(path);
  const gunzip = createGunzip();
  input.on("error", (e) => gunzip.destroy(e));
  input.pipe(gunzip);
  const it = gunzip[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let pos = 0;
  return {
    async read() {
      for (;;) {
        let r: IteratorResult<Buffer>;
        try {
          r = await it.next();
        } catch (cause) {
          throw gzipError(path, pos, cause);
        }
        if (r.done) return null;
        const chunk = r.value;
        const start = pos;
        pos += chunk.length;
        if (pos <= offset) continue;
        return start >= offset ? chunk : chunk.subarray(offset - start);
      }
    },
    close() {
      input.destroy();
      gunzip.destroy();
    },
  };
}

/** The bytes of an open file from its start, read positionally (the handle stays open). */
async function* handleChunks(fh: FileHandle): AsyncGenerator<Buffer> {
  let pos = 0;
  for (;;) {
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    const { bytesRead } = await fh.read(buf, 0, CHUNK_BYTES, pos);
    if (bytesRead === 0) return;
    pos += bytesRead;
    yield buf.subarray(0, bytesRead);
  }
}

function gzipError(path: string, pos: number, cause: unknown): TandemErrorShape {
  const why = cause instanceof Error ? cause.message : String(cause);
  const what = /unexpected end/i.test(why) ? "is truncated" : `is not a valid gzip file (${why})`;
  return new QueueLogMalformedError(
    `${path} ${what}: the stream stops after ${pos} decompressed bytes; complete lines before that were loaded`,
    { cause },
  );
}

/**
 * Identity of the file at `path` (a `.gz` is identified by its decompressed content), or
 * `undefined` while it has no complete first line.
 *
 * Only for choosing a file: the path may name another file by the time it is opened again
 * (rotation). Before reading a file's lines, open it and use {@link identifyHandle}.
 *
 * @throws QueueLogReadError when the file cannot be read
 */
export async function identify(path: string): Promise<FileIdentity | undefined> {
  let fh: FileHandle;
  try {
    fh = await open(path, "r");
  } catch (cause) {
    throw readError(path, cause);
  }
  try {
    return await identifyHandle(fh, path);
  } finally {
    await fh.close();
  }
}

/**
 * Identity of the open file `fh` (opened from `path`; a `.gz` by its decompressed content), or
 * `undefined` while it has no complete first line. Device, inode and content key all come
 * from the handle, so they describe the very bytes read through it, whatever `path` names now.
 *
 * @throws QueueLogReadError when the file cannot be read or is not a regular file
 */
export async function identifyHandle(
  fh: FileHandle,
  path: string,
): Promise<FileIdentity | undefined> {
  let st: Awaited<ReturnType<FileHandle["stat"]>>;
  let head: Buffer;
  try {
    st = await fh.stat();
    if (!st.isFile()) throw new QueueLogReadError(`Cannot load ${path}: it is not a regular file`);
    head = (await isGzipHandle(fh)) ? await gzipHead(path, fh) : await readHead(fh);
  } catch (cause) {
    if (isTandemError(cause)) throw cause;
    throw readError(path, cause);
  }
  const key = headKey(head);
  return key === undefined ? undefined : { dev: st.dev, ino: st.ino, key };
}

async function gzipHead(path: string, fh: FileHandle): Promise<Buffer> {
  const src = gzipSource(path, 0, fh);
  const parts: Buffer[] = [];
  let n = 0;
  try {
    while (n < HEAD_BYTES) {
      const c = await src.read();
      if (c === null) break;
      parts.push(c);
      n += c.length;
    }
  } finally {
    src.close();
  }
  return Buffer.concat(parts).subarray(0, HEAD_BYTES);
}

/** A file-system error turned into a message that names the file and what went wrong. */
export function readError(path: string, cause: unknown): TandemErrorShape {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === "ENOENT"
      ? "no such file"
      : code === "EACCES"
        ? "permission denied"
        : cause instanceof Error
          ? cause.message
          : String(cause);
  return new QueueLogReadError(`Cannot read queue_log ${path}: ${why}`, { cause });
}
