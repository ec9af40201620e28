/**
 * The queue_log loader: loads a file into the store, then follows it through rename rotation,
 * copytruncate, restarts and store outages, without losing or duplicating a line.
 *
 * Every batch of lines commits together with the file's checkpoint (content key + byte
 * offset), so after a crash the loader resumes exactly after the last committed line. Lines are
 * keyed by partition, file and offset, so two identical lines in one second are two rows.
 */
import { type FileHandle, open, readdir, stat } from "node:fs/promises";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { isTandemError, StoreUnavailableError } from "../errors.js";
import { CallRows, EventRows } from "../store/bulk.js";
import type { Store } from "../store/open.js";
import { readCheckpoints, readOpenCalls, readOpenSessions } from "../store/read.js";
import { commitBatch, writeHeartbeat } from "../store/write.js";
import {
  type FileRef,
  type LoaderNotice,
  type LoaderStats,
  loadStream,
  type StreamContext,
} from "./batcher.js";
import { CallDeriver } from "./derive.js";
import { headKey, readHead } from "./identity.js";
import { SessionDeriver } from "./sessions.js";
import {
  gzipSource,
  identify,
  identifyHandle,
  isGzipHandle,
  plainSource,
  readError,
} from "./sources.js";

/** Options of {@link runLoader}. */
export interface LoaderOptions {
  store: Store;
  /** Partition (server name) the lines are loaded into. */
  partition: string;
  /** The live queue_log. */
  path: string;
  /**
   * Load what the file holds now and return, instead of following it.
   * @default false
   */
  once?: boolean;
  /**
   * Rotated files (`queue_log.1`, `queue_log.2.gz`) to load first, oldest first. Files already
   * loaded, in full or in part, are recognised by content and resumed, never duplicated.
   * @default []
   */
  rotated?: readonly string[];
  /** @default 250 — how often a followed file is checked for growth and rotation */
  pollMs?: number;
  /** @default 1000 — how long a renamed-away file is still read for late writes */
  rotationGraceMs?: number;
  /**
   * @default 5000 — lines per transaction; while catching up on a backlog, batches double up
   * to 10 times this (memory stays bounded by two such batches: one committing, one parsed)
   */
  batchLines?: number;
  /** @default 2000 — heartbeat interval while idle */
  heartbeatMs?: number;
  /** @default 30000 — longest wait between retries while the store is down */
  maxBackoffMs?: number;
  /** Stops following (after the current transaction). */
  signal?: AbortSignal;
  /** Clock in milliseconds (tests). @default Date.now */
  now?: () => number;
  onNotice?: (n: LoaderNotice) => void;
  /** Called after each commit with the position in the file being loaded. */
  onProgress?: (p: { path: string; off: number; size: number }) => void;
}

/**
 * Runs the loader until the file is loaded (`once`) or `signal` aborts. Store outages are
 * retried with exponential backoff, reading nothing more from the file meanwhile, and each
 * retry resumes from the checkpoint the store holds.
 *
 * @example
 * ```ts
 * const store = await openStore();
 * const stats = await runLoader({ store, partition: "A", path: "/var/log/asterisk/queue_log", once: true });
 * console.log(`${stats.lines} lines, ${stats.malformed} malformed`);
 * ```
 * @throws QueueLogReadError when the file cannot be read (`once`), QueueLogMalformedError when it
 *   is not a queue_log or a `.gz` is truncated
 */
export async function runLoader(o: LoaderOptions): Promise<LoaderStats> {
  const stats: LoaderStats = {
    lines: 0,
    malformed: 0,
    outOfOrder: 0,
    latin1: 0,
    batches: 0,
    retries: 0,
  };
  const maxBackoff = o.maxBackoffMs ?? 30_000;
  let backoff = 250;
  for (;;) {
    if (o.signal?.aborted) return stats;
    const before = stats.batches;
    try {
      await session(o, stats);
      return stats;
    } catch (e) {
      if (!retryable(e) || o.signal?.aborted) throw e;
      if (stats.batches > before) backoff = 250;
      stats.retries++;
      const why = e instanceof Error ? e.message : String(e);
      o.onNotice?.({
        level: "warn",
        message: `store ${o.store.location} unavailable (${why}); retry ${stats.retries} in ${backoff} ms, reading nothing more until then`,
      });
      await pause(backoff, o.signal);
      backoff = Math.min(backoff * 2, maxBackoff);
    }
  }
}

