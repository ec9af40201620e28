/**
 * Reads one byte source into the store: cuts lines, parses them, derives calls and commits
 * batches, each with the checkpoint of its last line, in one transaction.
 */
import { hostname } from "node:os";
import { QueueLogMalformedError } from "../errors.js";
import type { Store } from "../store/open.js";
import { commitBatch, type LocatedEvent, type LocatedMalformed } from "../store/write.js";
import type { CallDeriver } from "./derive.js";
import type { FileIdentity } from "./identity.js";
import { LineSplitter } from "./lines.js";
import { isMalformed, parseLine } from "./parse.js";
import type { ChunkSource } from "./sources.js";

/** Counters of one loader run. */
export interface LoaderStats {
  /** Lines stored as events. */
  lines: number;
  /** Lines kept aside as malformed. */
  malformed: number;
  /** Lines stamped earlier than the line before them (kept, counted). */
  outOfOrder: number;
  /** Batches committed. */
  batches: number;
  /** Store operations retried after an outage. */
  retries: number;
}

/** Something the loader wants an operator to know; never stops the load. */
export interface LoaderNotice {
  level: "info" | "warn";
  message: string;
}

/** What {@link loadStream} needs from its loader. */
export interface StreamContext {
  store: Store;
  partition: string;
  deriver: CallDeriver;
  stats: LoaderStats;
  batchLines: number;
  /** Current time in milliseconds. */
  now(): number;
  notice(n: LoaderNotice): void;
  progress(p: { path: string; off: number }): void;
  /** Committed checkpoint of each file by content key, as this loader knows it. */
  committed: Map<string, number>;
  /** Time of the last event committed (for the heartbeat's lag). */
  lastEventTime: number | null;
}

/** A file being read, as its checkpoint names it. */
export interface FileRef extends FileIdentity {
  path: string;
}

/** How many leading lines decide whether a file is a queue_log at all. */
export const SHAPE_LINES = 10;

/**
 * Loads `source` (bytes of `file` from `offset` on) up to its current end and returns the
 * offset of the first byte not loaded (a partial last line stays unloaded). With `complete`,
 * the file's checkpoint is marked finished at the end.
 *
 * @throws QueueLogMalformedError when reading from offset 0 and none of the first
 *   {@link SHAPE_LINES} lines is a queue_log line; nothing of the file is stored then
 */
export async function loadStream(
  ctx: StreamContext,
  file: FileRef,
  source: ChunkSource,
  offset: number,
  complete: boolean,
): Promise<number> {
  const splitter = new LineSplitter(offset);
  let events: LocatedEvent[] = [];
  let malformed: LocatedMalformed[] = [];
  let checkpoint = offset;
  // Shape check only for a file read from its start: a resumed file already proved itself.
  let shapeUnknown = offset === 0;
  let firstReason = "";
  let seen = 0;
  let prevTime = -1;
  let jumps = 0;
  const nowSec = () => Math.floor(ctx.now() / 1000);

  const flush = async (final: boolean): Promise<void> => {
    if (events.length === 0 && malformed.length === 0 && !final) return;
    const last = events.at(-1)?.event.time;
    await commitBatch(ctx.store, {
      partition: ctx.partition,
      file: { key: file.key, path: file.path, dev: file.dev, ino: file.ino },
      events,
      malformed,
      calls: ctx.deriver.takeChanged(),
      checkpoint,
      expected: ctx.committed.get(file.key) ?? null,
      complete: final && complete,
      loader: {
        partition: ctx.partition,
        host: hostname(),
        pid: process.pid,
        path: file.path,
        off: checkpoint,
        size: checkpoint + splitter.pendingBytes,
        last_event_time: last ?? ctx.lastEventTime,
        heartbeat_at: ctx.now(),
        lines: ctx.stats.lines + events.length,
        malformed: ctx.stats.malformed + malformed.length,
      },
    });
    ctx.committed.set(file.key, checkpoint);
    ctx.stats.lines += events.length;
    ctx.stats.malformed += malformed.length;
    ctx.stats.batches++;
    if (last !== undefined) ctx.lastEventTime = last;
    events = [];
    malformed = [];
    ctx.progress({ path: file.path, off: checkpoint });
  };

  const notShape = () =>
    new QueueLogMalformedError(
      `${file.path} is not a queue_log: none of its first ${seen} line(s) has the form epoch|callid|queue|agent|event (line 1: ${firstReason})`,
    );

  for (;;) {
    let chunk: Buffer | null;
    try {
      chunk = await source.read();
    } catch (e) {
      // A truncated .gz: keep the complete lines before the cut, then report it.
      if (!shapeUnknown) await flush(false);
      throw e;
    }
    if (chunk === null) break;
    const now = nowSec();
    for (const line of splitter.push(chunk)) {
      const r =
        line.text === undefined
          ? { reason: line.reason ?? "unreadable" }
          : parseLine(line.text, { now });
      if (isMalformed(r)) {
        if (seen === 0) firstReason = r.reason;
        malformed.push({ off: line.offset, reason: r.reason, raw: line.text ?? "" });
      } else {
        if (prevTime > r.time) {
          ctx.stats.outOfOrder++;
          // Asterisk's threads can swap lines within a second or two; only big jumps are news,
          // and only the first few of them, so a badly stamped file does not flood the log.
          if (prevTime - r.time > 60 && ++jumps <= 5) {
            ctx.notice({
              level: "warn",
              message: `${file.path} offset ${line.offset}: timestamp ${r.time} is ${prevTime - r.time} s earlier than the line before it; kept in file order`,
            });
          }
        }
        prevTime = r.time;
        shapeUnknown = false;
        ctx.deriver.apply(r, file.key, line.offset);
        events.push({ off: line.offset, event: r });
      }
      seen++;
      checkpoint = line.next;
      if (shapeUnknown && seen >= SHAPE_LINES) throw notShape();
      if (!shapeUnknown && events.length + malformed.length >= ctx.batchLines) await flush(false);
    }
  }
  if (shapeUnknown && seen > 0) throw notShape();
  await flush(true);
  return checkpoint;
}
