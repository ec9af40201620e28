// queue_log benchmark: parse speed against `wc -l`, load rate into PostgreSQL, the time of the
// daily per-queue report over a store of at least 10 million events, and the load rate into
// each store (SQLite, PostgreSQL, MariaDB) as a ratio to that store's own bulk-load floor on
// the same rows, measured in the same run.
//
//   npm run bench:queuelog
//   QLOG_BENCH_LINES=2000000 TANDEM_BENCH_PG=postgres://root@127.0.0.1:5432/test \
//     TANDEM_BENCH_MYSQL=mysql://root@127.0.0.1:3306/test npm run bench:queuelog
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
import mysql from "mysql2/promise";
import pg from "pg";
import {
  generateQueueLog,
  hasControl,
  isMalformed,
  LineSplitter,
  parseRange,
  runLoader,
} from "../dist/queuelog/index.js";
import { openScope, queuesReport } from "../dist/reports/index.js";
import { CALL_COLS, EVENT_COLS } from "../dist/store/bulk.js";
import { copyField, copyFrom, copyNullable } from "../dist/store/copy.js";
import { openStore } from "../dist/store/index.js";

const LINES = Number(process.env.QLOG_BENCH_LINES ?? 10_000_000);
const PG = process.env.TANDEM_BENCH_PG ?? "postgres://root@127.0.0.1:5432/test";
const MYSQL = process.env.TANDEM_BENCH_MYSQL ?? "mysql://root@127.0.0.1:3306/test";
const DAYS = 10;
const AGENTS = 120;
// What the generator writes (src/queuelog/generate.ts): per call an ENTERQUEUE, then for the
// 78 % answered a CONNECT, an end line and in 20 % of them a RINGNOANSWER, else one end line:
// 1 + 0.78 × 2.2 + 0.22 = 2.936 lines; per day a QUEUESTART and per agent a login, on average
// two ADDMEMBERs, a pause, an unpause and a logoff. Calls arrive at random, so aim 0.5 % high
// to be sure of at least LINES (checked below).
const CALLS_PER_DAY = Math.ceil(((LINES / DAYS - (1 + 6 * AGENTS)) / 2.936) * 1.005);

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
    agents: AGENTS,
  })) {
    if (!out.write(chunk)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  const bytes = statSync(file).size;
  const lines = Number(execFileSync("wc", ["-l", file]).toString().trim().split(/\s+/)[0]);
  if (lines < LINES) throw new Error(`generated ${lines} lines, fewer than the ${LINES} asked`);
  console.log(
    `generated ${fmt(lines)} lines (${(bytes / 1e6).toFixed(0)} MB, ${DAYS} days, seed 42) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );

  // 2. Parse speed against wc -l (best of 3 each, file in the page cache). "Parse" is what the
  // loader does to every line: cut the chunk into lines and parse each into an event with all
  // its fields decoded as strings (time, callid, queue, agent, verb, data fields).
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
      const b = splitter.cut(buf.subarray(0, got));
      // As the loader does: one look for control characters per chunk, then each line.
      const clean = !hasControl(b.text);
      for (let i = 0; i < b.count; i++) {
        if (b.bad?.has(i) || isMalformed(parseRange(b.text, b.from[i], b.to[i], undefined, clean)))
          bad++;
        else n++;
      }
    }
    closeSync(fd);
    if (n !== lines || bad !== 0)
      throw new Error(`parsed ${n} lines, ${bad} bad, expected ${lines}`);
    return performance.now() - s;
  });
  console.log(
    `parse: ${(parse / 1000).toFixed(2)} s (${fmt(lines / (parse / 1000))} lines/s); wc -l: ${(wc / 1000).toFixed(2)} s; ratio ${(wc / parse).toFixed(3)} (target >= 0.25)`,
  );

  // 3. Load into PostgreSQL (own schema, dropped at the end), with the CLI's default batch size.
  const url = new URL(PG);
  url.searchParams.set("schema", schema);
  const store = await openStore(url.toString());
  t = performance.now();
  const stats = await runLoader({
    store,
    partition: "A",
    path: file,
    once: true,
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
  // Statistics and visibility map, as autovacuum (insert-triggered since PostgreSQL 13) leaves
  // them after a real load.
  const admin = new pg.Client({ connectionString: PG });
  await admin.connect();
  await admin.query(`vacuum analyze "${schema}".qlog_calls`);

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
      `${label}: ${fmt(offered)} calls of ${fmt(Number(calls?.n))} (store of ${fmt(stats.lines)} events): worst ${Math.round(times[times.length - 1] ?? 0)} ms, median ${Math.round(times[2])} ms, incl. opening the store${to ? " (target <= 1000 ms)" : ""}`,
    );
  }
  await admin.query(`drop schema "${schema}" cascade`);
  await admin.end();

  // 5. Each store against its own floor: the same rows (every line and every call the loader
  // stores) bulk-loaded the store's fastest way into the same tables and indexes, from rows
  // ready in memory — PostgreSQL COPY FROM, MariaDB LOAD DATA LOCAL INFILE, SQLite one
  // transaction of prepared inserts — against Tandem's end-to-end load of the file.
  const ready = await readyRows(file);
  const table = [];
  for (const kind of ["sqlite", "postgres", "mysql"]) {
    const target = storeLocation(kind, "tandem");
    const s1 = await openStore(target.url);
    t = performance.now();
    const st = await runLoader({ store: s1, partition: "A", path: file, once: true });
    const tandemS = (performance.now() - t) / 1000;
    await s1.close();
    const floorTarget = storeLocation(kind, "floor");
    const s2 = await openStore(floorTarget.url);
    // SQLite's floor inserts row objects: made only now, so that no load but this one runs
    // with them on the heap (the loader would otherwise pay for tracing them in every
    // collection, which its own process never has to).
    const rows = kind === "sqlite" ? await ready.objects() : ready;
    t = performance.now();
    await floorLoad(kind, s2, rows);
    const floorS = (performance.now() - t) / 1000;
    await s2.close();
    await target.drop();
    await floorTarget.drop();
    const floorRate = st.lines / floorS;
    const tandemRate = st.lines / tandemS;
    table.push({ kind, floorRate, tandemRate });
    console.log(
      `${kind}: floor ${fmt(floorRate)} lines/s (${floorS.toFixed(1)} s), Tandem ${fmt(tandemRate)} lines/s (${tandemS.toFixed(1)} s), ratio ${(tandemRate / floorRate).toFixed(2)} (target >= 0.5)`,
    );
  }
  await ready.close();
  console.log("\n| store | floor lines/s | Tandem lines/s | ratio |\n|---|---|---|---|");
  for (const r of table) {
    console.log(
      `| ${r.kind} | ${fmt(r.floorRate)} | ${fmt(r.tandemRate)} | ${(r.tandemRate / r.floorRate).toFixed(2)} |`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * The rows the loader stores for `path` (lines and calls), from a private in-memory SQLite
 * load: as COPY text chunks (what COPY and LOAD DATA read), and on demand as row objects
 * (SQLite's floor), read back from that store.
 */
async function readyRows(path) {
  const store = await openStore(":memory:");
  await runLoader({ store, partition: "A", path, once: true });
  const objects = async () => ({
    events: await store.db.selectFrom("qlog_events").selectAll().execute(),
    calls: await store.db.selectFrom("qlog_calls").selectAll().execute(),
  });
  const { events, calls } = await objects();
  const text = (list, cols, field) => {
    const chunks = [];
    for (let i = 0; i < list.length; i += 100_000) {
      let t = "";
      for (const r of list.slice(i, i + 100_000))
        t += `${cols.map((c) => field(r[c])).join("\t")}\n`;
      chunks.push(Buffer.from(t, "utf8"));
    }
    return chunks;
  };
  const f = (v) => (typeof v === "number" ? String(v) : copyField(v));
  return {
    eventText: text(events, EVENT_COLS, f),
    callText: text(calls, CALL_COLS, copyNullable),
    objects,
    close: () => store.close(),
  };
}

/** A fresh location for `kind`, and how to remove it. */
function storeLocation(kind, name) {
  const id = `bench_${process.pid}_${name}`;
  if (kind === "sqlite") {
    const path = join(dir, `${id}.sqlite`);
    return { url: path, drop: async () => rmSync(path, { force: true }) };
  }
  if (kind === "postgres") {
    const u = new URL(PG);
    u.searchParams.set("schema", id);
    return {
      url: u.toString(),
      drop: async () => {
        const c = new pg.Client({ connectionString: PG });
        await c.connect();
        await c.query(`drop schema "${id}" cascade`);
        await c.end();
      },
    };
  }
  const u = new URL(MYSQL);
  u.pathname = `/${id}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = await mysql.createConnection({
        host: u.hostname,
        port: Number(u.port || 3306),
        user: u.username || "root",
      });
      await c.query(`drop database \`${id}\``);
      await c.end();
    },
  };
}

