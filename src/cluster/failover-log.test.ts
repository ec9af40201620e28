import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FailoverLog, type FailoverLogEntry } from "./failover-log.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dir(): string {
  const d = mkdtempSync(join(tmpdir(), "tandem-flog-"));
  dirs.push(d);
  return d;
}

function entry(i: number): FailoverLogEntry {
  return {
    time: new Date(1_700_000_000_000 + i).toISOString(),
    node: "a",
    level: "info",
    event: "command",
    message: `entry ${i}`,
    mode: "ACTIVE",
    term: 1,
    cause: { i },
  };
}

describe("FailoverLog", () => {
  it("keeps entries in the order appended, one JSON line each, across instances", async () => {
    const d = dir();
    const log = new FailoverLog({ dir: d });
    for (let i = 0; i < 50; i++) log.append(entry(i));
    await log.flushed();
    const lines = readFileSync(join(d, "failover.log"), "utf8").trim().split("\n");
    expect(lines).toHaveLength(50);
    // A restarted agent reads what the previous one wrote.
    const again = new FailoverLog({ dir: d });
    expect((await again.read(3)).map((e) => e.message)).toEqual([
      "entry 47",
      "entry 48",
      "entry 49",
    ]);
  });

  it("rotates to failover.log.1 past its size and still reads across both files", async () => {
    const d = dir();
    const log = new FailoverLog({ dir: d, maxBytes: 2000 });
    for (let i = 0; i < 30; i++) log.append(entry(i));
    await log.flushed();
    expect(readFileSync(join(d, "failover.log.1"), "utf8").length).toBeLessThanOrEqual(2000);
    const all = await log.read(1000);
    const messages = all.map((e) => e.message);
    // Only the last rotation is kept; what remains is contiguous and ends with the newest.
    expect(messages.at(-1)).toBe("entry 29");
    const first = Number(messages[0]?.split(" ")[1]);
    expect(messages).toEqual(Array.from({ length: 30 - first }, (_, i) => `entry ${first + i}`));
  });

  it("skips a line cut short by a crash", async () => {
    const d = dir();
    const log = new FailoverLog({ dir: d });
    log.append(entry(1));
    await log.flushed();
    appendFileSync(join(d, "failover.log"), '{"time":"2026-');
    appendFileSync(join(d, "failover.log"), `\n${JSON.stringify(entry(2))}\n`);
    expect((await log.read()).map((e) => e.message)).toEqual(["entry 1", "entry 2"]);
  });

  it("reports a write that fails without throwing out of append", async () => {
    const errors: Error[] = [];
    const file = join(dir(), "a-file");
    appendFileSync(file, "not a directory\n");
    const log = new FailoverLog({ dir: join(file, "state"), onError: (e) => errors.push(e) });
    log.append(entry(1));
    await log.flushed();
    expect(errors[0]?.message).toMatch(/ENOTDIR/);
    expect(await log.read()).toEqual([]);
  });

  it("creates the state directory on a first start, so the first entry is kept", async () => {
    const errors: Error[] = [];
    const stateDir = join(dir(), "fresh", "state");
    const log = new FailoverLog({ dir: stateDir, onError: (e) => errors.push(e) });
    log.append(entry(1));
    expect((await log.read()).map((e) => e.message)).toEqual(["entry 1"]);
    expect(errors).toEqual([]);
  });
});
