import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { openStore } from "./open.js";
import { storeTargets } from "./store.test-helpers.js";

const targets = storeTargets();
afterAll(async () => {
  for (const t of targets) await t.cleanup();
});

it("refuses a URL of a database it does not know instead of making a file named after it", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tandem-loc-"));
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    await expect(openStore("mongodb://root@127.0.0.1:27017/db")).rejects.toMatchObject({
      code: "TANDEM_ERR_USAGE",
      message: expect.stringMatching(/scheme "mongodb:", which Tandem does not know/),
    });
    expect(existsSync(join(dir, "mongodb:"))).toBe(false);
  } finally {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  }
});

it("opens a mysql:// URL on MariaDB, creating the database, and compares text byte for byte", async () => {
  const mysql = targets.find((t) => t.name === "mysql");
  if (mysql === undefined) throw new Error("no mysql target");
  const store = await openStore(mysql.fresh());
  try {
    expect(store.dialect).toBe("mysql");
    const row = (agent: string, off: number) => ({
      partition: "A",
      file_key: "k",
      off,
      agent,
      kind: "login" as const,
      queue: "",
      reason: "",
      start_time: 1,
      end_time: null,
    });
    // The server's default collation would call these one agent.
    await store.db
      .insertInto("qlog_sessions")
      .values([row("Agent/a", 1), row("Agent/A", 2), row("Agent/á", 3)])
      .execute();
    const found = await store.db
      .selectFrom("qlog_sessions")
      .select("agent")
      .where("agent", "=", "Agent/a")
      .execute();
    expect(found).toEqual([{ agent: "Agent/a" }]);
  } finally {
    await store.close();
  }
});
