/**
 * The failover log: every decision the engine explains (transitions, refusals, operator
 * commands, fencing, clock skew) as one JSON line in `stateDir/failover.log`, kept across
 * restarts so `tandem log` can tell what happened before the last crash.
 */
import { appendFile, mkdir, readFile, rename, stat } from "node:fs/promises";
import { join } from "node:path";

/**
 * One entry of the failover log.
 *
 * @example
 * ```ts
 * const e: FailoverLogEntry = { time: "2026-11-22T10:00:00.000Z", node: "b", level: "warn",
 *   event: "takeover", message: 'STANDBY → ACTIVE: peer "a" unreachable 3/3 (connection refused)',
 *   mode: "ACTIVE", term: 4, cause: { peer: "a" } };
 * ```
 */
export interface FailoverLogEntry {
  time: string;
  node: string;
  level: "info" | "warn" | "error";
  event: string;
  message: string;
  /** The node's mode and term after the step that logged this. */
  mode: string;
  term: number;
  cause: object;
}

/** Options of {@link FailoverLog}. */
export interface FailoverLogOptions {
  /** Directory of the log file (the node's state directory). */
  dir: string;
  /** Size after which the file is renamed to `failover.log.1`. @default 1 MiB */
  maxBytes?: number;
  /** Called when a write fails (the disk is full, the directory vanished). */
  onError?: (err: Error) => void;
}

/**
 * Appends entries in order (one write at a time) and reads the latest back.
 *
 * @example
 * ```ts
 * const log = new FailoverLog({ dir: "/var/lib/tandem" });
 * log.append(entry);
 * const last20 = await log.read(20);
 * ```
 */
export class FailoverLog {
  readonly path: string;
  readonly #dir: string;
  readonly #maxBytes: number;
  readonly #onError: (err: Error) => void;
  #queue: Promise<void> = Promise.resolve();
  #size: number | null = null;

  constructor(options: FailoverLogOptions) {
    this.#dir = options.dir;
    this.path = join(options.dir, "failover.log");
    this.#maxBytes = options.maxBytes ?? 1024 * 1024;
    this.#onError = options.onError ?? (() => {});
  }

  /** Queues one entry; writes never overlap and keep their order. */
  append(entry: FailoverLogEntry): void {
    const line = `${JSON.stringify(entry)}\n`;
    this.#queue = this.#queue
      .then(() => this.#write(line))
      .catch((err: unknown) => {
        this.#onError(err as Error);
      });
  }

  /** Resolves once every entry appended so far is on disk (or failed). */
  flushed(): Promise<void> {
    return this.#queue;
  }

  /** The latest `limit` entries, oldest first, from the current and the rotated file. */
  async read(limit = 100): Promise<FailoverLogEntry[]> {
    await this.#queue;
    const entries: FailoverLogEntry[] = [];
    for (const path of [`${this.path}.1`, this.path]) {
      let text: string;
      try {
        text = await readFile(path, "utf8");
      } catch {
        continue;
      }
      for (const line of text.split("\n")) {
        if (!line) continue;
        try {
          entries.push(JSON.parse(line) as FailoverLogEntry);
        } catch {
          // A line cut short by a crash or a full disk: the rest of the log still reads.
        }
      }
    }
    return entries.slice(-limit);
  }

  async #write(line: string): Promise<void> {
    if (this.#size === null) {
      // A first start logs before the state file is saved: the directory may not exist yet.
      await mkdir(this.#dir, { recursive: true, mode: 0o700 });
      this.#size = await stat(this.path).then(
        (s) => s.size,
        () => 0,
      );
    }
    if (this.#size > 0 && this.#size + line.length > this.#maxBytes) {
      await rename(this.path, `${this.path}.1`);
      this.#size = 0;
    }
    await appendFile(this.path, line);
    this.#size += Buffer.byteLength(line);
  }
}
