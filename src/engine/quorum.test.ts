import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type QuorumSimSettings, quorumOptions, SimEtcd } from "./quorum-sim.test-helpers.js";
import { Sim } from "./sim.test-helpers.js";
import { COMMAND_NAMES, type CommandName, type Effect } from "./types.js";

const LEASE: QuorumSimSettings = { ttlMs: 1000, keepAliveMs: 250, marginMs: 150, latencyMs: 2 };

/** Nodes serving at the same simulated instant, recorded after every step of every node. */
class DoubleServing {
  readonly samples: string[] = [];
  check(sim: Sim, names: string[]): void {
    const serving = names.filter((n) => sim.serving(n));
    if (serving.length > 1) this.samples.push(`${sim.t}: ${serving.join(" and ")} serving`);
  }
}

function cluster(
  count: number,
  settings: Partial<{ fastTakeover: boolean; dropRate: number; seed: number }> = {},
) {
  const options = quorumOptions(count, settings.fastTakeover ?? true);
  const names = options.map((o) => o.self.name);
  const doubles = new DoubleServing();
  let etcd: SimEtcd | null = null;
  const sim = new Sim(options, {
    dropRate: settings.dropRate ?? 0,
    seed: settings.seed ?? 1,
    onStep: (s: Sim, name: string, effects: Effect[]) => {
      etcd?.onStep(name, effects);
      doubles.check(s, names);
    },
  });
  etcd = new SimEtcd(sim, names, LEASE);
  return { sim, etcd, names, doubles };
}

/** The first simulated time ≥ now at which `node` serves, polling every millisecond. */
function servesWithin(sim: Sim, node: string, limitMs: number): number | null {
  const start = sim.t;
  while (sim.t - start <= limitMs) {
    if (sim.serving(node)) return sim.t - start;
    sim.runFor(1);
  }
  return null;
}

describe("quorum rules (simulated etcd)", () => {
  it("the best-ranked node takes the key; its term is the key's revision", () => {
    const { sim, etcd, doubles } = cluster(3);
    sim.runFor(4000);
    expect(sim.mode("n1")).toBe("ACTIVE");
    expect(sim.serving("n1")).toBe(true);
    expect(["n2", "n3"].map((n) => sim.mode(n))).toEqual(["STANDBY", "STANDBY"]);
    expect(sim.state("n1").term).toBe(etcd.key?.revision);
    expect(doubles.samples).toEqual([]);
  });

  it("a killed holder is replaced as soon as its port refuses, without waiting for its lease", () => {
    const { sim, etcd, doubles } = cluster(3);
    sim.runFor(4000);
    etcd.kill("n1");
    const took = servesWithin(sim, "n2", 2000);
    expect(took).not.toBeNull();
    expect(took).toBeLessThan(LEASE.ttlMs / 4);
    expect(sim.mode("n3")).toBe("STANDBY");
    expect(sim.logs("n2").some((m) => m.includes("refuses connections"))).toBe(true);
    expect(doubles.samples).toEqual([]);
  });

  it("without fastTakeover a killed holder's lease runs out first", () => {
    const { sim, etcd } = cluster(2, { fastTakeover: false });
    sim.runFor(4000);
    etcd.kill("n1");
    const took = servesWithin(sim, "n2", 3000);
    expect(took).toBeGreaterThanOrEqual(LEASE.ttlMs - LEASE.latencyMs * 2);
  });

  it("a holder frozen longer than its lease never serves beside the new holder", () => {
    const { sim, doubles } = cluster(2);
    sim.runFor(4000);
    sim.freeze("n1", 2500);
    sim.runFor(2400);
    expect(sim.serving("n2")).toBe(true);
    sim.runFor(2000);
    expect(sim.mode("n1")).toBe("STANDBY");
    expect(sim.logs("n1").some((m) => m.includes("lost the quorum key"))).toBe(true);
    expect(doubles.samples).toEqual([]);
  });

  it("a partition between the nodes changes nothing while both reach etcd", () => {
    const { sim, doubles } = cluster(2);
    sim.runFor(4000);
    sim.partition("n1", "n2");
    sim.runFor(5000);
    expect(sim.serving("n1")).toBe(true);
    expect(sim.serving("n2")).toBe(false);
    expect(sim.state("n2").reason).toContain('waiting for the quorum key (held by "n1"');
    expect(doubles.samples).toEqual([]);
  });

  it("a holder cut from etcd stops serving before its lease can expire there", () => {
    const { sim, etcd, doubles } = cluster(2);
    sim.runFor(4000);
    const revision = etcd.key?.revision;
    etcd.cutFrom("n1");
    let stoppedAt: number | null = null;
    let expiredAt: number | null = null;
    for (let i = 0; i < 3000; i++) {
      sim.runFor(1);
      if (stoppedAt === null && !sim.serving("n1")) stoppedAt = sim.t;
      if (expiredAt === null && etcd.key?.revision !== revision) expiredAt = sim.t;
    }
    expect(stoppedAt).not.toBeNull();
    expect(expiredAt).not.toBeNull();
    expect(stoppedAt ?? 0).toBeLessThan(expiredAt ?? 0);
    expect(sim.serving("n2")).toBe(true);
    expect(sim.logs("n1").some((m) => m.includes("lease deadline passed"))).toBe(true);
    expect(doubles.samples).toEqual([]);
  });

  it("a holder whose critical probe fails gives the key back at once", () => {
    const { sim, doubles } = cluster(2);
    sim.runFor(4000);
    sim.setHealth("n1", false);
    const took = servesWithin(sim, "n2", 2000);
    expect(took).not.toBeNull();
    expect(took).toBeLessThan(50);
    expect(sim.mode("n1")).toBe("SELF_FENCED");
    expect(doubles.samples).toEqual([]);
  });

  it("a planned switchover hands the key over", () => {
    const { sim, doubles } = cluster(2);
    sim.runFor(4000);
    sim.command("n1", "switchover", "n2");
    expect(servesWithin(sim, "n2", 1000)).not.toBeNull();
    sim.runFor(1000);
    expect(sim.mode("n1")).toBe("STANDBY");
    expect(doubles.samples).toEqual([]);
  });
});

