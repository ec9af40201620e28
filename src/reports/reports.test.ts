import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runLoader } from "../queuelog/loader.js";
import type { Store } from "../store/open.js";
import { storeTargets, withStore } from "../store/store.test-helpers.js";
import { agentsReport } from "./agents.js";
import { callsReport } from "./calls.js";
import { reportStdout } from "./cli.test-helpers.js";
import { hoursReport } from "./hours.js";
import { nowReport } from "./now.js";
import { queuesReport } from "./queues.js";
import { openScope, type ReportOptions } from "./scope.js";
import { serversReport } from "./servers.js";

const T = 1_700_000_000;
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

const SALES = {
  queue: "sales",
  offered: 6,
  answered: 2,
  abandoned: 2,
  shortAbandoned: 1,
  timeouts: 1,
  exitWithKey: 0,
  exitEmpty: 0,
  transferred: 1,
  open: 1,
  serviceLevel: 50,
  serviceLevelWithAbandons: 33.3,
  avgWait: 27.5,
  maxWait: 40,
  avgTalk: 80,
  avgAbandonWait: 16.5,
};
const SUPPORT = {
  queue: "support",
  offered: 3,
  answered: 1,
  abandoned: 0,
  shortAbandoned: 0,
  timeouts: 0,
  exitWithKey: 1,
  exitEmpty: 1,
  transferred: 0,
  open: 1,
  serviceLevel: 100,
  serviceLevelWithAbandons: 100,
  avgWait: 10,
  maxWait: 10,
  avgTalk: null,
  avgAbandonWait: null,
};

/** Runs `tandem report …args` once per argument list and returns what it printed on stdout. */
async function reportOut(...runs: string[][]): Promise<string> {
  let out = "";
  for (const args of runs) out += await reportStdout(args);
  return out;
}

/** Loads a queue_log file into `partition` of `store`, once. */
const loadOnce = (store: Store, partition: string, path: string) =>
  runLoader({ store, partition, path, once: true });

const targets = storeTargets();
afterAll(async () => {
  for (const t of targets) await t.cleanup();
});

