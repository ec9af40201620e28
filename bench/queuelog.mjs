// queue_log benchmark: parse speed against `wc -l`, load rate into PostgreSQL, and the time of
// the daily per-queue report over a store of ~10 million events.
//
//   npm run bench:queuelog
//   QLOG_BENCH_LINES=2000000 TANDEM_BENCH_PG=postgres://root@127.0.0.1:5432/test npm run bench:queuelog
//
// Build first (the npm script does): it imports the compiled modules from dist/.
import { execFileSync } from "node:child_process";
import { once } from "node:events";
import {
  closeSync,
  createWriteStream,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import {
  generateQueueLog,
  isMalformed,
  LineSplitter,
  parseLine,
  runLoader,
} from "../dist/queuelog/index.js";
import { openScope, queuesReport } from "../dist/reports/index.js";
import { openStore } from "../dist/store/index.js";

const LINES = Number(process.env.QLOG_BENCH_LINES ?? 10_000_000);
const PG = process.env.TANDEM_BENCH_PG ?? "postgres://root@127.0.0.1:5432/test";
const DAYS = 10;
// The generator writes about 3.15 lines per call.
const CALLS_PER_DAY = Math.round(LINES / 3.15 / DAYS);

const dir = mkdtempSync(join(tmpdir(), "tandem-bench-"));
const file = join(dir, "queue_log");
const schema = `bench_${process.pid}`;
const fmt = (n) => Math.round(n).toLocaleString("en-US");

try {
  // 1. Generate.
  let t = performance.now();
  const out = createWriteStream(file);
  for (const chunk of generateQueueLog({
    seed: 42,
    days: DAYS,
    callsPerDay: CALLS_PER_DAY,
    agents: 120,
  })) {
    if (!out.write(chunk)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  const bytes = statSync(file).size;
  const lines = Number(execFileSync("wc", ["-l", file]).toString().trim().split(/\s+/)[0]);
  console.log(
    `generated ${fmt(lines)} lines (${(bytes / 1e6).toFixed(0)} MB, ${DAYS} days, seed 42) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );

  // 2. Parse speed against wc -l (best of 3 each, file in the page cache).
  const best = (f) => Math.min(...[0, 1, 2].map(() => f()));
  const wc = best(() => {
    const s = performance.now();
    execFileSync("wc", ["-l", file]);
    return performance.now() - s;
  });
  const parse = best(() => {
    const s = performance.now();
    const fd = openSync(file, "r");
    const buf = Buffer.allocUnsafe(1 << 20);
    const splitter = new LineSplitter(0);
    let n = 0;
    let bad = 0;
    for (;;) {
      const got = readSync(fd, buf, 0, buf.length, null);
      if (got === 0) break;
      for (const l of splitter.push(buf.subarray(0, got))) {
        if (l.text === undefined || isMalformed(parseLine(l.text))) bad++;
        else n++;
      }
    }
    closeSync(fd);
    if (n !== lines || bad !== 0)
      throw new Error(`parsed ${n} lines, ${bad} bad, expected ${lines}`);
    return performance.now() - s;
  });
  console.log(
    `parse: ${(parse / 1000).toFixed(2)} s (${fmt(lines / (parse / 1000))} lines/s); wc -l: ${(wc / 1000).toFixed(2)} s; ratio ${(wc / parse).toFixed(2)} (target >= 0.25)`,
  );

  // 3. Load into PostgreSQL (own schema, dropped at the end).
  const url = new URL(PG);
  url.searchParams.set("schema", schema);
  const store = await openStore(url.toString());
  t = performance.now();
  const stats = await runLoader({
    store,
    partition: "A",
    path: file,
    once: true,
    batchLines: 20_000,
  });
  const loadS = (performance.now() - t) / 1000;
  console.log(
    `load into PostgreSQL: ${fmt(stats.lines)} lines in ${loadS.toFixed(1)} s = ${fmt(stats.lines / loadS)} lines/s (target >= 100,000)`,
  );
  const calls = await store.db
    .selectFrom("qlog_calls")
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirst();
  await store.close();
  // Fresh statistics, as autovacuum would have after a real load.
  const admin = new pg.Client({ connectionString: PG });
  await admin.connect();
  await admin.query(`analyze "${schema}".qlog_calls`);

  // 4. The daily per-queue report (day 5 of 10), and the same over all 10 days.
  const day = 1_700_006_400 + 4 * 86_400;
  for (const [label, from, to] of [
    ["daily per-queue report (1 day)", day, day + 86_400],
    ["per-queue report over all days", 0, undefined],
  ]) {
    const times = [];
    let rows = [];
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      const scope = await openScope("sql:A", url.toString(), { from, ...(to ? { to } : {}) });
      rows = await queuesReport(scope);
      await scope.close();
      times.push(performance.now() - s);
    }
    const offered = rows.reduce((a, r) => a + r.offered, 0);
    times.sort((a, b) => a - b);
    console.log(
      `${label}: ${fmt(offered)} calls of ${fmt(Number(calls?.n))} (store of ${fmt(stats.lines)} events): worst ${Math.round(times[times.length - 1] ?? 0)} ms, median ${Math.round(times[2])} ms, incl. opening the store (target <= 1000 ms)`,
    );
  }
  await admin.query(`drop schema "${schema}" cascade`);
  await admin.end();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
