/**
 * Reads one byte source into the store: cuts lines, parses them, derives calls and commits
 * batches, each with the checkpoint of its last line, in one transaction.
 */
import { hostname } from "node:os";
import { setImmediate } from "node:timers/promises";
import { QueueLogMalformedError } from "../errors.js";
import { CallRows, EventRows } from "../store/bulk.js";
import { copySafe } from "../store/copy.js";
import type { Store } from "../store/open.js";
import { commitBatch, type LoadBatch, type LocatedMalformed } from "../store/write.js";
import type { CallDeriver } from "./derive.js";
import type { FileIdentity } from "./identity.js";
import { LineView } from "./line-view.js";
import { LineSplitter } from "./lines.js";
import { hasControl } from "./parse.js";
import type { SessionDeriver } from "./sessions.js";
import type { ChunkSource } from "./sources.js";

/** Counters of one loader run. */
export interface LoaderStats {
  /** Lines stored as events. */
  lines: number;
  /** Lines kept aside as malformed. */
  malformed: number;
  /** Lines stamped earlier than the line before them (kept, counted). */
  outOfOrder: number;
  /**
   * Lines stored that were not valid UTF-8 and were decoded as Latin-1 (ISO-8859-1), e.g. a
   * caller name written by an older system.
   */
  latin1: number;
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
  sessions: SessionDeriver;
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
  /** Lines named in a Latin-1 notice so far, by file content key. */
  latin1Named: Map<string, number>;
}

/** A file being read, as its checkpoint names it. */
export interface FileRef extends FileIdentity {
  path: string;
}

/** While catching up on a backlog, batches grow up to this many times `batchLines`. */
export const CATCH_UP_FACTOR = 10;

/** How many leading lines decide whether a file is a queue_log at all. */
export const SHAPE_LINES = 10;