describe.each(targets)("reports on $name", (target) => {
  let location = "";
  beforeAll(async () => {
    location = target.fresh();
    await withStore(location, async (store) => {
      await loadOnce(store, "G", fixture("golden.queue_log"));
      for (const p of ["A", "B", "C"]) await loadOnce(store, p, fixture(`cluster-${p}.queue_log`));
    });
  });
  const scope = (source: string, o: ReportOptions = {}) => openScope(source, location, o);
  const using = async <T>(
    source: string,
    o: ReportOptions,
    fn: (s: Awaited<ReturnType<typeof scope>>) => Promise<T>,
  ) => {
    const s = await scope(source, o);
    try {
      return await fn(s);
    } finally {
      await s.close();
    }
  };

  it("without a source counts every partition of the store, as cluster: of all of them", async () => {
    const all = await openScope(undefined, location, { to: T + 2000 });
    try {
      const names = all.partitions.map((p) => p.name);
      expect(names).toEqual(expect.arrayContaining(["G", "A", "B", "C"]));
      const named = await using(`cluster:${names.join("|")}`, { to: T + 2000 }, queuesReport);
      expect(await queuesReport(all)).toEqual(named);
    } finally {
      await all.close();
    }
    await expect(openScope(undefined, target.fresh())).rejects.toThrow(
      /has no partitions yet: load one with tandem qload, or give --source file:PATH/,
    );
  });

  it("computes the golden queue figures (see fixtures/golden.md)", async () => {
    const rows = await using("sql:G", { to: T + 2000 }, queuesReport);
    expect(rows).toEqual([SALES, SUPPORT]);
  });

  it("filters by queue and by agent", async () => {
    expect(await using("sql:G", { to: T + 2000, queues: ["support"] }, queuesReport)).toEqual([
      SUPPORT,
    ]);
    const byAgent = await using("sql:G", { to: T + 2000, agents: ["Agent/102"] }, queuesReport);
    expect(byAgent.map((r) => [r.queue, r.offered, r.answered, r.transferred])).toEqual([
      ["sales", 1, 1, 1],
    ]);
  });

  it("judges outcomes at the window end", async () => {
    // At T+450: c1–c4 have entered; c4 is connected but not yet transferred (open); c5 not yet.
    const [sales] = await using("sql:G", { to: T + 450 }, queuesReport);
    expect(sales).toMatchObject({
      offered: 4,
      answered: 2,
      transferred: 0,
      timeouts: 0,
      open: 1,
      avgTalk: 100,
    });
  });

  it("computes the golden agent figures", async () => {
    const rows = await using("sql:G", { to: T + 2000 }, (s) => agentsReport(s));
    expect(rows).toEqual([
      {
        agent: "Agent/101",
        answered: 2,
        talkTime: 100,
        avgTalk: 100,
        ringNoAnswer: 2,
        loggedIn: 1290,
        paused: 0,
        pauses: {},
      },
      {
        agent: "Agent/102",
        answered: 1,
        talkTime: 60,
        avgTalk: 60,
        ringNoAnswer: 1,
        loggedIn: 1990,
        paused: 300,
        pauses: { Lunch: 300 },
      },
    ]);
  });

  it("puts every golden call in hour 22 (UTC) and lists open calls apart", async () => {
    vi.stubEnv("TZ", "UTC");
    try {
      const hours = await using("sql:G", { to: T + 2000 }, hoursReport);
      expect(hours).toHaveLength(24);
      expect(hours[22]).toMatchObject({
        hour: 22,
        offered: 9,
        answered: 3,
        abandoned: 2,
        serviceLevel: 66.7,
      });
      expect(hours.filter((h) => h.offered > 0)).toHaveLength(1);
    } finally {
      vi.unstubAllEnvs();
    }
    const calls = await using("sql:G", { to: T + 2000 }, (s) => callsReport(s));
    expect(calls.closed.map((c) => c.callid)).toEqual(["c1", "c2", "c3", "c4", "c5", "c6", "c7"]);
    expect(calls.open.map((c) => [c.callid, c.outcome, c.agent])).toEqual([
      ["c8", "ANSWERED", "Agent/101"],
      ["c9", "WAITING", null],
    ]);
  });

  it("merges partitions with cluster:, keeping each server's restart to itself", async () => {
    const o = { to: T + 3000 };
    const [sales] = await using("cluster:A|B|C", o, queuesReport);
    expect(sales).toMatchObject({ queue: "sales", offered: 4, answered: 2, abandoned: 1, open: 0 });
    const agents = await using("cluster:A|B|C", o, (s) => agentsReport(s));
    expect(agents.map((a) => [a.agent, a.answered, a.loggedIn])).toEqual([["Agent/101", 2, 1800]]);
    const servers = await using("cluster:A|B|C", o, serversReport);
    expect(servers.map((r) => [r.server, r.answered, r.answeredShare])).toEqual([
      ["A", 1, 50],
      ["B", 1, 50],
      ["C", 0, 0],
    ]);
  });

  it("reads agent sessions only from partitions without a dash", async () => {
    const o = { to: T + 3000 };
    const [sales] = await using("cluster:A|B-|C-", o, queuesReport);
    expect(sales).toMatchObject({ offered: 4, answered: 2 });
    const agents = await using("cluster:A|B-|C-", o, (s) => agentsReport(s));
    expect(agents.map((a) => [a.agent, a.answered, a.loggedIn])).toEqual([["Agent/101", 2, 1000]]);
  });

  it("keeps equal agent codes apart with clustrw:", async () => {
    const agents = await using("clustrw:A|B|C", { to: T + 3000 }, (s) => agentsReport(s));
    expect(agents.map((a) => [a.agent, a.answered, a.loggedIn])).toEqual([
      ["A-Agent/101", 1, 1000],
      ["B-Agent/101", 1, 700],
      ["C-Agent/101", 0, 600],
    ]);
    const only = await using(
      "clustrw:A|B|C",
      { to: T + 3000, agents: ["B-Agent/101"] },
      queuesReport,
    );
    expect(only.map((r) => [r.queue, r.offered, r.answered])).toEqual([["sales", 1, 1]]);
  });

  it("names clustrw: agents as QueueMetrics does with agentNames queuemetrics", async () => {
    const o = { to: T + 3000, agentNames: "queuemetrics" as const };
    const agents = await using("clustrw:A|B|C", o, (s) => agentsReport(s));
    expect(agents.map((a) => [a.agent, a.answered, a.loggedIn])).toEqual([
      ["Agent/A-101", 1, 1000],
      ["Agent/B-101", 1, 700],
      ["Agent/C-101", 0, 600],
    ]);
    const only = await using("clustrw:A|B|C", { ...o, agents: ["Agent/B-101"] }, queuesReport);
    expect(only.map((r) => [r.queue, r.offered, r.answered])).toEqual([["sales", 1, 1]]);
    const calls = await using("clustrw:A|B|C", o, callsReport);
    expect(new Set(calls.closed.map((c) => c.agent).filter((a) => a !== null))).toEqual(
      new Set(["Agent/A-101", "Agent/B-101"]),
    );
  });

  it("names an unknown partition and the partitions the store has", async () => {
    await expect(scope("cluster:A|D|B")).rejects.toThrow(
      `source "cluster:A|D|B": unknown partition "D"; the store at ${target.name === "sqlite" ? location : location.replace(/\?.*/, "")}`,
    );
    await expect(scope("cluster:A|D|B")).rejects.toMatchObject({
      code: "TANDEM_ERR_SOURCE_INVALID",
    });
    await expect(scope("cluster:A|D|B")).rejects.toThrow("has partitions A, B, C, G");
  });

  it("prints the queues report as JSON from the CLI with the fixed fields", async () => {
    const out = await reportOut([
      "queues",
      "--source",
      "sql:G",
      "--store",
      location,
      "--to",
      String(T + 2000),
      "--format",
      "json",
    ]);
    expect(JSON.parse(out)).toEqual([SALES, SUPPORT]);
  });
});