/**
 * Store trouble (connection refused or reset, server restarting, SQLite busy) is waited out;
 * file problems and programming errors are not, or the loader would spin on them forever.
 */
function retryable(e: unknown): boolean {
  if (e instanceof StoreUnavailableError) return true;
  if (isTandemError(e)) return false;
  return !(
    e instanceof TypeError ||
    e instanceof ReferenceError ||
    e instanceof RangeError ||
    e instanceof SyntaxError
  );
}

interface Checkpoint {
  off: number;
  complete: boolean;
  path: string;
}

/** One connection's worth of loading: state comes from the store, so a retry starts clean. */
async function session(o: LoaderOptions, stats: LoaderStats): Promise<void> {
  const { store, partition } = o;
  const cps = new Map<string, Checkpoint>();
  for (const c of await readCheckpoints(store, partition)) {
    cps.set(c.file_key, { off: c.off, complete: c.complete === 1, path: c.path });
  }
  const deriver = new CallDeriver(partition, await readOpenCalls(store, partition));
  const sessions = new SessionDeriver(partition, await readOpenSessions(store, partition));
  let size = 0;
  let orphansDone = false;
  const ctx: StreamContext = {
    store,
    partition,
    deriver,
    sessions,
    stats,
    batchLines: o.batchLines ?? 5000,
    now: o.now ?? Date.now,
    notice: (n) => o.onNotice?.(n),
    progress: (p) => o.onProgress?.({ ...p, size: Math.max(size, p.off) }),
    committed: new Map([...cps].map(([k, c]) => [k, c.off])),
    lastEventTime: null,
    latin1Named: new Map(),
  };
  const setSize = (s: number) => {
    size = s;
  };

  for (const path of o.rotated ?? []) {
    const loaded = await loadFile(ctx, cps, path, true, undefined, setSize);
    if (loaded === undefined) {
      ctx.notice({ level: "info", message: `${path} has no complete line; nothing to load` });
    }
  }

  // A compressed file never grows (logrotate writes it whole): load it to its end and stop,
  // whether or not following was asked for.
  if (await isGzipFile(o.path)) {
    await loadFile(ctx, cps, o.path, true, undefined, setSize);
    return;
  }

  // The live file is opened first and identified through its handle: identifying the path and
  // opening it again could pair one file's checkpoint with another file's bytes if the file
  // rotated in between (the new file's lines would be stored as the old file's, at the old
  // file's offsets, and the old file's own lines there never).
  let live = await openLive(o);
  if (live === undefined) return;
  for (;;) {
    const { file, fh } = live;
    try {
      if (!orphansDone) {
        await finishOrphans(o, ctx, cps, file, setSize);
        orphansDone = true;
      }
      if (!(await followOne(o, ctx, cps, file, fh, setSize))) return;
    } finally {
      await fh.close();
    }
    live = await openLive(o);
    if (live === undefined) return;
  }
}

/**
 * Opens the file at `path`, identifies it through the handle and loads it from its checkpoint
 * (by content key) to its current end; with `complete`, marks it finished. Returns the file
 * loaded, or `undefined` when it has no complete first line yet or (with `expectKey`) it is not
 * the file wanted (the path was rotated to another file meanwhile); nothing is loaded then.
 */
