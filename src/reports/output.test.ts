import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { expect, it, vi } from "vitest";
import { registerReport } from "../cli/commands/report.js";
import { hms } from "./format.js";
import { formatTime } from "./zone.js";

const golden = fileURLToPath(new URL("./fixtures/golden.queue_log", import.meta.url));
const T = 1_700_000_000;

async function out(args: string[]): Promise<string> {
  const text: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((s) => {
    text.push(String(s));
    return true;
  });
  try {
    const program = new Command().exitOverride();
    registerReport(program);
    await program.parseAsync(["report", ...args, "--source", `file:${golden}`], { from: "user" });
  } finally {
    spy.mockRestore();
  }
  return text.join("");
}

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

it("takes --from D --to D as the whole day D", async () => {
  // The nine golden calls enter at 22:15-22:32 UTC on 2023-11-14: that day in the machine's
  // zone as long as it is within a few hours of UTC, as on the CI machines.
  const json = JSON.parse(
    await out(["queues", "--from", "2023-11-14", "--to", "2023-11-14", "--json"]),
  );
  const offered = json.reduce((a: number, r: { offered: number }) => a + r.offered, 0);
  expect(offered).toBe(9);
});