describe.each(targets)("hours in zones with odd offsets and DST on $name", (target) => {
  // Hand-computed in fixtures/hours-tz.md: [hour, offered, answered, abandoned, exitEmpty].
  const expected: Record<string, number[][]> = {
    "Asia/Kolkata": [
      [5, 1, 0, 0, 1],
      [6, 4, 1, 0, 3],
      [7, 4, 0, 1, 3],
    ],
    "Asia/Kathmandu": [
      [5, 1, 0, 0, 1],
      [6, 3, 1, 0, 2],
      [7, 4, 0, 1, 3],
      [8, 1, 0, 0, 1],
    ],
    "Europe/Berlin": [
      [1, 2, 0, 0, 2],
      [2, 2, 0, 0, 2],
      [3, 3, 1, 1, 1],
      [4, 2, 0, 0, 2],
    ],
  };
  let location = "";
  beforeAll(async () => {
    location = target.fresh();
    await withStore(location, (store) => loadOnce(store, "Z", fixture("hours-tz.queue_log")));
  });

  it.each(Object.keys(expected))("buckets by the local hour of day in %s", async (timeZone) => {
    const s = await openScope("sql:Z", location, { timeZone });
    try {
      const hours = await hoursReport(s);
      expect(hours).toHaveLength(24);
      expect(
        hours
          .filter((h) => h.offered > 0)
          .map((h) => [h.hour, h.offered, h.answered, h.abandoned, h.exitEmpty]),
      ).toEqual(expected[timeZone]);
      const answered = hours.find((h) => h.answered > 0);
      expect(answered).toMatchObject({ avgWait: 10, maxWait: 10, avgTalk: 100, serviceLevel: 100 });
      expect(hours.find((h) => h.abandoned > 0)?.avgAbandonWait).toBe(30);
    } finally {
      await s.close();
    }
  });

  it("takes the zone from --tz on the command line", async () => {
    const out = await reportOut([
      "hours",
      "--source",
      "sql:Z",
      "--store",
      location,
      "--tz",
      "Asia/Kathmandu",
      "--json",
    ]);
    const rows = JSON.parse(out) as { hour: number; offered: number }[];
    expect(rows.filter((r) => r.offered > 0).map((r) => [r.hour, r.offered])).toEqual(
      expected["Asia/Kathmandu"]?.map(([h, n]) => [h, n]),
    );
  });
});

