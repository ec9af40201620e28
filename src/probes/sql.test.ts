import { randomUUID } from "node:crypto";
import { createConnection } from "mysql2/promise";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { createSqlChecker, type SqlProbeConfig } from "./sql.js";
import type { CheckResult } from "./types.js";

const POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/test";
const MYSQL_URL = "mysql://root@127.0.0.1:3306/test";

/** Runs `sql` on a connection of the test's own and returns its rows. */
type AdminQuery = (sql: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>>;

const postgresAdmin: AdminQuery = async (sql, params = []) => {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
};

const mysqlAdmin: AdminQuery = async (sql, params = []) => {
  const conn = await createConnection({ uri: MYSQL_URL });
  try {
    const [rows] = await conn.query(sql, params);
    return rows as Array<Record<string, unknown>>;
  } finally {
    await conn.end();
  }
};

/** What the tests need to know about each server's sessions. */
interface Sessions {
  /** Ids of the other sessions whose current or last query contains `marker`. */
  running(marker: string): Promise<string[]>;
  /** The server's state of session `id` (`idle`, `active`, `Sleep`, `Query`…), or undefined once it is gone. */
  state(id: string): Promise<string | undefined>;
  /** Ends session `id` from the server side. */
  kill(id: string): Promise<void>;
  /** Sessions still open that a probe named `applicationName` used, among `seen`. */
  leftOver(applicationName: string, seen: string[]): Promise<string[]>;
}

const postgresSessions: Sessions = {
  running: async (marker) =>
    (
      await postgresAdmin(
        "SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND query LIKE $1",
        [`%${marker}%`],
      )
    ).map((row) => String(row.pid)),
  state: async (id) =>
    (await postgresAdmin("SELECT state FROM pg_stat_activity WHERE pid = $1", [Number(id)]))[0]
      ?.state as string | undefined,
  kill: async (id) => {
    await postgresAdmin("SELECT pg_terminate_backend($1)", [Number(id)]);
  },
  leftOver: async (applicationName, seen) =>
    (
      await postgresAdmin(
        "SELECT pid FROM pg_stat_activity WHERE application_name = $1 OR pid = ANY($2)",
        [applicationName, seen.map(Number)],
      )
    ).map((row) => String(row.pid)),
};

const mysqlSessions: Sessions = {
  running: async (marker) =>
    (
      await mysqlAdmin(
        "SELECT ID FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND INFO LIKE ?",
        [`%${marker}%`],
      )
    ).map((row) => String(row.ID)),
  state: async (id) =>
    (
      await mysqlAdmin("SELECT COMMAND FROM information_schema.PROCESSLIST WHERE ID = ?", [
        Number(id),
      ])
    )[0]?.COMMAND as string | undefined,
  kill: async (id) => {
    await mysqlAdmin("KILL ?", [Number(id)]);
  },
  // MariaDB shows the connection's program_name only in performance_schema (off here), so the
  // sessions are looked up by the ids the probe reported.
  leftOver: async (_applicationName, seen) =>
    seen.length === 0
      ? []
      : (
          await mysqlAdmin("SELECT ID FROM information_schema.PROCESSLIST WHERE ID IN (?)", [
            seen.map(Number),
          ])
        ).map((row) => String(row.ID)),
};

const drivers = [
  {
    driver: "postgres" as const,
    url: POSTGRES_URL,
    wrongPort: "postgres://postgres@127.0.0.1:1/test",
    sessionId: "SELECT pg_backend_pid()",
    /** Reports the session and sleeps for the seconds stored in `table`. */
    sleepFrom: (table: string) => `SELECT pg_backend_pid(), pg_sleep((SELECT s FROM ${table}))`,
    admin: postgresAdmin,
    sessions: postgresSessions,
    idle: "idle",
  },
  {
    driver: "mysql" as const,
    url: MYSQL_URL,
    wrongPort: "mysql://root@127.0.0.1:1/test",
    sessionId: "SELECT CONNECTION_ID()",
    sleepFrom: (table: string) => `SELECT CONNECTION_ID(), SLEEP((SELECT s FROM ${table}))`,
    admin: mysqlAdmin,
    sessions: mysqlSessions,
    idle: "Sleep",
  },
];

/** The server session a good check of a session-id query reported. */
function sessionOf(result: CheckResult): string {
  expect(result.status).toBe("ok");
  const id = /→ (\d+) in \d+ ms$/.exec(result.message)?.[1];
  if (id === undefined) throw new Error(`no session id in ${JSON.stringify(result.message)}`);
  return id;
}

const running = () => new AbortController().signal;

describe.each(drivers)("sql probe ($driver)", (db) => {
  const ctx = { probeName: `db-${db.driver}`, hostname: "test", timeoutMs: 5000 };
  const probe = (extra: Partial<SqlProbeConfig>): SqlProbeConfig => ({
    kind: "sql",
    driver: db.driver,
    url: db.url,
    query: "SELECT 1",
    connection: "persistent",
    ...extra,
  });
  /** One check by a new checker, closed afterwards. */
  const check = async (config: SqlProbeConfig, name = ctx.probeName) => {
    const checker = createSqlChecker(config, { ...ctx, probeName: name });
    try {
      return await checker.check(running());
    } finally {
      await checker.close();
    }
  };

  describe.each(["persistent", "per-check"] as const)("connection: %s", (connection) => {
    it("passes when the first cell matches expect", async () => {
      const result = await check(probe({ connection, expect: "1" }));
      expect(result.status).toBe("ok");
      expect(result.message).toMatch(/^SELECT 1 → 1 in \d+ ms$/);
    });

    it("compares the server's text of the value", async () => {
      const result = await check(probe({ connection, query: "SELECT 1.50", expect: "1.50" }));
      expect(result.status).toBe("ok");
    });

    it("fails when the first cell differs from expect", async () => {
      expect(await check(probe({ connection, expect: "2" }))).toEqual({
        status: "fail",
        message: 'SELECT 1 → 1 (expected "2")',
      });
    });

    it("fails when expect meets no rows", async () => {
      const query = "SELECT 1 FROM (SELECT 1 AS x) t WHERE 1 = 0";
      expect(await check(probe({ connection, query, expect: "1" }))).toEqual({
        status: "fail",
        message: 'SELECT 1 FROM (SELECT 1 AS x) t WHERE 1 = 0 → no rows (expected "1")',
      });
    });

    it("fails on a query error", async () => {
      const result = await check(probe({ connection, query: "SELECT no_such_column" }));
      expect(result.status).toBe("fail");
      expect(result.message).toMatch(/^query failed: .*no_such_column/);
    });

    it("fails with ECONNREFUSED on a wrong port", async () => {
      expect(await check(probe({ connection, url: db.wrongPort }))).toEqual({
        status: "fail",
        message: "connect ECONNREFUSED 127.0.0.1:1",
      });
    });

    it("settles soon after an abort, stops the query on the server, then checks on a new session", async () => {
      const table = `tandem_sleep_${randomUUID().replaceAll("-", "")}`;
      await db.admin(`CREATE TABLE ${table} (s INT)`);
      const checker = createSqlChecker(probe({ connection, query: db.sleepFrom(table) }), ctx);
      try {
        await db.admin(`INSERT INTO ${table} VALUES (5)`);
        const controller = new AbortController();
        const pending = checker.check(controller.signal);
        let ids: string[] = [];
        await expect
          .poll(
            async () => {
              ids = await db.sessions.running(table);
              return ids.length;
            },
            { timeout: 2000, interval: 50 },
          )
          .toBe(1);
        const aborted = ids[0] ?? "";
        const started = performance.now();
        controller.abort();
        expect(await pending).toEqual({ status: "fail", message: "aborted" });
        expect(performance.now() - started).toBeLessThan(100);
        await expect
          .poll(() => db.sessions.state(aborted), { timeout: 2000, interval: 50 })
          .toSatisfy((state) => state === undefined || state === db.idle);

        await db.admin(`UPDATE ${table} SET s = 0`);
        expect(sessionOf(await checker.check(running()))).not.toBe(aborted);
      } finally {
        await checker.close();
        await db.admin(`DROP TABLE ${table}`);
      }
    });
  });

  describe("connection: persistent", () => {
    it("keeps one server session across checks", async () => {
      const checker = createSqlChecker(probe({ query: db.sessionId }), ctx);
      try {
        const ids = [];
        for (let i = 0; i < 3; i++) ids.push(sessionOf(await checker.check(running())));
        expect(new Set(ids).size).toBe(1);
      } finally {
        await checker.close();
      }
    });

    it("keeps the session when the value differs from expect", async () => {
      const checker = createSqlChecker(probe({ query: db.sessionId, expect: "0" }), ctx);
      try {
        const first = await checker.check(running());
        expect(first.status).toBe("fail");
        expect(first.message).toMatch(/ \(expected "0"\)$/);
        expect(await checker.check(running())).toEqual(first);
      } finally {
        await checker.close();
      }
    });

    it("replaces a session after a query error", async () => {
      const table = `tandem_flag_${randomUUID().replaceAll("-", "")}`;
      await db.admin(`CREATE TABLE ${table} (s INT)`);
      // Fails while the table is gone.
      const checker = createSqlChecker(probe({ query: `${db.sessionId} FROM ${table}` }), ctx);
      try {
        await db.admin(`INSERT INTO ${table} VALUES (1)`);
        const before = sessionOf(await checker.check(running()));
        await db.admin(`DROP TABLE ${table}`);
        expect((await checker.check(running())).message).toMatch(/^query failed: /);
        await db.admin(`CREATE TABLE ${table} (s INT)`);
        await db.admin(`INSERT INTO ${table} VALUES (1)`);
        expect(sessionOf(await checker.check(running()))).not.toBe(before);
      } finally {
        await checker.close();
        await db.admin(`DROP TABLE IF EXISTS ${table}`);
      }
    });

    it("recovers within two checks after the server kills its session", async () => {
      const checker = createSqlChecker(probe({ query: db.sessionId }), ctx);
      try {
        const killed = sessionOf(await checker.check(running()));
        await db.sessions.kill(killed);
        await expect
          .poll(() => db.sessions.state(killed), { timeout: 2000, interval: 20 })
          .toBeUndefined();
        // The probe may notice the lost connection only when it uses it: one failure is allowed.
        const first = await checker.check(running());
        const recovered = first.status === "ok" ? first : await checker.check(running());
        expect(sessionOf(recovered)).not.toBe(killed);
      } finally {
        await checker.close();
      }
    });

    it("leaves no session on the server after close()", async () => {
      const name = `close-${randomUUID()}`;
      const checker = createSqlChecker(probe({ query: db.sessionId }), { ...ctx, probeName: name });
      const id = sessionOf(await checker.check(running()));
      expect(await db.sessions.leftOver(`tandem probe ${name}`, [id])).toEqual([id]);
      await checker.close();
      await checker.close();
      await expect
        .poll(() => db.sessions.leftOver(`tandem probe ${name}`, [id]), {
          timeout: 2000,
          interval: 20,
        })
        .toEqual([]);
    });
  });

  describe("connection: per-check", () => {
    it("opens a new server session every check", async () => {
      const checker = createSqlChecker(
        probe({ connection: "per-check", query: db.sessionId }),
        ctx,
      );
      try {
        const ids = [];
        for (let i = 0; i < 3; i++) ids.push(sessionOf(await checker.check(running())));
        expect(new Set(ids).size).toBe(3);
      } finally {
        await checker.close();
      }
    });
  });
});

describe("sql probe passwords", () => {
  const ctx = { probeName: "db", hostname: "test", timeoutMs: 2000 };

  it("applies the password field over the URL and keeps both out of messages", async () => {
    // root has no password here, so the server refuses one: proof that it was sent.
    const config: SqlProbeConfig = {
      kind: "sql",
      driver: "mysql",
      url: "mysql://root:in-url-pw@127.0.0.1:3306/test",
      password: "p@ss:w/rd%1",
      query: "SELECT 1",
      connection: "persistent",
    };
    const checker = createSqlChecker(config, ctx);
    const result = await checker.check(running());
    await checker.close();
    expect(result.status).toBe("fail");
    expect(result.message).toMatch(/Access denied .*using password: YES/);
    expect(result.message).not.toContain("p@ss");
    expect(result.message).not.toContain("in-url-pw");
  });
});