/** The store's own fastest load of ready rows, in one transaction. */
async function floorLoad(kind, store, rows) {
  if (kind === "sqlite") {
    const db = store.sqlite;
    const ins = (table, cols) =>
      db.prepare(
        `insert into ${table} (${cols.join(", ")}) values (${cols.map((c) => `@${c}`).join(", ")})`,
      );
    const ev = ins("qlog_events", EVENT_COLS);
    const cl = ins("qlog_calls", CALL_COLS);
    db.transaction(() => {
      for (const r of rows.events) ev.run(r);
      for (const r of rows.calls) cl.run(r);
    })();
    return;
  }
  if (kind === "postgres") {
    const client = await store.pg.connect();
    await client.query("begin");
    for (const b of rows.eventText) await copyFrom(client, "qlog_events", EVENT_COLS, b);
    for (const b of rows.callText) await copyFrom(client, "qlog_calls", CALL_COLS, b);
    await client.query("commit");
    client.release();
    return;
  }
  const conn = await new Promise((res, rej) =>
    store.mysql.getConnection((e, c) => (e ? rej(e) : res(c))),
  );
  const q = (sql, extra = {}) =>
    new Promise((res, rej) => conn.query({ sql, ...extra }, (e, r) => (e ? rej(e) : res(r))));
  const { Readable } = await import("node:stream");
  await q("begin");
  const load = (table, cols, chunks) =>
    q(
      `load data local infile 'rows' into table ${table} character set utf8mb4 (${cols.map((c) => `\`${c}\``).join(", ")})`,
      { infileStreamFactory: () => Readable.from(chunks) },
    );
  await load("qlog_events", EVENT_COLS, rows.eventText);
  await load("qlog_calls", CALL_COLS, rows.callText);
  await q("commit");
  conn.release();
}