describe.each(targets)("agent sessions begun long before the window on $name", (target) => {
  const D = 86_400;
  // Window [T, T+3600). Agent/201 logged in three days before it and logs off at T+1800:
  // logged in 1800 s. Agent/202 joined "support" two days before, paused ("Training") ten
  // seconds later, unpauses at T+600 and leaves the queue at T+3000: logged in 3000 s,
  // paused 600 s. Nothing of either agent happens in the 24 h before the window.
  const before = [
    `${T - 3 * D}|NONE|NONE|Agent/201|AGENTLOGIN|SIP/201`,
    `${T - 2 * D}|NONE|support|Agent/202|ADDMEMBER|SIP/202`,
    `${T - 2 * D + 10}|NONE|support|Agent/202|PAUSE|Training`,
  ];
  const during = [
    `${T + 600}|NONE|support|Agent/202|UNPAUSE|`,
    `${T + 1800}|NONE|NONE|Agent/201|AGENTLOGOFF|SIP/201|1800`,
    `${T + 3000}|NONE|support|Agent/202|REMOVEMEMBER|SIP/202`,
  ];
  let location = "";
  beforeAll(async () => {
    location = target.fresh();
    const dir = mkdtempSync(join(tmpdir(), "tandem-sessions-"));
    const path = join(dir, "queue_log");
    try {
      // Two loader runs: the second rebuilds the open sessions from the store.
      writeFileSync(path, before.map((l) => `${l}\n`).join(""));
      await withStore(location, (store) => loadOnce(store, "L", path));
      appendFileSync(path, during.map((l) => `${l}\n`).join(""));
      await withStore(location, (store) => loadOnce(store, "L", path));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("counts the whole window for an agent logged in days before it", async () => {
    const s = await openScope("sql:L", location, { from: T, to: T + 3600 });
    try {
      const rows = await agentsReport(s);
      expect(rows.map((r) => [r.agent, r.loggedIn, r.paused, r.pauses])).toEqual([
        ["Agent/201", 1800, 0, {}],
        ["Agent/202", 3000, 600, { Training: 600 }],
      ]);
    } finally {
      await s.close();
    }
  });

  it("shows them logged in and paused in the live view", async () => {
    const s = await openScope("sql:L", location);
    try {
      const now = await nowReport(s, T + 100);
      expect(now.agents).toEqual([
        { agent: "Agent/201", servers: ["L"], paused: false, reason: null },
        { agent: "Agent/202", servers: ["L"], paused: true, reason: "Training" },
      ]);
    } finally {
      await s.close();
    }
  });
});

describe("file: source", () => {
  it("reports straight off a queue_log file, same numbers as the store", async () => {
    const s = await openScope(`file:${fixture("golden.queue_log")}`, undefined, { to: T + 2000 });
    try {
      expect(await queuesReport(s)).toEqual([SALES, SUPPORT]);
      expect(s.malformed).toBe(0);
    } finally {
      await s.close();
    }
  });

  it("rejects bad sources precisely", async () => {
    await expect(openScope("mysql:A", undefined)).rejects.toThrow(
      'source "mysql:A" is not valid: expected file:PATH, sql:PARTITION, cluster:A|B|C or clustrw:A|B|C',
    );
    await expect(openScope("sql:A|B", undefined)).rejects.toThrow("sql: takes one partition");
    await expect(openScope("cluster:A-|B-", undefined)).rejects.toThrow(
      "every partition has a dash",
    );
    await expect(openScope("file:/nonexistent/queue_log", undefined)).rejects.toThrow(
      "Cannot read queue_log /nonexistent/queue_log: no such file",
    );
  });

  it("prints CSV and text tables", async () => {
    const text = await reportOut(
      ...["csv", "table"].map((format) => [
        "queues",
        "--source",
        `file:${fixture("golden.queue_log")}`,
        "--to",
        String(T + 2000),
        "--format",
        format,
      ]),
    );
    expect(text).toContain(
      "Queue,Offered,Answered,Abandoned,Short,Timeout,Key,Empty,Transf,Open,SL%,SL%+ab",
    );
    expect(text).toContain("sales,6,2,2,1,1,0,0,1,1,50,33.3,27.5,40,80,16.5");
    expect(text).toMatch(/sales\s+6\s+2\s+2\s+1/);
  });

  it("rejects bad report options with usage errors", async () => {
    await expect(reportStdout(["bogus", "--source", "sql:A"])).rejects.toThrow(
      'unknown report "bogus"',
    );
    await expect(
      reportStdout(["queues", "--source", "sql:A", "--from", "yesterday"]),
    ).rejects.toMatchObject({
      code: "TANDEM_ERR_USAGE",
      exitCode: 2,
    });
    await expect(reportStdout(["queues", "--source", "sql:A", "--sl", "-3"])).rejects.toThrow(
      '--sl "-3" is not a whole number',
    );
    await expect(
      reportStdout(["hours", "--source", "sql:A", "--tz", "Mars/Olympus"]),
    ).rejects.toThrow(
      '--tz "Mars/Olympus" is not a time zone: expected an IANA name such as Asia/Kolkata or UTC',
    );
  });
});
