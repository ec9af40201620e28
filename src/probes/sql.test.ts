import { randomUUID } from "node:crypto";
import { createConnection } from "mysql2/promise";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { createSqlChecker, type SqlProbeConfig } from "./sql.js";

const POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/test";
const MYSQL_URL = "mysql://root@127.0.0.1:3306/test";

/** Counts the server-side connections whose current or last query contains `marker`. */
type ServerConnections = (marker: string) => Promise<number>;

const postgresConnections: ServerConnections = async (marker) => {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    const { rows } = await client.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND query LIKE $1",
      [`%${marker}%`],
    );
    return (rows[0] as { n: number }).n;
  } finally {
    await client.end();
  }
};

const mysqlConnections: ServerConnections = async (marker) => {
  const conn = await createConnection({ uri: MYSQL_URL });
  try {
    const [rows] = await conn.query(
      "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID() AND INFO LIKE ?",
      [`%${marker}%`],
    );
    return Number((rows as Array<{ n: number }>)[0]?.n);
  } finally {
    await conn.end();
  }
};

const drivers = [
  {
    driver: "postgres" as const,
    url: POSTGRES_URL,
    wrongPort: "postgres://postgres@127.0.0.1:1/test",
    sleep: "SELECT pg_sleep(5)",
    connections: postgresConnections,
  },
  {
    driver: "mysql" as const,
    url: MYSQL_URL,
    wrongPort: "mysql://root@127.0.0.1:1/test",
    sleep: "SELECT SLEEP(5)",
    connections: mysqlConnections,
  },
];

describe.each(drivers)("sql probe ($driver)", ({ driver, url, wrongPort, sleep, connections }) => {
  const ctx = { probeName: `db-${driver}`, hostname: "test", timeoutMs: 5000 };
  const probe = (extra: Partial<SqlProbeConfig>): SqlProbeConfig => ({
    kind: "sql",
    driver,
    url,
    query: "SELECT 1",
    ...extra,
  });
  const check = (config: SqlProbeConfig) =>
    createSqlChecker(config, ctx).check(new AbortController().signal);

  it("passes when the first cell matches expect", async () => {
    const result = await check(probe({ expect: "1" }));
    expect(result.status).toBe("ok");
    expect(result.message).toMatch(/^SELECT 1 → 1 in \d+ ms$/);
  });

  it("compares the server's text of the value", async () => {
    const result = await check(probe({ query: "SELECT 1.50", expect: "1.50" }));
    expect(result.status).toBe("ok");
  });

  it("fails when the first cell differs from expect", async () => {
    expect(await check(probe({ expect: "2" }))).toEqual({
      status: "fail",
      message: 'SELECT 1 → 1 (expected "2")',
    });
  });

  it("fails when expect meets no rows", async () => {
    expect(
      await check(probe({ query: "SELECT 1 FROM (SELECT 1 AS x) t WHERE 1 = 0", expect: "1" })),
    ).toEqual({
      status: "fail",
      message: 'SELECT 1 FROM (SELECT 1 AS x) t WHERE 1 = 0 → no rows (expected "1")',
    });
  });

  it("fails on a query error", async () => {
    const result = await check(probe({ query: "SELECT no_such_column" }));
    expect(result.status).toBe("fail");
    expect(result.message).toMatch(/^query failed: .*no_such_column/);
  });

  it("fails with ECONNREFUSED on a wrong port", async () => {
    expect(await check(probe({ url: wrongPort }))).toEqual({
      status: "fail",
      message: "connect ECONNREFUSED 127.0.0.1:1",
    });
  });

  it("settles soon after an abort and leaves no connection on the server", async () => {
    const marker = `tandem_${randomUUID().replaceAll("-", "")}`;
    const controller = new AbortController();
    const checker = createSqlChecker(probe({ query: `${sleep}, '${marker}'` }), ctx);
    const running = checker.check(controller.signal);
    await expect.poll(() => connections(marker), { timeout: 2000, interval: 50 }).toBe(1);
    const started = performance.now();
    controller.abort();
    const result = await running;
    expect(performance.now() - started).toBeLessThan(100);
    expect(result.status).toBe("fail");
    await expect.poll(() => connections(marker), { timeout: 2000, interval: 50 }).toBe(0);
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
    };
    const result = await createSqlChecker(config, ctx).check(new AbortController().signal);
    expect(result.status).toBe("fail");
    expect(result.message).toMatch(/Access denied .*using password: YES/);
    expect(result.message).not.toContain("p@ss");
    expect(result.message).not.toContain("in-url-pw");
  });
});
