import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pairOptions, Sim } from "./sim.test-helpers.js";
import { COMMAND_NAMES, type CommandName, type Effect, type EngineOptions } from "./types.js";

const NODES = ["a", "b"] as const;
const INTERVAL = 100;
const FALL = 3;
/**
 * After a heal, two actives may coexist until the loser hears the winner. With 5 % loss an
 * exchange can be lost, so allow `fall` intervals plus a timeout (the scenario tests check the
 * one-exchange bound without loss).
 */
const HEAL_GRACE_MS = FALL * INTERVAL + 80;

type Action =
  | { kind: "kill"; node: string }
  | { kind: "restart"; node: string }
  | { kind: "freeze"; node: string; ms: number }
  | { kind: "jump"; node: string; ms: number }
  | { kind: "partition" }
  | { kind: "heal" }
  | { kind: "witness"; node: string; ok: boolean }
  | { kind: "health"; node: string; ok: boolean }
  | { kind: "command"; node: string; command: CommandName; target: string }
  | { kind: "activity"; node: string };

const node = fc.constantFrom(...NODES);

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constantFrom("kill" as const, "restart" as const), node }),
  fc.record({ kind: fc.constant("freeze" as const), node, ms: fc.integer({ min: 20, max: 1500 }) }),
  fc.record({ kind: fc.constant("jump" as const), node, ms: fc.integer({ min: 1, max: 1000 }) }),
  fc.record({ kind: fc.constantFrom("partition" as const, "heal" as const) }),
  fc.record({
    kind: fc.constantFrom("witness" as const, "health" as const),
    node,
    ok: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant("command" as const),
    node,
    command: fc.constantFrom(...COMMAND_NAMES),
    target: node,
  }),
  fc.record({ kind: fc.constant("activity" as const), node }),
);

const config = fc.record({
  witness: fc.constantFrom(null, { kind: "http" as const }),
  clusterMode: fc.constantFrom("hot-standby" as const, "active-active" as const),
  failback: fc.constantFrom(
    { mode: "manual" as const, rise: 3, minStableMs: 2000 },
    { mode: "auto" as const, rise: 3, minStableMs: 2000 },
  ),
});

/** Applies one random action to the simulation. */
const PERFORM: { [K in Action["kind"]]: (sim: Sim, a: Extract<Action, { kind: K }>) => void } = {
  kill: (sim, a) => sim.kill(a.node),
  restart: (sim, a) => sim.restart(a.node),
  freeze: (sim, a) => sim.freeze(a.node, a.ms),
  jump: (sim, a) => sim.jumpClock(a.node, a.ms),
  partition: (sim) => sim.partition("a", "b"),
  heal: (sim) => sim.heal(),
  witness: (sim, a) => sim.setWitness(a.node, a.ok),
  health: (sim, a) => sim.setHealth(a.node, a.ok),
  command: (sim, a) =>
    sim.command(a.node, a.command, a.command === "switchover" ? a.target : undefined),
  activity: (sim, a) => sim.activity(a.node),
};

function perform(sim: Sim, a: Action): void {
  (PERFORM[a.kind] as (sim: Sim, a: Action) => void)(sim, a);
}

/** Invariants checked after every engine step. */
class Checker {
  readonly violations: string[] = [];
  private maxTerm = new Map<string, number>();
  /** When the a–b link last came back (or the run began). */
  linkedSince = 0;

  check(sim: Sim, name: string, effects: Effect[]): void {
    const term = sim.state(name).term;
    const prev = this.maxTerm.get(name) ?? 0;
    if (term < prev) this.violations.push(`${sim.t}: term of ${name} went ${prev} → ${term}`);
    this.maxTerm.set(name, Math.max(prev, term));
    const setModes = effects.filter((e) => e.type === "setMode");
    const logs = effects.filter((e) => e.type === "log");
    if (setModes.length > 0 && !logs.some((l) => l.message && Object.keys(l.cause).length > 0)) {
      this.violations.push(`${sim.t}: setMode on ${name} without a logged cause`);
    }
    const both = NODES.every((n) => sim.serving(n) && sim.mode(n) === "ACTIVE");
    const sameTerm = sim.state("a").term === sim.state("b").term;
    const connected = sim.linked("a", "b") && sim.t - this.linkedSince > HEAL_GRACE_MS;
    if (both && sameTerm && connected) {
      this.violations.push(
        `${sim.t}: a and b both ACTIVE and serving in term ${sim.state("a").term}`,
      );
    }
  }
}