type Action =
  | { kind: "kill" | "restart" | "cutEtcd"; node: number }
  | { kind: "freeze"; node: number; ms: number }
  | { kind: "partition"; node: number; other: number }
  | { kind: "heal" }
  | { kind: "health"; node: number; ok: boolean }
  | { kind: "command"; node: number; command: CommandName; target: number };

const nodeIndex = fc.integer({ min: 0, max: 2 });
const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({
    kind: fc.constantFrom("kill" as const, "restart" as const, "cutEtcd" as const),
    node: nodeIndex,
  }),
  fc.record({
    kind: fc.constant("freeze" as const),
    node: nodeIndex,
    ms: fc.integer({ min: 20, max: 3000 }),
  }),
  fc.record({ kind: fc.constant("partition" as const), node: nodeIndex, other: nodeIndex }),
  fc.record({ kind: fc.constant("heal" as const) }),
  fc.record({ kind: fc.constant("health" as const), node: nodeIndex, ok: fc.boolean() }),
  fc.record({
    kind: fc.constant("command" as const),
    node: nodeIndex,
    command: fc.constantFrom(...COMMAND_NAMES),
    target: nodeIndex,
  }),
);

function perform(sim: Sim, etcd: SimEtcd, names: string[], a: Action): void {
  const pick = (i: number) => names[i % names.length] ?? "n1";
  const n = a.kind === "heal" ? "n1" : pick(a.node);
  switch (a.kind) {
    case "kill":
      etcd.kill(n);
      return;
    case "restart":
      etcd.restart(n);
      return;
    case "cutEtcd":
      etcd.cutFrom(n);
      return;
    case "freeze":
      sim.freeze(n, a.ms);
      return;
    case "partition":
      sim.partition(n, pick(a.other));
      return;
    case "heal":
      sim.heal();
      etcd.healAll();
      return;
    case "health":
      sim.setHealth(n, a.ok);
      return;
    case "command":
      sim.command(n, a.command, a.command === "switchover" ? pick(a.target) : undefined);
      return;
  }
}

describe("quorum properties (random kills, freezes, partitions, etcd cuts, commands)", () => {
  it("never two nodes serving at the same instant, with 2 or 3 nodes and 5 % heartbeat loss", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(2, 3),
        fc.boolean(),
        fc.array(action, { maxLength: 25 }),
        fc.array(fc.integer({ min: 10, max: 3000 }), { minLength: 25, maxLength: 25 }),
        fc.integer(),
        (count, fastTakeover, actions, gaps, seed) => {
          const { sim, etcd, names, doubles } = cluster(count, {
            fastTakeover,
            dropRate: 0.05,
            seed,
          });
          sim.runFor(3000);
          actions.forEach((a, i) => {
            perform(sim, etcd, names, a);
            sim.runFor(gaps[i] ?? 500);
          });
          expect(doubles.samples).toEqual([]);
        },
      ),
      { numRuns: 120 },
    );
  });

  it("once faults stop, exactly one healthy node serves again", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(2, 3),
        fc.array(action, { maxLength: 15 }),
        fc.integer(),
        (count, actions, seed) => {
          const { sim, etcd, names } = cluster(count, { seed });
          sim.runFor(3000);
          for (const a of actions) {
            perform(sim, etcd, names, a);
            sim.runFor(700);
          }
          sim.heal();
          etcd.healAll();
          for (const n of names) {
            if (!sim.running(n)) etcd.restart(n);
          }
          sim.runFor(1000);
          // Fences and suspensions are the operator's to lift: lift them, as recovery would.
          for (const n of names) {
            sim.setHealth(n, true);
            sim.command(n, "clear-fence");
            sim.command(n, "resume");
          }
          sim.runFor(8000);
          const serving = names.filter((n) => sim.serving(n));
          expect(
            serving,
            names.map((n) => `${n} ${sim.mode(n)} ${sim.state(n).reason}`).join("\n"),
          ).toHaveLength(1);
        },
      ),
      { numRuns: 60 },
    );
  });
});
