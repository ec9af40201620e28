/**
 * The chaos suite (`npm run chaos`, scripts/chaos/) run for real: a short run whose only fault
 * kills the active agent must show the takeover that follows, so the suite can see what it is
 * meant to catch; and the same seed must give the same fault schedule.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ROOT } from "./helpers/processes.js";

const CHAOS = join(ROOT, "scripts/chaos/main.mjs");
const running = new Set<ChildProcess>();

// A run cut short by the test timeout takes its agents with it (the suite cleans up on SIGTERM).
afterEach(() => {
  for (const child of running) child.kill("SIGTERM");
});

function chaos(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CHAOS, ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) => {
    child.on("exit", (code) => {
      running.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

interface Row {
  kind: string;
  faults: number;
  samples: number;
  doubleServing: number;
  longestGapMs: number;
  takeovers: number;
  crashes: number;
}

interface Report {
  seed: number;
  schedule: Array<{ kind: string; target: string; note: string }>;
  rows: Row[];
  totals: { samples: number; doubleServing: number; takeoversWithoutFault: number };
  takeovers: Array<{ node: string; window: string }>;
  invariants: Array<{ invariant: string; ok: boolean }>;
  finalLine: string;
}

describe("npm run chaos", () => {
  it("sees the takeover when the active agent is killed, and reports per fault kind", async () => {
    // Seed 1 with only `kill` faults: one kill of the active node, right after the start (no
    // load phases), so the pair is redundant when it dies; the `lan` timers keep a pair on a
    // busy shared test machine steady until then (the suite itself defaults to `fast`).
    const run = await chaos([
      "--profile",
      "lan",
      "--minutes",
      "0.2",
      "--no-fault-seconds",
      "0",
      "--cpu-seconds",
      "0",
      "--faults",
      "kill",
      "--seed",
      "1",
      "--json",
    ]);
    const report = JSON.parse(run.stdout) as Report;
    const info = `${run.stderr}\n${JSON.stringify(report, null, 1)}`;
    expect(report.seed).toBe(1);
    expect(
      report.schedule.map((f) => [f.kind, f.target]),
      info,
    ).toEqual([["kill", "active"]]);
    expect(report.rows.map((r) => r.kind)).toContain("kill");
    for (const row of report.rows) {
      expect(Object.keys(row).sort()).toEqual([
        "crashes",
        "doubleServing",
        "faults",
        "kind",
        "longestGapMs",
        "samples",
        "seconds",
        "takeovers",
      ]);
    }
    const kill = report.rows.find((r) => r.kind === "kill");
    // Killing the active node stops it serving and the standby takes over: the sampler sees a
    // takeover and a gap in that fault's window (the gap is short but never zero).
    expect(kill?.takeovers, info).toBeGreaterThanOrEqual(1);
    expect(kill?.longestGapMs, info).toBeGreaterThan(0);
    expect(kill?.crashes, info).toBe(0);
    // 20 ms sampling: even a starved sampler takes several samples a second.
    expect(report.totals.samples, info).toBeGreaterThan(50);
    expect(report.finalLine).toMatch(
      /^double-serving samples: \d+, longest no-serving gap: \d+ ms, takeovers without fault: \d+$/,
    );
    // The exit code says whether the promised invariants held.
    expect(run.code, info).toBe(report.invariants.every((i) => i.ok) ? 0 : 1);
  }, 900_000);

  it("plans the same fault schedule for the same seed, another for another seed", async () => {
    const plan = async (seed: string) => {
      const run = await chaos(["--plan", "--json", "--minutes", "5", "--seed", seed]);
      expect(run.code).toBe(0);
      return JSON.parse(run.stdout) as { schedule: unknown[] };
    };
    const [first, again, other] = await Promise.all([plan("42"), plan("42"), plan("43")]);
    expect(first.schedule.length).toBeGreaterThan(5);
    expect(again).toEqual(first);
    expect(other.schedule).not.toEqual(first.schedule);
  });

  it("refuses a bad option with exit 2 and a JSON error under --json", async () => {
    const run = await chaos(["--minutes", "soon", "--json"]);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({
      error: { code: "CHAOS_USAGE", message: '--minutes: expected a number ≥ 0, got "soon"' },
    });
  });
});