/** Lines parsed between two turns of the event loop while a commit is in flight. */
const YIELD_LINES = 512;

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
  const copy = ctx.store.dialect !== "sqlite";
  const rows = () => new EventRows(copy, ctx.partition, file.key);
  let events = rows();
  // The calls the batch being parsed stores; those that end go here as they end.
  let calls = new CallRows(copy);
  ctx.deriver.sendEndedTo(calls);
  let malformed: LocatedMalformed[] = [];
  let checkpoint = offset;
  // Shape check only for a file read from its start: a resumed file already proved itself.
  let shapeUnknown = offset === 0;
  let firstReason = "";
  let seen = 0;
  let prevTime = -1;
  let jumps = 0;
  // Lines of the batch being parsed that were decoded as Latin-1.
  let latin1 = 0;
  // Every line is parsed into this one view; the derivations cut out only the fields they use.
  const r = new LineView();
  const nowSec = () => Math.floor(ctx.now() / 1000);
  // Lines per batch: `batchLines` at first, doubling each time a batch fills up before the
  // source runs dry (the loader is catching up on a backlog), since per-transaction costs
  // dominate small batches. A follower reading a few new lines keeps small, prompt batches.
  let limit = ctx.batchLines;

  // The commit in flight. A batch is cut and handed to the store, and the loop goes on
  // parsing the next one while the database works; the next cut first waits for this one, so
  // batches commit in file order, each continuing from the checkpoint the previous one set,
  // and at most two batches are in memory.
  let inFlight: Promise<void> | undefined;
  const settle = async (): Promise<void> => {
    const p = inFlight;
    inFlight = undefined;
    await p;
  };

  const flush = async (final: boolean): Promise<void> => {
    await settle();
    if (events.count === 0 && malformed.length === 0 && !final) return;
    const last = events.lastTime;
    const inserted = calls;
    const { updated } = ctx.deriver.takeChanged(inserted);
    const batch: Omit<LoadBatch, "expected"> = {
      partition: ctx.partition,
      file: { key: file.key, path: file.path, dev: file.dev, ino: file.ino },
      events,
      malformed,
      calls: { inserted, updated },
      sessions: ctx.sessions.takeChanged(),
      checkpoint,
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
        lines: ctx.stats.lines + events.count,
        malformed: ctx.stats.malformed + malformed.length,
      },
    };
    const recoded = latin1;
    events = rows();
    calls = new CallRows(copy);
    ctx.deriver.sendEndedTo(calls);
    malformed = [];
    latin1 = 0;
    const commit = async (): Promise<void> => {
      await commitBatch(ctx.store, { ...batch, expected: ctx.committed.get(file.key) ?? null });
      ctx.committed.set(file.key, batch.checkpoint);
      ctx.stats.lines += batch.events.count;
      ctx.stats.malformed += batch.malformed.length;
      ctx.stats.latin1 += recoded;
      ctx.stats.batches++;
      if (last !== undefined) ctx.lastEventTime = last;
      ctx.progress({ path: file.path, off: batch.checkpoint });
    };
    if (final) await commit();
    else {
      inFlight = commit();
      // Observed at the next settle(); this keeps Node from reporting it as unhandled meanwhile.
      inFlight.catch(() => undefined);
    }
  };

  const notShape = () =>
    new QueueLogMalformedError(
      `${file.path} is not a queue_log: none of its first ${seen} line(s) has the form epoch|callid|queue|agent|event (line 1: ${firstReason})`,
    );

  try {
    for (;;) {
      let chunk: Buffer | null;
      try {
        chunk = await source.read();
      } catch (e) {
        // A truncated .gz: keep the complete lines before the cut, then report it.
        if (!shapeUnknown) await flush(false);
        await settle();
        throw e;
      }
      if (chunk === null) break;
      const now = nowSec();
      const b = splitter.cut(chunk);
      const plain = copySafe(b.text);
      const clean = !hasControl(b.text);
      for (let i = 0; i < b.count; i++) {
        const off = b.offsets[i] as number;
        const from = b.from[i] as number;
        const to = b.to[i] as number;
        const reason = b.bad?.get(i) ?? r.parse(b.text, from, to, now, clean);
        if (reason !== undefined) {
          if (seen === 0) firstReason = reason;
          malformed.push({ off, reason, raw: b.text.slice(from, to) });
        } else {
          if (prevTime > r.time) {
            ctx.stats.outOfOrder++;
            // Asterisk's threads can swap lines within a second or two; only big jumps are news,
            // and only the first few of them, so a badly stamped file does not flood the log.
            if (prevTime - r.time > 60 && ++jumps <= 5) {
              ctx.notice({
                level: "warn",
                message: `${file.path} offset ${off}: timestamp ${r.time} is ${prevTime - r.time} s earlier than the line before it; kept in file order`,
              });
            }
          }
          prevTime = r.time;
          shapeUnknown = false;
          if (b.latin1?.has(i) === true) {
            latin1++;
            // Named for the first few lines of a file only, so a file written in Latin-1
            // throughout does not flood the log.
            const named = (ctx.latin1Named.get(file.key) ?? 0) + 1;
            ctx.latin1Named.set(file.key, named);
            if (named <= 3) {
              ctx.notice({
                level: "warn",
                message: `${file.path} offset ${off}: line is not valid UTF-8; loaded decoded as Latin-1 (ISO-8859-1)${named === 3 ? "; further such lines of this file are only counted" : ""}`,
              });
            }
          }
          ctx.deriver.apply(r, file.key, off);
          ctx.sessions.apply(r, file.key, off);
          events.add(off, r, plain, b.ascii);
        }
        seen++;
        checkpoint = b.offsets[i + 1] as number;
        if (shapeUnknown && seen >= SHAPE_LINES) throw notShape();
        // Parsing is synchronous: while it runs, the replies of the commit in flight wait, and
        // each of its statements waits for the one before. Let them through every few hundred
        // lines, or the database idles while the next batch is parsed.
        if (inFlight !== undefined && seen % YIELD_LINES === 0) await setImmediate();
        if (!shapeUnknown && events.count + malformed.length >= limit) {
          await flush(false);
          limit = Math.min(limit * 2, ctx.batchLines * CATCH_UP_FACTOR);
        }
      }
    }
    if (shapeUnknown && seen > 0) throw notShape();
    await flush(true);
    return checkpoint;
  } finally {
    // Calls that end after this belong to the next load's batches.
    ctx.deriver.sendEndedTo(undefined);
  }
}
