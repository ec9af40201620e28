import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { reportStdout } from "./cli.test-helpers.js";
import { hms } from "./format.js";
import { formatTime } from "./zone.js";

const golden = fileURLToPath(new URL("./fixtures/golden.queue_log", import.meta.url));
const T = 1_700_000_000;

/** What `tandem report …args` printed, reading `source`. */
const out = (args: string[], source = `file:${golden}`) =>
  reportStdout([...args, "--source", source]);

it("writes durations as h:mm:ss", () => {
  expect([hms(0), hms(27.5), hms(80), hms(3725), hms(90_000)]).toEqual([
    "0:00:00",
    "0:00:27.5",
    "0:01:20",
    "1:02:05",
    "25:00:00",
  ]);
});

it("golden queues table: a window line, then durations as h:mm:ss", async () => {
  const text = await out(["queues", "--to", String(T + 2000), "--tz", "Europe/Paris"]);
  expect(text.split("\n").slice(0, 6)).toEqual([
    "Window start of the log to 2023-11-14 23:46:40+01:00 (end exclusive), time zone Europe/Paris, SL 20 s, short abandon 5 s; durations h:mm:ss",
    "",
    "Queue    Offered  Answered  Abandoned  Short  Timeout  Key  Empty  Transf  Open  SL%  SL%+ab    AvgWait  MaxWait  AvgTalk  AvgAbWait",
    "-------  -------  --------  ---------  -----  -------  ---  -----  ------  ----  ---  ------  ---------  -------  -------  ---------",
    "sales          6         2          2      1        1    0      0       1     1   50    33.3  0:00:27.5  0:00:40  0:01:20  0:00:16.5",
    "support        3         1          0      0        0    1      1       0     1  100     100    0:00:10  0:00:10",
  ]);
});

it("golden queues CSV and JSON keep seconds and print no window line", async () => {
  const csv = await out(["queues", "--to", String(T + 2000), "--format", "csv"]);
  expect(csv.split("\r\n")[1]).toBe("sales,6,2,2,1,1,0,0,1,1,50,33.3,27.5,40,80,16.5");
  const json = JSON.parse(await out(["queues", "--to", String(T + 2000), "--json"]));
  expect(json[0]).toMatchObject({ queue: "sales", avgWait: 27.5, avgTalk: 80 });
});

it("reads every timestamp of the calls table in --tz", async () => {
  const text = await out(["calls", "--to", String(T + 2000), "--tz", "Asia/Kolkata"]);
  expect(text).toContain(formatTime(T + 100, "Asia/Kolkata"));
  expect(text).toContain("2023-11-15 03:45:00+05:30");
  expect(text).not.toMatch(/\d{2}:\d{2}:\d{2}Z/);
});

it("takes --from D --to D as the whole day D in --tz", async () => {
  // The nine golden calls enter at 22:15-22:32 UTC on 2023-11-14: still the 14th in Paris,
  // already the 15th in Tokyo.
  const offered = async (day: string, tz: string) => {
    const json = JSON.parse(
      await out(["queues", "--from", day, "--to", day, "--tz", tz, "--json"]),
    ) as { offered: number }[];
    return json.reduce((a, r) => a + r.offered, 0);
  };
  expect(await offered("2023-11-14", "Europe/Paris")).toBe(9);
  expect(await offered("2023-11-14", "Asia/Tokyo")).toBe(0);
  expect(await offered("2023-11-15", "Asia/Tokyo")).toBe(9);
});

