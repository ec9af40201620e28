import { describe, expect, it } from "vitest";
import {
  holdsDown,
  initialRestartState,
  nextDailyAt,
  type RestartEffect,
  type RestartInput,
  type RestartPolicy,
  type RestartState,
  restartWakeAt,
  stepRestart,
} from "./restart-policy.js";

const policy: RestartPolicy = { attempts: 3, withinMs: 600_000, graceMs: 10_000 };

/** Drives the machine on a simulated clock: each entry is [ms since start, input]. */
function drive(
  inputs: Array<[number, RestartInput]>,
  p: RestartPolicy = policy,
  start = 0,
  initial?: RestartState,
): { state: RestartState; effects: RestartEffect[]; held: boolean[] } {
  let state = initial ?? initialRestartState(p, start);
  const effects: RestartEffect[] = [];
  const held: boolean[] = [];
  for (const [at, input] of inputs) {
    const r = stepRestart(state, input, start + at, p, "pbx");
    state = r.state;
    effects.push(...r.effects);
    held.push(holdsDown(state));
  }
  return { state, effects, held };
}

const down: RestartInput = { type: "down", error: "connection refused" };
const up: RestartInput = { type: "up" };
const done: RestartInput = { type: "finished", ok: true, message: "exit 0" };
const tick: RestartInput = { type: "tick" };

describe("stepRestart", () => {
  it("restarts on a down verdict and holds it back until the resource is up again", () => {
    const { state, effects, held } = drive([
      [1000, down],
      [1500, done],
      [3000, up],
    ]);
    expect(effects[0]).toEqual({ type: "run", attempt: 1, reason: "down: connection refused" });
    expect(held).toEqual([true, true, false]);
    expect(state.phase).toBe("idle");
    expect(state.total).toBe(1);
    expect(effects.at(-1)).toMatchObject({
      level: "info",
      message: 'resource "pbx" is up again after its restart 1/3',
    });
  });

  it("lets the failure count once the grace has run out with the resource still down", () => {
    const { effects, held, state } = drive([
      [1000, down],
      [1500, done],
      [11_000, tick],
      [11_500, tick],
    ]);
    expect(held).toEqual([true, true, true, false]);
    expect(state.phase).toBe("idle");
    expect(effects.at(-1)).toMatchObject({
      level: "warn",
      message: 'resource "pbx" is still down 10 s after its restart 1/3: its failure counts now',
    });
  });

  it("counts the failure at once when the restart command fails", () => {
    const { effects, held } = drive([
      [1000, down],
      [1200, { type: "finished", ok: false, message: "exit code 1" }],
    ]);
    expect(held).toEqual([true, false]);
    expect(effects.at(-1)).toMatchObject({
      level: "warn",
      message: 'restart 1/3 of "pbx" failed: exit code 1; its failure counts now',
    });
  });

  it("restarts at most `attempts` times within the window, then reports down", () => {
    const cycle = (t: number): Array<[number, RestartInput]> => [
      [t, down],
      [t + 100, done],
      [t + 2000, up],
    ];
    const { effects, held, state } = drive([
      ...cycle(0),
      ...cycle(60_000),
      ...cycle(120_000),
      [180_000, down],
    ]);
    const runs = effects.filter((e) => e.type === "run");
    expect(runs.map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(held.at(-1)).toBe(false);
    expect(state.phase).toBe("idle");
    expect(effects.at(-1)).toMatchObject({
      level: "warn",
      message:
        'resource "pbx" failed again after 3 restarts within 10 min: no more restarts, its failure counts now (connection refused)',
    });
  });

  it("forgets restarts older than the window", () => {
    const cycle = (t: number): Array<[number, RestartInput]> => [
      [t, down],
      [t + 100, done],
      [t + 2000, up],
    ];
    const { effects, held } = drive([
      ...cycle(0),
      ...cycle(100_000),
      ...cycle(200_000),
      [700_000, down],
    ]);
    expect(effects.filter((e) => e.type === "run").map((r) => r.attempt)).toEqual([1, 2, 3, 2]);
    expect(held.at(-1)).toBe(true);
  });

  it("asks for a tick at the end of the grace", () => {
    const { state } = drive([
      [1000, down],
      [1500, done],
    ]);
    expect(restartWakeAt(state)).toBe(11_500);
  });
});

describe("scheduled restarts", () => {
  const start = new Date(2026, 10, 28, 3, 0, 0).getTime();
  const daily: RestartPolicy = { ...policy, daily: { hour: 3, minute: 30 } };
  const halfPast = 30 * 60_000;

  it("runs at the local time while the node does not serve, without using an attempt", () => {
    const { effects, state, held } = drive(
      [
        [halfPast - 1, tick],
        [halfPast, tick],
        [halfPast + 100, done],
        [halfPast + 10_100, tick],
      ],
      daily,
      start,
    );
    expect(effects.filter((e) => e.type === "run")).toEqual([
      { type: "run", attempt: 0, reason: "scheduled restart (daily at 03:30) while not serving" },
    ]);
    expect(held).toEqual([false, true, true, false]);
    expect(state.recent).toEqual([]);
    expect(state.nextDaily).toBe(new Date(2026, 10, 29, 3, 30).getTime());
  });

  it("waits while the node serves and runs right after it stops serving", () => {
    const { effects } = drive(
      [
        [0, { type: "serving", serving: true }],
        [halfPast, tick],
        [halfPast + 3_600_000, tick],
        [halfPast + 3_600_001, { type: "serving", serving: false }],
      ],
      daily,
      start,
    );
    expect(effects.map((e) => e.type)).toEqual(["log", "run"]);
    expect(effects[0]).toMatchObject({
      message:
        'scheduled restart of "pbx" waits: this node serves; it runs when the node stops serving',
    });
  });

  it("computes the next local time of day", () => {
    expect(nextDailyAt(new Date(2026, 0, 1, 4, 0).getTime(), { hour: 3, minute: 30 })).toBe(
      new Date(2026, 0, 2, 3, 30).getTime(),
    );
    expect(nextDailyAt(new Date(2026, 0, 1, 2, 0).getTime(), { hour: 3, minute: 30 })).toBe(
      new Date(2026, 0, 1, 3, 30).getTime(),
    );
  });
});
