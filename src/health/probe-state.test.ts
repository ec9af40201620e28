import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CheckObservation,
  initialProbeRecord,
  observeCheck,
  type ProbeRecord,
} from "./probe-state.js";

const ok: CheckObservation = { status: "ok", message: "fine", durationMs: 1 };
const warn: CheckObservation = { status: "warn", message: "WARNING: slow", durationMs: 1 };
const fail = (message = "connection refused"): CheckObservation => ({
  status: "fail",
  message,
  durationMs: 1,
});

/** Feeds checks one second apart on a simulated clock, returning records and transitions. */
function run(checks: CheckObservation[], limits = { fall: 3, rise: 2 }, start = 0) {
  let record: ProbeRecord = initialProbeRecord();
  const states: string[] = [];
  const transitions: Array<ReturnType<typeof observeCheck>["transition"]> = [];
  checks.forEach((check, i) => {
    const step = observeCheck(record, check, start + i * 1000, limits);
    record = step.record;
    states.push(record.state);
    if (step.transition) transitions.push(step.transition);
  });
  return { record, states, transitions };
}

describe("observeCheck", () => {
  it("marks a pending probe up on its first success", () => {
    const { states, transitions } = run([ok]);
    expect(states).toEqual(["up"]);
    expect(transitions).toEqual([{ type: "up", from: "pending", at: 0, outageMs: null }]);
  });

  it("marks a pending probe down only after `fall` failures", () => {
    expect(run([fail(), fail(), fail()]).states).toEqual(["pending", "pending", "down"]);
  });

  it("needs `fall` consecutive failures to go down; a success in between resets the count", () => {
    const { states } = run([ok, fail(), fail(), ok, fail(), fail(), fail()]);
    expect(states).toEqual(["up", "up", "up", "up", "up", "up", "down"]);
  });

  it("needs `rise` consecutive successes to come back, and reports the outage duration", () => {
    const { states, transitions } = run([
      ok,
      fail("first"),
      fail("second"),
      fail("third"),
      ok,
      fail(),
      ok,
      ok,
    ]);
    expect(states).toEqual(["up", "up", "up", "down", "down", "down", "down", "up"]);
    expect(transitions[1]).toEqual({
      type: "down",
      from: "up",
      at: 3000,
      error: "first",
      failedChecks: 3,
    });
    // Down at t=3 s, back at t=7 s.
    expect(transitions[2]).toEqual({ type: "up", from: "down", at: 7000, outageMs: 4000 });
  });

  it("counts a warning as a success", () => {
    const { states, record } = run([ok, warn, warn, warn]);
    expect(states).toEqual(["up", "up", "up", "up"]);
    expect(record.failures).toBe(0);
    expect(record.last?.message).toBe("WARNING: slow");
  });

  it("keeps the first error of the streak, not the latest", () => {
    const { record } = run([ok, fail("ECONNREFUSED"), fail("timed out"), fail("timed out")]);
    expect(record.firstError).toBe("ECONNREFUSED");
    expect(record.last?.message).toBe("timed out");
  });

  it("fall 1 / rise 1 reacts to every change", () => {
    expect(run([ok, fail(), ok, fail()], { fall: 1, rise: 1 }).states).toEqual([
      "up",
      "down",
      "up",
      "down",
    ]);
  });

  it("property: a state change happens only after exactly fall failures or rise successes in a row", () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { maxLength: 200 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        (outcomes, fall, rise) => {
          let record = initialProbeRecord();
          let okRun = 0;
          let failRun = 0;
          outcomes.forEach((good, i) => {
            const before = record.state;
            okRun = good ? okRun + 1 : 0;
            failRun = good ? 0 : failRun + 1;
            const step = observeCheck(record, good ? ok : fail(), i, { fall, rise });
            record = step.record;
            if (step.transition?.type === "down") expect(failRun).toBeGreaterThanOrEqual(fall);
            if (step.transition?.type === "up" && before === "down") expect(okRun).toBe(rise);
            if (before === "up" && failRun >= fall) expect(record.state).toBe("down");
            if (before === "down" && okRun >= rise) expect(record.state).toBe("up");
            expect(record.checks).toBe(i + 1);
          });
        },
      ),
    );
  });

  it("property: the number of transitions is bounded by the input's changes", () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 300 }), (outcomes) => {
        const { transitions } = run(
          outcomes.map((g) => (g ? ok : fail())),
          { fall: 2, rise: 2 },
        );
        const flips = outcomes.filter((g, i) => i > 0 && g !== outcomes[i - 1]).length;
        expect(transitions.length).toBeLessThanOrEqual(flips + 1);
      }),
    );
  });
});