it("counts the 23 and 25 hours of Paris's daylight-saving days, and not a second more", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tandem-dst-"));
  try {
    const log = join(dir, "queue_log");
    // Each call is one ENTERQUEUE and its ABANDON, entering at the given UTC second.
    const call = (id: string, t: number) =>
      `${t}|${id}|q|NONE|ENTERQUEUE||555|1\n${t + 1}|${id}|q|NONE|ABANDON|1|1|1\n`;
    const at = (...a: [number, number, number, number, number, number]) =>
      Date.UTC(a[0], a[1] - 1, a[2], a[3], a[4], a[5]) / 1000;
    writeFileSync(
      log,
      [
        // 31 March 2024 in Paris: 2024-03-30 23:00:00 UTC to 2024-03-31 22:00:00 UTC.
        call("s-before", at(2024, 3, 30, 22, 59, 59)),
        call("s-first", at(2024, 3, 30, 23, 0, 0)),
        call("s-last", at(2024, 3, 31, 21, 59, 58)),
        call("s-after", at(2024, 3, 31, 22, 0, 0)),
        // 27 October 2024 in Paris: 2024-10-26 22:00:00 UTC to 2024-10-27 23:00:00 UTC.
        call("a-before", at(2024, 10, 26, 21, 59, 59)),
        call("a-first", at(2024, 10, 26, 22, 0, 0)),
        call("a-25th-hour", at(2024, 10, 27, 22, 30, 0)),
        call("a-after", at(2024, 10, 27, 23, 0, 0)),
      ].join(""),
    );
    const ids = async (day: string) => {
      const json = JSON.parse(
        await out(
          ["calls", "--from", day, "--to", day, "--tz", "Europe/Paris", "--json"],
          `file:${log}`,
        ),
      ) as { closed: { callid: string; entered: string }[] };
      return json.closed.map((c) => `${c.callid} ${c.entered}`);
    };
    expect(await ids("2024-03-31")).toEqual([
      "s-first 2024-03-31T00:00:00+01:00",
      "s-last 2024-03-31T23:59:58+02:00",
    ]);
    expect(await ids("2024-10-27")).toEqual([
      "a-first 2024-10-27T00:00:00+02:00",
      "a-25th-hour 2024-10-27T23:30:00+01:00",
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it("prints every timestamp of JSON in ISO 8601 with the offset of --tz", async () => {
  const calls = JSON.parse(
    await out(["calls", "--to", String(T + 2000), "--tz", "Asia/Kolkata", "--json"]),
  ) as { closed: { entered: string }[]; open: { entered: string }[] };
  expect(calls.closed[0]?.entered).toBe("2023-11-15T03:45:00+05:30");
  expect(calls.open.map((c) => c.entered)).toEqual([
    "2023-11-15T04:00:00+05:30",
    "2023-11-15T04:01:40+05:30",
  ]);
  const now = JSON.parse(await out(["now", "--tz", "America/St_Johns", "--json"])) as {
    at: string;
    loaders: { lastEventTime: string }[];
  };
  expect(now.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-0[23]:30$/);
  expect(now.loaders[0]?.lastEventTime).toBe("2023-11-14T19:08:20-03:30");
});

it("refuses a CSV of a report with several tables without --part, and names the parts", async () => {
  await expect(out(["now", "--format", "csv"])).rejects.toThrow(
    "the now report prints 3 tables and a CSV holds one: add --part with one of waiting, agents, loaders",
  );
  await expect(out(["calls", "--format", "csv"])).rejects.toThrow(
    "the calls report prints 2 tables and a CSV holds one: add --part with one of closed, open",
  );
  await expect(out(["now", "--part", "queues"])).rejects.toThrow(
    '--part "queues" is not a table of the now report: expected one of waiting, agents, loaders',
  );
  await expect(out(["queues", "--part", "open"])).rejects.toThrow(
    '--part "open": the queues report prints one table; --part applies to reports with several (calls: closed, open; now: waiting, agents, loaders)',
  );
});

it("prints one table, or one JSON member, with --part", async () => {
  const csv = await out(["now", "--format", "csv", "--part", "agents"]);
  expect(csv.split("\r\n")[0]).toBe("Agent,Servers,Paused,Reason");
  expect(csv).not.toMatch(/Queue|Server,Host/);
  const open = await out(["calls", "--to", String(T + 2000), "--format", "csv", "--part", "open"]);
  expect(open.split("\r\n").filter((l) => l !== "")).toHaveLength(3);
  expect(open).not.toContain("COMPLETECALLER");
  const text = await out(["calls", "--to", String(T + 2000), "--part", "open"]);
  expect(text).toContain("Open at the end of the window");
  expect(text).not.toContain("\nCalls\n");
  const json = JSON.parse(await out(["now", "--json", "--part", "loaders"]));
  expect(Object.keys(json)).toEqual(["at", "loaders"]);
});
