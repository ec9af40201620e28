import { afterEach, describe, expect, it } from "vitest";
import type { CheckResult, ProbeChecker } from "../probes/types.js";
import type { CheckObservation } from "./probe-state.js";
import { ProbeScheduler } from "./scheduler.js";

/** A checker whose answer and delay the test controls; it records aborts. */
function fakeChecker(answer: () => { delayMs: number; result: CheckResult }) {
  const state = { aborted: 0, closed: 0 };
  const checker: ProbeChecker = {
    check(signal) {
      const { delayMs, result } = answer();
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(result), delayMs);
        signal.addEventListener("abort", () => {
          state.aborted++;
          clearTimeout(timer);
          resolve({ status: "fail", message: "aborted" });
        });
      });
    },
    async close() {
      state.closed++;
    },
  };
  return { checker, state };
}

let scheduler: ProbeScheduler | undefined;
afterEach(async () => {
  await scheduler?.stop();
});

describe("ProbeScheduler", () => {
  it("reports a hung check as failed at its timeout while other probes keep running", async () => {
    const hung = fakeChecker(() => ({
      delayMs: 60_000,
      result: { status: "ok", message: "never" },
    }));
    const fast = fakeChecker(() => ({ delayMs: 1, result: { status: "ok", message: "fast" } }));
    const seen: Array<{ name: string; obs: CheckObservation; at: number }> = [];
    const t0 = performance.now();
    scheduler = new ProbeScheduler(
      [
        { name: "hung", intervalMs: 1000, timeoutMs: 300, checker: hung.checker },
        { name: "fast", intervalMs: 50, timeoutMs: 300, checker: fast.checker },
      ],
      { onCheck: (name, obs) => seen.push({ name, obs, at: performance.now() - t0 }) },
    );
    scheduler.start();
    await new Promise((r) => setTimeout(r, 700));
    const hungResult = seen.find((s) => s.name === "hung");
    expect(hungResult?.obs.status).toBe("fail");
    expect(hungResult?.obs.message).toBe("timed out after 300 ms");
    // Reported on time: not before the timeout, and well before the check would have ended.
    expect(hungResult?.at).toBeGreaterThanOrEqual(290);
    expect(hungResult?.at).toBeLessThan(600);
    expect(hung.state.aborted).toBe(1);
    // The fast probe kept its pace during the hang (about every 50 ms).
    const fastDuringHang = seen.filter((s) => s.name === "fast" && s.at < 300);
    expect(fastDuringHang.length).toBeGreaterThanOrEqual(3);
  });

  it("paces checks by interval and closes checkers on stop", async () => {
    const probe = fakeChecker(() => ({ delayMs: 5, result: { status: "ok", message: "ok" } }));
    const seen: number[] = [];
    const t0 = performance.now();
    scheduler = new ProbeScheduler(
      [{ name: "p", intervalMs: 100, timeoutMs: 50, checker: probe.checker }],
      {
        onCheck: () => seen.push(performance.now() - t0),
      },
    );
    scheduler.start();
    await new Promise((r) => setTimeout(r, 450));
    await scheduler.stop();
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.length).toBeLessThanOrEqual(6);
    expect(probe.state.closed).toBe(1);
    const count = seen.length;
    await new Promise((r) => setTimeout(r, 250));
    expect(seen.length).toBe(count);
  });

  it("turns a checker that throws into a failed check instead of crashing", async () => {
    const seen: CheckObservation[] = [];
    scheduler = new ProbeScheduler(
      [
        {
          name: "broken",
          intervalMs: 1000,
          timeoutMs: 100,
          checker: {
            check: async () => {
              throw new Error("boom");
            },
            close: async () => {},
          },
        },
      ],
      { onCheck: (_n, obs) => seen.push(obs) },
    );
    scheduler.start();
    await new Promise((r) => setTimeout(r, 50));
    expect(seen[0]).toMatchObject({ status: "fail", message: "probe error: boom" });
  });
});
