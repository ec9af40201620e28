import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { Kysely, type KyselyPlugin, Migrator, MysqlDialect, SqliteDialect, sql } from "kysely";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { runLoader } from "../queuelog/loader.js";
import { migrations } from "./migrations.js";
import { createMysqlDatabase, openMysql, openStore } from "./open.js";
import { storedLines, storeTargets } from "./store.test-helpers.js";

const fixture = fileURLToPath(new URL("../reports/fixtures/golden.queue_log", import.meta.url));

let dir = "";
afterEach(() => {
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
});

it("derives the sessions of lines a store held before it had the sessions table", async () => {
  dir = mkdtempSync(join(tmpdir(), "tandem-migrate-"));
  const path = join(dir, "old.sqlite");
  // A store as the first schema left it, with a login, a membership and a pause loaded.
  const old = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(path) }) });
  const first = { "001_queuelog": migrations["001_queuelog"] as (typeof migrations)[string] };
  const { error } = await new Migrator({
    db: old,
    provider: { getMigrations: async () => first },
  }).migrateToLatest();
  expect(error).toBeUndefined();
  const line = (
    off: number,
    time: number,
    queue: string,
    agent: string,
    verb: string,
    d1 = "",
  ) => ({
    partition: "A",
    file_key: "k",
    off,
    time,
    callid: "NONE",
    queue,
    agent,
    verb,
    data1: d1,
    data2: "",
    data3: "",
    data4: "",
    data5: "",
    nf: 1,
  });
  await (old as Kysely<{ qlog_events: ReturnType<typeof line> }>)
    .insertInto("qlog_events")
    .values([
      line(0, 100, "NONE", "Agent/1", "AGENTLOGIN", "SIP/1"),
      line(30, 110, "sales", "Agent/2", "ADDMEMBER", "SIP/2"),
      line(60, 120, "sales", "Agent/2", "PAUSE", "Lunch"),
      line(90, 150, "sales", "Agent/2", "UNPAUSE"),
      line(120, 200, "NONE", "Agent/1", "AGENTLOGOFF", "SIP/1"),
      line(150, 210, "sales", "Agent/2", "ENTERQUEUE", ""),
    ])
    .execute();
  await old.destroy();

  const store = await openStore(path);
  try {
    const rows = await store.db
      .selectFrom("qlog_sessions")
      .select(["agent", "kind", "queue", "reason", "start_time", "end_time", "off"])
      .orderBy("off")
      .execute();
    expect(
      rows.map((r) => ({ ...r, start_time: Number(r.start_time), off: Number(r.off) })),
    ).toEqual([
      {
        agent: "Agent/1",
        kind: "login",
        queue: "",
        reason: "",
        start_time: 100,
        end_time: 200,
        off: 0,
      },
      {
        agent: "Agent/2",
        kind: "member",
        queue: "sales",
        reason: "",
        start_time: 110,
        end_time: null,
        off: 30,
      },
      {
        agent: "Agent/2",
        kind: "pause",
        queue: "",
        reason: "Lunch",
        start_time: 120,
        end_time: 150,
        off: 60,
      },
    ]);
  } finally {
    await store.close();
  }
});

describe("a migration cut short on MariaDB/MySQL", () => {
  const target = storeTargets().find((t) => t.name === "mysql");
  afterAll(async () => {
    await target?.cleanup();
  });

  it("is run again whole on the next open, wherever it stopped", { timeout: 180_000 }, async () => {
    if (target === undefined) throw new Error("no MariaDB target");
    // MySQL commits every DDL statement on its own, so a loader killed while it creates a new
    // store leaves some tables and no record of the migration. Cutting the run before each of
    // its statements in turn (a plugin that fails the Nth query, as a SIGKILL before it would)
    // reaches every state such a kill can leave; each must open and load.
    let completed = false;
    for (let n = 1; !completed; n++) {
      const url = target.fresh();
      await createMysqlDatabase(url);
      let seen = 0;
      const cut: KyselyPlugin = {
        transformQuery: (a) => {
          if (++seen === n) throw new Error(`cut before statement ${n}`);
          return a.node;
        },
        transformResult: async (a) => a.result,
      };
      const db = new Kysely<unknown>({
        dialect: new MysqlDialect({ pool: openMysql(url) }),
        plugins: [cut],
      });
      const { error } = await new Migrator({
        db,
        provider: { getMigrations: async () => migrations },
      }).migrateToLatest();
      await db.destroy();
      completed = error === undefined;
      const store = await openStore(url);
      try {
        const names = await sql<{ name: string }>`select name from kysely_migration order by name`
          .execute(store.db)
          .then((r) => r.rows.map((x) => x.name));
        expect(names, `cut before statement ${n}`).toEqual(Object.keys(migrations).sort());
        const stats = await runLoader({ store, partition: "A", path: fixture, once: true });
        expect(stats.lines, `cut before statement ${n}`).toBe(28);
        expect(await storedLines(store, "A")).toHaveLength(28);
      } finally {
        await store.close();
      }
    }
  });
});
