/**
 * `COPY … FROM STDIN` over a connection of the `pg` driver, without a stream library: the rows
 * of a batch are already in memory, so each of their buffers goes to the server as one
 * CopyData message, written to the socket as it is (the driver's own `sendCopyFromChunk`
 * copies every chunk into a new buffer first). COPY is
 * PostgreSQL's fastest way in (no per-row statement, no parameter parsing) and, unlike a bulk
 * load tool, it runs inside the caller's transaction, so rows and checkpoint still commit
 * together.
 */
import type pg from "pg";

// The parts of pg's (untyped) protocol connection a COPY needs; pg's own Query and the
// pg-copy-streams package drive COPY through the same calls and the same socket.
interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  stream?: {
    writable: boolean;
    write(b: Buffer): boolean;
    cork(): void;
    uncork(): void;
  };
}

/** Protocol message type of CopyData ('d'). */
const COPY_DATA = 0x64;

/**
 * A pg "submittable": pg calls `submit` when the connection is free, then the `handle*`
 * methods as the server answers. A server error arrives through `handleError`; pg then drops
 * the query, so the callback runs exactly once either way.
 */
class CopyFrom {
  callback: ((err?: Error) => void) | undefined;

  constructor(
    private readonly text: string,
    private readonly data: readonly Buffer[],
  ) {}

  submit(connection: unknown): void {
    (connection as CopyConnection).query(this.text);
  }

  handleCopyInResponse(connection: unknown): void {
    const c = connection as CopyConnection;
    const stream = c.stream;
    if (stream === undefined) {
      for (const part of this.data) if (part.length > 0) c.sendCopyFromChunk(part);
      c.endCopyFrom();
      return;
    }
    // A closed socket is left to the driver, which reports the lost connection (its own
    // sends skip a socket that is not writable, too).
    if (!stream.writable) return;
    stream.cork();
    for (const part of this.data) {
      if (part.length === 0) continue;
      const header = Buffer.allocUnsafe(5);
      header[0] = COPY_DATA;
      header.writeUInt32BE(part.length + 4, 1);
      stream.write(header);
      stream.write(part);
    }
    c.endCopyFrom();
    stream.uncork();
  }

  handleCommandComplete(): void {}

  handleReadyForQuery(): void {
    this.callback?.();
  }

  handleError(err: Error): void {
    this.callback?.(err);
  }
}

/**
 * Runs `COPY <table> (<columns>) FROM STDIN` with `data` in PostgreSQL's text format (see
 * {@link copyField}) on `client`, inside whatever transaction the client has open. `data` may
 * come in several buffers (each sent as it is); the buffers must not change until the promise
 * settles.
 */
export function copyFrom(
  client: pg.ClientBase,
  table: string,
  columns: readonly string[],
  data: Buffer | readonly Buffer[],
): Promise<void> {
  const parts = Buffer.isBuffer(data) ? [data] : (data as readonly Buffer[]);
  const q = new CopyFrom(`copy ${table} (${columns.join(", ")}) from stdin`, parts);
  return new Promise((resolve, reject) => {
    q.callback = (err) => (err ? reject(err) : resolve());
    client.query(q);
  });
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const BLOCK_ESCAPE = /[\\\t\r]/;

/**
 * True when no line of a block of lines (newline-separated) holds a character COPY's text
 * format must escape, so its fields can be written as they are: one scan per block instead of
 * one test per field.
 */
export function copySafe(lines: string): boolean {
  return !BLOCK_ESCAPE.test(lines);
}

/**
 * A text value as a field of COPY's text format: backslash, tab, newline and carriage return
 * escaped (they delimit fields and rows). Lines of a queue_log almost never hold them, so the
 * common case is one regular-expression test and the value itself.
 */
export function copyField(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(/[\\\t\n\r]/g, (c) =>
    c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r",
  );
}

/** A nullable number or text as a COPY text field (`\N` is NULL). */
export function copyNullable(v: string | number | null): string {
  if (v === null) return "\\N";
  return typeof v === "number" ? String(v) : copyField(v);
}
