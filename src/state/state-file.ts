/**
 * The node's persisted state, `<stateDir>/node-state.json`: term, mode and fencing flags that
 * must survive a restart, so a fenced node comes back fenced.
 */
import { mkdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { osReason } from "../config/os-reason.js";
import type { PersistedRecord } from "../engine/types.js";
import { StateCorruptError, StateUnavailableError } from "../errors.js";
import { removeStaleTemps, syncDirectory, writeFileAtomic } from "./atomic-write.js";
import { type Decoded, decodeState, encodeState } from "./format.js";

/** The file name inside the state directory. */
const STATE_FILE_NAME = "node-state.json";

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Reads and atomically replaces `<stateDir>/node-state.json`.
 *
 * `load` never guesses: an absent file is `null` (a first start), anything unreadable or
 * invalid is an error, because treating a damaged file as absent would bring a fenced node back
 * unfenced. `save` writes through a temporary file, fsync and rename, so a crash at any moment
 * leaves the previous or the new record. Saves are serialized; saves that arrive while one is
 * being written are merged into one write of the newest record, and all of them settle when it
 * is on disk. One `StateFile` per directory and process: it removes temporary files it finds
 * there as leftovers of a crash.
 *
 * @example
 * ```ts
 * const file = new StateFile("/var/lib/tandem");
 * let state = initialState(options, await file.load());
 * for (const e of effects) if (e.type === "persist") await file.save(e.record);
 * ```
 */
export class StateFile {
  /** The state file's path. */
  readonly path: string;
  private pending: { text: string; waiters: Waiter[] } | null = null;
  private draining = false;
  private cleaned = false;

  /** `stateDir` is created (mode 0700) by the first save if it does not exist. */
  constructor(readonly stateDir: string) {
    this.path = join(stateDir, STATE_FILE_NAME);
  }

  /**
   * The saved record, or `null` when none was ever saved.
   *
   * @throws StateCorruptError when the file is empty, not JSON, not a state or from a newer format.
   * @throws StateUnavailableError when the file cannot be read.
   */
  async load(): Promise<PersistedRecord | null> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw new StateUnavailableError(`Cannot read node state "${this.path}": ${osReason(err)}`, {
        cause: err,
        details: { path: this.path },
      });
    }
    const decoded = parse(text);
    if (decoded.ok) return decoded.record;
    throw new StateCorruptError(
      `Node state file "${this.path}" is corrupt: ${decoded.problem}. Refusing to guess whether this node was fenced: check the peer, then fix or remove the file.`,
      { details: { path: this.path, problem: decoded.problem } },
    );
  }

  /**
   * Stores `record` durably; resolves once it (or a newer record saved meanwhile) is on disk.
   * The file also gets the format version and the wall-clock time of this call.
   *
   * @throws StateUnavailableError when the directory cannot be created or written.
   * @throws StateCorruptError when `record` itself is not valid (e.g. a `NaN` term); nothing is written.
   */
  save(record: PersistedRecord): Promise<void> {
    const encoded = encodeState(record, new Date());
    if (!encoded.ok) {
      return Promise.reject(
        new StateCorruptError(
          `Refusing to save an invalid node state to "${this.path}": ${encoded.problem}`,
          { details: { path: this.path, problem: encoded.problem } },
        ),
      );
    }
    return new Promise((resolve, reject) => {
      this.pending ??= { text: "", waiters: [] };
      this.pending.text = encoded.text;
      this.pending.waiters.push({ resolve, reject });
      if (!this.draining) this.drain().catch(reject);
    });
  }

  /** Writes the pending record until none is left; one write at a time, never interleaved. */
  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.pending !== null) {
        const batch = this.pending;
        this.pending = null;
        try {
          await this.write(batch.text);
          for (const w of batch.waiters) w.resolve();
        } catch (err) {
          for (const w of batch.waiters) w.reject(err);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  private async write(text: string): Promise<void> {
    try {
      const created = await mkdir(this.stateDir, { recursive: true, mode: 0o700 });
      if (created !== undefined) await syncNewDirectories(this.stateDir, created);
      if (!this.cleaned) {
        await removeStaleTemps(this.path);
        this.cleaned = true;
      }
      await writeFileAtomic(this.path, text);
    } catch (err) {
      throw new StateUnavailableError(
        `Cannot save node state in "${this.stateDir}": ${whatFailed(err)}: ${osReason(err)}`,
        { cause: err, details: { path: this.path } },
      );
    }
  }
}

function parse(text: string): Decoded {
  // A crash cannot leave an empty file behind the rename; a file system that lost data can.
  if (text.trim() === "") return { ok: false, problem: "the file is empty" };
  try {
    return decodeState(JSON.parse(text));
  } catch (err) {
    return { ok: false, problem: `not valid JSON (${(err as Error).message})` };
  }
}

/** Syncs the parent of every directory `mkdir` created, from `dir` up to `topmost`. */
async function syncNewDirectories(dir: string, topmost: string): Promise<void> {
  for (let d = dir; ; d = dirname(d)) {
    await syncDirectory(dirname(d));
    if (d === topmost || dirname(d) === d) return;
  }
}

const NOT_WRITABLE = new Set(["EACCES", "EPERM", "EROFS"]);

/** The step that failed, in the operator's terms. */
function whatFailed(err: unknown): string {
  const { syscall, path, code } = err as NodeJS.ErrnoException;
  if (syscall === "mkdir") {
    return code === "EEXIST" || code === "ENOTDIR"
      ? `"${path}" is not a directory`
      : `cannot create directory "${path}"`;
  }
  if (code !== undefined && NOT_WRITABLE.has(code)) return "the directory is not writable";
  return `${syscall ?? "write"} failed`;
}
