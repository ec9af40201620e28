/**
 * `tandem qload`: ships one server's queue_log into the report store, one partition per
 * server, and keeps following it.
 */
import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import { type LoaderStats, runLoader } from "../../queuelog/index.js";
import { openStore } from "../../store/index.js";

/** Options of `tandem qload` as commander parses them. */
interface QloadOptions {
  partition: string;
  file: string;
  store?: string;
  once?: boolean;
  rotated?: string[];
  json?: boolean;
  batchLines?: string;
}

const PARTITION_RE = /^[A-Za-z0-9_.:@]([A-Za-z0-9_.:@-]*[A-Za-z0-9_.:@])?$/;

/**
 * Registers `tandem qload`.
 *
 * @example
 * ```sh
 * tandem qload --partition A --file /var/log/asterisk/queue_log --store postgres://tandem@db/reports
 * tandem qload --partition A --file /var/log/asterisk/queue_log --rotated queue_log.2.gz queue_log.1 --once
 * ```
 */
export function registerQload(program: Command): void {
  program
    .command("qload")
    .description(
      "Load an Asterisk queue_log into the report store and keep following it through rotation, restarts and store outages",
    )
    .requiredOption("--partition <name>", "partition (server name) the lines go to, e.g. A")
    .requiredOption("--file <path>", "the queue_log to load, e.g. /var/log/asterisk/queue_log")
    .option(
      "--store <url|path>",
      "postgres://… or mysql://user@host:port/db URL, or SQLite file (default: $TANDEM_STORE or ./var/tandem-queuelog.sqlite)",
    )
    .option("--once", "load what the file holds now and exit instead of following it")
    .option(
      "--rotated <files...>",
      "rotated files to load first, oldest first (queue_log.2.gz queue_log.1); already loaded lines are skipped",
    )
    .option("--batch-lines <n>", "lines per transaction", "5000")
    .option("--json", "print the final counters as JSON (with --once)")
    .addHelpText(
      "after",
      `
Each batch of lines commits in one transaction with the file's checkpoint (content key and
byte offset): after a crash or a kill, the next run resumes after the last committed line,
so no line is lost or loaded twice. Rename rotation and copytruncate are followed; while the
store is unreachable the loader retries with backoff and reads nothing more from the file.
Lines that are not queue_log lines are kept aside with file, offset and reason.

Exit codes: 0 done (or stopped by SIGTERM/SIGINT), 1 the file or the store failed, 2 usage.`,
    )
    .action(async (o: QloadOptions) => {
      await qload(o);
    });
}

async function qload(o: QloadOptions): Promise<void> {
  if (!PARTITION_RE.test(o.partition)) {
    throw new UsageError(
      `--partition "${o.partition}" is not valid: use letters, digits and _ . : @ - (not ending in -, which sources use for "calls only")`,
    );
  }
  const batchLines = Number(o.batchLines ?? "5000");
  if (!Number.isInteger(batchLines) || batchLines < 1 || batchLines > 100_000) {
    throw new UsageError(`--batch-lines "${o.batchLines}" is not an integer from 1 to 100000`);
  }
  const store = await openStore(o.store);
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  const bar = process.stderr.isTTY ? new ProgressBar() : undefined;
  try {
    const stats: LoaderStats = await runLoader({
      store,
      partition: o.partition,
      path: o.file,
      once: o.once === true,
      rotated: o.rotated ?? [],
      batchLines,
      signal: ac.signal,
      onNotice: (n) => {
        bar?.clear();
        process.stderr.write(
          `tandem qload: ${n.level === "warn" ? "warning: " : ""}${n.message}\n`,
        );
      },
      onProgress: (p) => bar?.update(p.path, p.off, p.size),
    });
    bar?.clear();
    if (o.json === true) {
      process.stdout.write(
        `${JSON.stringify({ partition: o.partition, store: store.location, ...stats })}\n`,
      );
    } else {
      process.stderr.write(
        `tandem qload: ${stats.lines} lines loaded into partition "${o.partition}" of ${store.location}` +
          `, ${stats.malformed} malformed line(s) kept aside, ${stats.outOfOrder} out of time order` +
          `${stats.latin1 > 0 ? `, ${stats.latin1} not UTF-8 (decoded as Latin-1)` : ""}\n`,
      );
    }
  } finally {
    bar?.clear();
    process.off("SIGTERM", stop);
    process.off("SIGINT", stop);
    await store.close();
  }
}

/** A one-line progress bar on stderr for the initial load; it stops once the load is live. */
class ProgressBar {
  #done = false;
  #shown = false;

  update(path: string, off: number, size: number): void {
    if (this.#done || size <= 0) return;
    if (off >= size) {
      // Caught up: from here on the loader follows the file and a bar would only flicker.
      this.clear();
      this.#done = true;
      return;
    }
    const pct = Math.min(100, Math.floor((100 * off) / size));
    const width = 30;
    const filled = Math.round((width * pct) / 100);
    const mb = (n: number) => (n / 1_048_576).toFixed(1);
    process.stderr.write(
      `\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${pct}% ${mb(off)}/${mb(size)} MB ${path}`,
    );
    this.#shown = true;
  }

  clear(): void {
    if (this.#shown) process.stderr.write("\r\x1b[K");
    this.#shown = false;
  }
}