async function loadFile(
  ctx: StreamContext,
  cps: Map<string, Checkpoint>,
  path: string,
  complete: boolean,
  expectKey?: string,
  setSize?: (n: number) => void,
): Promise<FileRef | undefined> {
  const fh = await openFile(path);
  try {
    const id = await identifyHandle(fh, path);
    if (id === undefined || (expectKey !== undefined && id.key !== expectKey)) return undefined;
    const file: FileRef = { ...id, path };
    const from = cps.get(file.key)?.off ?? 0;
    let off: number;
    if (await isGzipHandle(fh)) {
      const src = gzipSource(path, from, fh);
      try {
        off = await loadStream(ctx, file, src, from, complete);
      } finally {
        src.close();
      }
    } else {
      setSize?.((await fh.stat()).size);
      off = await loadStream(ctx, file, plainSource(fh, from), from, complete);
    }
    cps.set(file.key, { off, complete, path });
    return file;
  } finally {
    await fh.close();
  }
}

/**
 * Follows one open file until it is rotated away (returns true: the path names another file
 * now) or the loader stops (returns false).
 */
async function followOne(
  o: LoaderOptions,
  ctx: StreamContext,
  cps: Map<string, Checkpoint>,
  file: FileRef,
  fh: FileHandle,
  setSize: (n: number) => void,
): Promise<boolean> {
  const poll = o.pollMs ?? 250;
  const heartbeatMs = o.heartbeatMs ?? 2000;
  let off = cps.get(file.key)?.off ?? 0;
  let lastBeat = 0;
  const drain = async (complete: boolean): Promise<void> => {
    setSize((await fh.stat()).size);
    off = await loadStream(ctx, file, plainSource(fh, off), off, complete);
    cps.set(file.key, { off, complete, path: file.path });
  };
  for (;;) {
    await drain(false);
    if (o.once || o.signal?.aborted) return false;
    if (ctx.now() - lastBeat >= heartbeatMs) {
      lastBeat = ctx.now();
      const fst = await fh.stat();
      await writeHeartbeat(ctx.store, {
        partition: ctx.partition,
        host: hostname(),
        pid: process.pid,
        path: file.path,
        off,
        size: fst.size,
        last_event_time: ctx.lastEventTime,
        heartbeat_at: ctx.now(),
        lines: ctx.stats.lines,
        malformed: ctx.stats.malformed,
      });
    }
    if (!(await pause(poll, o.signal))) return false;

    const st = await stat(o.path).catch(() => null);
    if (st !== null && (st.ino !== file.ino || st.dev !== file.dev)) {
      // Renamed away: the writer may still append to the old file until it reopens its log,
      // so read it once more after a grace period, then finish it and move on.
      await drain(false);
      await pause(o.rotationGraceMs ?? 1000, o.signal);
      await drain(true);
      ctx.notice({
        level: "info",
        message: `${o.path} was rotated; finished the old file at offset ${off}`,
      });
      return true;
    }
    const now = await fh.stat();
    const key = headKey(await readHead(fh));
    if (now.size < off || (key !== undefined && key !== file.key)) {
      // copytruncate: the copy (queue_log.1 or similar) has the same first line, so the lines
      // written between our last read and the truncation are taken from it.
      await finishFromCopy(o, ctx, cps, file, off);
      ctx.notice({
        level: "info",
        message: `${o.path} was truncated (copytruncate); reading it from the start`,
      });
      return true;
    }
  }
}

/** Finishes a file that was truncated under us from a rotated copy, then marks it complete. */
async function finishFromCopy(
  o: LoaderOptions,
  ctx: StreamContext,
  cps: Map<string, Checkpoint>,
  file: FileRef,
  off: number,
): Promise<void> {
  const copy = await loadSibling(o, ctx, cps, file.key);
  if (copy === undefined) {
    ctx.notice({
      level: "warn",
      message: `${o.path} was truncated and no rotated copy holds its lines after offset ${off}; those lines (if any) could not be loaded`,
    });
    await commitBatch(ctx.store, {
      partition: ctx.partition,
      file: { key: file.key, path: file.path, dev: file.dev, ino: file.ino },
      events: new EventRows(ctx.store.dialect !== "sqlite", ctx.partition, file.key),
      malformed: [],
      calls: { inserted: new CallRows(ctx.store.dialect !== "sqlite"), updated: [] },
      sessions: [],
      checkpoint: off,
      expected: ctx.committed.get(file.key) ?? null,
      complete: true,
    });
    cps.set(file.key, { off, complete: true, path: file.path });
  }
}

