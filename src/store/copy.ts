/**
 * `COPY … FROM STDIN` over a connection of the `pg` driver, without a stream library: the rows
 * of a batch are already in memory, so they go to the server as one CopyData message. COPY is
 * PostgreSQL's fastest way in (no per-row statement, no parameter parsing) and, unlike a bulk
 * load tool, it runs inside the caller's transaction, so rows and checkpoint still commit
 * together.
 */
import type pg from "pg";

// The parts of pg's (untyped) protocol connection a COPY needs; pg's own Query and the
// pg-copy-streams package drive COPY through the same three calls.
interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/**
 * A pg "submittable": pg calls `submit` when the connection is free, then the `handle*`
 * methods as the server answers. A server error arrives through `handleError`; pg then drops
 * the query, so the callback runs exactly once either way.
 */
class CopyFrom {
  callback: ((err?: Error) => void) | undefined;

  constructor(
    private readonly text: string,
    private readonly data: Buffer,
  ) {}

  submit(connection: unknown): void {
    (connection as CopyConnection).query(this.text);
  }

  handleCopyInResponse(connection: unknown): void {
    const c = connection as CopyConnection;
    if (this.data.length > 0) c.sendCopyFromChunk(this.data);
    c.endCopyFrom();
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
 * {@link copyField}) on `client`, inside whatever transaction the client has open.
 */
export function copyFrom(
  client: pg.ClientBase,
  table: string,
  columns: readonly string[],
  data: Buffer,
): Promise<void> {
  const q = new CopyFrom(`copy ${table} (${columns.join(", ")}) from stdin`, data);
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
