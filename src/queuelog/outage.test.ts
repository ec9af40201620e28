/**
 * Store down and back: a TCP proxy in front of PostgreSQL is stopped while the loader follows
 * a growing file, then restarted on the same port; and a SQLite store is locked by another
 * process for longer than the loader's busy timeout. Every line must arrive exactly once.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";
import { openStore, type Store } from "../store/open.js";
import { storedLines, storeTargets, TEST_PG_URL } from "../store/store.test-helpers.js";
import { runLoader } from "./loader.js";

const T = 1_700_000_000;
const pgUrl = new URL(TEST_PG_URL);

/** A proxy that can be stopped (dropping every connection) and started again on its port. */
class TcpProxy {
  #server: Server | undefined;
  #sockets = new Set<Socket>();
  port = 0;

  async start(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(Number(pgUrl.port || 5432), pgUrl.hostname);
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on("close", () => this.#sockets.delete(s));
        s.on("error", () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    const addr = server.address();
    if (addr !== null && typeof addr === "object") this.port = addr.port;
    this.#server = server;
  }

  async stop(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) =>
      this.#server ? this.#server.close(() => resolve()) : resolve(),
    );
    this.#server = undefined;
  }
}

/** A queue_log at `path` that grows by numbered ENTERQUEUE lines; `written` holds every one. */
function growingLog(path: string) {
  const written: string[] = [];
  const write = (from: number, count: number) => {
    const ls = Array.from(
      { length: count },
      (_, i) => `${T + from + i}|${T}.${from + i}|q|NONE|ENTERQUEUE||${i}|1`,
    );
    appendFileSync(path, ls.map((l) => `${l}\n`).join(""));
    written.push(...ls);
  };
  return { write, written };
}

/** Waits (at most 15 s) until `store` holds at least `n` lines of `partition`. */
async function untilStored(store: Store, partition: string, n: number): Promise<void> {
  const end = Date.now() + 15_000;
  while ((await storedLines(store, partition)).length < n && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

const targets = storeTargets();
const pg = targets.find((t) => t.name === "postgres");
afterAll(async () => {
  for (const t of targets) await t.cleanup();
});

it("keeps loading after PostgreSQL goes away and comes back, nothing lost or doubled", {
  timeout: 30_000,
}, async () => {
  if (pg === undefined) throw new Error("no postgres target");
  const direct = pg.fresh();
  const proxy = new TcpProxy();
  await proxy.start();
  const viaProxy = new URL(direct);
  viaProxy.port = String(proxy.port);
  const dir = mkdtempSync(join(tmpdir(), "tandem-outage-"));
  const path = join(dir, "queue_log");
  const { write, written } = growingLog(path);
  const check = await openStore(direct);
  const count = async () => (await storedLines(check, "P")).length;
  const until = (n: number) => untilStored(check, "P", n);
  const notices: string[] = [];
  const ac = new AbortController();
  const store = await openStore(viaProxy.toString());
  try {
    writeFileSync(path, "");
    write(0, 500);
    const done = runLoader({
      store,
      partition: "P",
      path,
      pollMs: 20,
      batchLines: 100,
      maxBackoffMs: 400,
      signal: ac.signal,
      onNotice: (n) => notices.push(n.message),
    });
    await until(500);
    await proxy.stop();
    write(500, 700);
    await new Promise((r) => setTimeout(r, 1200));
    expect(await count()).toBe(500);
    await proxy.start();
    write(1200, 300);
    await until(1500);
    ac.abort();
    const stats = await done;
    expect(stats.retries).toBeGreaterThan(0);
    expect(
      notices.some((m) => m.includes("unavailable") && m.includes("reading nothing more")),
    ).toBe(true);
    const stored = await storedLines(check, "P");
    expect([...stored].sort()).toEqual([...written].sort());
  } finally {
    ac.abort();
    await store.close();
    await check.close();
    await proxy.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Another process holding the SQLite store's write lock: `BEGIN EXCLUSIVE` on its own
 * connection (as a second loader, a backup tool or a hand-run `sqlite3` would), kept until
 * `release` is called.
 */
async function lockSqlite(
  path: string,
): Promise<{ child: ChildProcess; release(): Promise<void> }> {
  const script = `
    import Database from "better-sqlite3";
    const db = new Database(${JSON.stringify(path)});
    db.exec("begin exclusive");
    db.prepare("update qlog_files set updated_at = updated_at").run();
    process.stdout.write("locked\\n");
    process.stdin.once("data", () => { db.exec("commit"); db.close(); process.exit(0); });`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
    cwd: fileURLToPath(new URL("../..", import.meta.url)),
    stdio: ["pipe", "pipe", "inherit"],
  });
  const [first] = (await once(child.stdout ?? child, "data")) as [Buffer];
  if (!first.toString().includes("locked")) throw new Error(`lock holder said ${first}`);
  return {
    child,
    async release() {
      const gone = once(child, "exit");
      child.stdin?.write("release\n");
      await gone;
    },
  };
}

it("waits out a SQLite store locked by another process, nothing lost or doubled", {
  timeout: 30_000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), "tandem-busy-"));
  const location = join(dir, "store.sqlite");
  const path = join(dir, "queue_log");
  const { write, written } = growingLog(path);
  const notices: string[] = [];
  const ac = new AbortController();
  // A short busy timeout, so the lock outlasts it and the loader's own retry takes over.
  const store = await openStore(location, { busyTimeoutMs: 50 });
  const check = await openStore(location);
  const count = async () => (await storedLines(check, "S")).length;
  const until = (n: number) => untilStored(check, "S", n);
  let lock: Awaited<ReturnType<typeof lockSqlite>> | undefined;
  try {
    writeFileSync(path, "");
    write(0, 500);
    const done = runLoader({
      store,
      partition: "S",
      path,
      pollMs: 20,
      heartbeatMs: 50,
      batchLines: 100,
      maxBackoffMs: 400,
      signal: ac.signal,
      onNotice: (n) => notices.push(n.message),
    });
    await until(500);
    lock = await lockSqlite(location);
    write(500, 700);
    await new Promise((r) => setTimeout(r, 1500));
    // Readers still read under the lock (WAL), and nothing of the new lines got in.
    expect(await count()).toBe(500);
    expect(notices.some((m) => m.includes("unavailable") && m.includes("locked"))).toBe(true);
    await lock.release();
    lock = undefined;
    write(1200, 300);
    await until(1500);
    ac.abort();
    const stats = await done;
    expect(stats.retries).toBeGreaterThan(0);
    const stored = await storedLines(check, "S");
    expect(stored).toHaveLength(written.length);
    expect([...stored].sort()).toEqual([...written].sort());
  } finally {
    ac.abort();
    if (lock !== undefined) await lock.release();
    await store.close();
    await check.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