/**
 * After a restart: files of this path the loader had started but not finished were rotated
 * while it was down. Find each by content among the path's siblings and finish it first.
 */
async function finishOrphans(
  o: LoaderOptions,
  ctx: StreamContext,
  cps: Map<string, Checkpoint>,
  cur: FileRef,
  setSize: (n: number) => void,
): Promise<void> {
  for (const [key, cp] of [...cps]) {
    if (cp.complete || key === cur.key || cp.path !== o.path) continue;
    const copy = await loadSibling(o, ctx, cps, key, setSize);
    if (copy === undefined) {
      ctx.notice({
        level: "warn",
        message: `the file loaded from ${cp.path} up to offset ${cp.off} was rotated away and is not among its siblings; load it with --rotated if it is elsewhere`,
      });
    }
  }
}

/**
 * Finds the sibling of the live path whose content key is `key` and loads it to its end, marked
 * complete. A sibling may be rotated on (`.1` → `.2`) between finding and opening it, so the
 * file opened is checked again and the search repeated. Returns the file loaded, if found.
 */
async function loadSibling(
  o: LoaderOptions,
  ctx: StreamContext,
  cps: Map<string, Checkpoint>,
  key: string,
  setSize?: (n: number) => void,
): Promise<FileRef | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const copy = await findByKey(o.path, key);
    if (copy === undefined) return undefined;
    const loaded = await loadFile(ctx, cps, copy.path, true, key, setSize);
    if (loaded !== undefined) return loaded;
  }
  return undefined;
}

/** The sibling of `path` (`path.1`, `path-20240101.gz`…) whose content key is `key`. */
async function findByKey(path: string, key: string): Promise<FileRef | undefined> {
  const dir = dirname(path);
  const base = basename(path);
  const names = (await readdir(dir).catch(() => [] as string[]))
    .filter((n) => n !== base && n.startsWith(base))
    .sort();
  for (const n of names) {
    const p = join(dir, n);
    const id = await identify(p).catch(() => undefined);
    if (id?.key === key) return { ...id, path: p };
  }
  return undefined;
}

/**
 * Opens the live file and identifies it through the handle, so the identity and the bytes read
 * are those of one file. With `once`, a missing file is an error and an empty one means
 * nothing to load; when following, both are waited out.
 */
async function openLive(o: LoaderOptions): Promise<{ file: FileRef; fh: FileHandle } | undefined> {
  for (;;) {
    let fh: FileHandle | undefined;
    try {
      fh = await openFile(o.path);
      const id = await identifyHandle(fh, o.path);
      if (id !== undefined) return { file: { ...id, path: o.path }, fh };
      await fh.close();
      if (o.once) return undefined;
    } catch (e) {
      await fh?.close().catch(() => undefined);
      if (o.once) throw e;
    }
    if (!(await pause(o.pollMs ?? 250, o.signal))) return undefined;
  }
}

/** True when the file at `path` is gzip-compressed; a missing file is left to the caller. */
async function isGzipFile(path: string): Promise<boolean> {
  const fh = await open(path, "r").catch(() => undefined);
  if (fh === undefined) return false;
  try {
    return await isGzipHandle(fh);
  } finally {
    await fh.close();
  }
}

async function openFile(path: string): Promise<FileHandle> {
  try {
    return await open(path, "r");
  } catch (cause) {
    throw readError(path, cause);
  }
}

/** Sleeps; false when aborted. */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return false;
  try {
    await sleep(ms, undefined, signal ? { signal } : undefined);
    return true;
  } catch {
    return false;
  }
}