function run(
  options: [EngineOptions, EngineOptions],
  actions: Action[],
  gaps: number[],
  seed: number,
) {
  const checker = new Checker();
  const sim = new Sim(options, {
    dropRate: 0.05,
    seed,
    onStep: (s, name, effects) => checker.check(s, name, effects),
  });
  sim.runFor(1000);
  actions.forEach((a, i) => {
    const wasLinked = sim.linked("a", "b");
    perform(sim, a);
    if (!wasLinked && sim.linked("a", "b")) checker.linkedSince = sim.t;
    sim.runFor(gaps[i] ?? 500);
  });
  sim.heal();
  checker.linkedSince = sim.t;
  for (const n of NODES) if (!sim.running(n)) sim.restart(n);
  sim.runFor(5000);
  return { sim, checker };
}

describe("engine properties (random faults, 5 % heartbeat loss)", () => {
  it("no two actives serving in one term while connected; terms never decrease; every setMode has a logged cause", () => {
    fc.assert(
      fc.property(
        config,
        fc.array(action, { maxLength: 25 }),
        fc.array(fc.integer({ min: 10, max: 2500 }), { minLength: 25, maxLength: 25 }),
        fc.integer(),
        (cfg, actions, gaps, seed) => {
          const { checker } = run(pairOptions(cfg), actions, gaps, seed);
          expect(checker.violations).toEqual([]);
        },
      ),
      { numRuns: 400 },
    );
  }, 120_000);

  it("terms never decrease across restarts (persisted record included)", () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 20 }), fc.integer(), (actions, seed) => {
        const gaps = actions.map(() => 700);
        const { sim } = run(pairOptions(), actions, gaps, seed);
        for (const n of NODES) {
          const persisted = sim.persisted(n)?.term ?? 0;
          expect(sim.state(n).term).toBeGreaterThanOrEqual(persisted);
        }
      }),
      { numRuns: 60 },
    );
  });
});

/**
 * The bound on mode transitions per node in any 60 s window under a flapping critical probe.
 * Manual failback: the active fences itself and is fenced by the peer (2 transitions), the
 * peer takes over (1), and nothing returns by itself: at most 3. Auto failback: one cycle is at
 * most 3 transitions per node (ACTIVE → SELF_FENCED → PEER_FENCED → ACTIVE) and a return needs
 * `minStableMs` of unbroken health, so at most 3 × (⌈60 s / minStableMs⌉ + 1).
 */
function transitionBound(failback: EngineOptions["failback"]): number {
  if (failback.mode === "manual") return 3;
  return 3 * (Math.ceil(60_000 / failback.minStableMs) + 1);
}

describe("transitions per minute under a flapping probe", () => {
  it("stay within transitionBound for manual and auto failback", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          { mode: "manual" as const, rise: 3, minStableMs: 10_000 },
          { mode: "auto" as const, rise: 3, minStableMs: 10_000 },
          { mode: "auto" as const, rise: 3, minStableMs: 3_000 },
        ),
        fc.constantFrom("a", "b"),
        fc.array(fc.integer({ min: 300, max: 6000 }), { minLength: 40, maxLength: 80 }),
        fc.integer(),
        (failback, flapper, periods, seed) => {
          const sim = new Sim(pairOptions({ failback }), { dropRate: 0.05, seed });
          sim.runFor(1000);
          const start = sim.trace.length;
          periods.forEach((ms, i) => {
            sim.setHealth(flapper, i % 2 === 1);
            sim.runFor(ms);
          });
          const bound = transitionBound(failback);
          for (const n of NODES) {
            const times = sim.trace
              .slice(start)
              .filter(
                (e) => e.node === n && e.effect.type === "log" && e.effect.message.includes(" → "),
              )
              .map((e) => e.t);
            const worst = Math.max(
              0,
              ...times.map((t, i) => times.slice(i).filter((u) => u < t + 60_000).length),
            );
            expect(
              worst,
              `${n}: ${worst} transitions in a minute (bound ${bound})`,
            ).toBeLessThanOrEqual(bound);
          }
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});
