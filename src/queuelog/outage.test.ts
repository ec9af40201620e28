/**
 * Store down and back: a TCP proxy in front of PostgreSQL is stopped while the loader follows
 * a growing file, then restarted on the same port; every line must arrive exactly once.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { openStore } from "../store/open.js";
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
  const written: string[] = [];
  const write = (from: number, count: number) => {
    const ls = Array.from(
      { length: count },
      (_, i) => `${T + from + i}|${T}.${from + i}|q|NONE|ENTERQUEUE||${i}|1`,
    );
    appendFileSync(path, ls.map((l) => `${l}\n`).join(""));
    written.push(...ls);
  };
  const check = await openStore(direct);
  const count = async () => (await storedLines(check, "P")).length;
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
    const until = async (n: number) => {
      const end = Date.now() + 15_000;
      while ((await count()) < n && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    };
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
