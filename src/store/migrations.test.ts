import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect } from "kysely";
import { afterEach, expect, it } from "vitest";
import { migrations } from "./migrations.js";
import { openStore } from "./open.js";

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
