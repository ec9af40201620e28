import { describe, expect, it } from "vitest";
import { STARTUP_GRACE_MS } from "./election.js";
import { TIMER_PROFILES } from "./profiles.js";
import { pairOptions, Sim } from "./sim.test-helpers.js";
import type { EngineOptions } from "./types.js";

/** A pair started together and settled: a ACTIVE, b STANDBY. */
function settledPair(overrides: Partial<EngineOptions> = {}, settings = {}): Sim {
  const sim = new Sim(pairOptions(overrides), settings);
  sim.runFor(1000);
  return sim;
}

const transitionsOf = (sim: Sim, node: string) =>
  sim.effects(node, "setMode").filter((e, i, all) => i === 0 || all[i - 1]?.mode !== e.mode);

describe("start-up", () => {
  it("with no active, rank 1 becomes ACTIVE and rank 2 STANDBY", () => {
    const sim = settledPair();
    expect([sim.mode("a"), sim.mode("b")]).toEqual(["ACTIVE", "STANDBY"]);
    expect([sim.serving("a"), sim.serving("b")]).toEqual([true, false]);
    expect(sim.state("a").term).toBe(1);
    expect(sim.state("b").term).toBe(1);
  });

  it("stays STARTING until it has its health and a heartbeat answer (or a never-seen peer is gone for the start-up grace)", () => {
    const sim = new Sim(pairOptions());
    sim.kill("b");
    sim.runFor(150);
    expect(sim.mode("a")).toBe("STARTING");
    // Lost after `fall` misses, but a peer never heard from may only be booting slowly.
    sim.runFor(300);
    expect(sim.logs("a").join("\n")).toContain('peer "b" unreachable 3/3 (connection refused)');
    expect(sim.mode("a")).toBe("STARTING");
    sim.runFor(STARTUP_GRACE_MS);
    expect(sim.mode("a")).toBe("ACTIVE");
  });

  it("the primary wins when its agent starts up to the start-up grace after the secondary's", () => {
    const sim = new Sim(pairOptions());
    sim.kill("a");
    sim.runFor(STARTUP_GRACE_MS - 500);
    expect(sim.mode("b")).toBe("STARTING");
    sim.restart("a");
    sim.runFor(1000);
    expect([sim.mode("a"), sim.mode("b")]).toEqual(["ACTIVE", "STANDBY"]);
  });

  it("simultaneous restart: the primary wins", () => {
    const sim = settledPair();
    sim.command("b", "switchover", "b");
    sim.runFor(500);
    expect(sim.mode("b")).toBe("ACTIVE");
    sim.restart("a");
    sim.restart("b");
    sim.runFor(1000);
    expect([sim.mode("a"), sim.mode("b")]).toEqual(["ACTIVE", "STANDBY"]);
    expect(sim.state("a").term).toBeGreaterThan(2);
  });

  it("a node that starts while the peer is ACTIVE joins as STANDBY", () => {
    const sim = settledPair();
    sim.restart("a");
    sim.runFor(60);
    expect(sim.mode("b")).toBe("STANDBY");
    sim.runFor(100);
    sim.kill("a");
    sim.restart("a", 10_000);
    sim.runFor(1000);
    expect(sim.mode("b")).toBe("ACTIVE");
    sim.runFor(10_000);
    expect(sim.mode("a")).toBe("PEER_FENCED");
    const sim2 = settledPair();
    sim2.restart("b");
    sim2.runFor(1000);
    expect([sim2.mode("a"), sim2.mode("b")]).toEqual(["ACTIVE", "STANDBY"]);
  });
});

describe("failover", () => {
  it("active killed: the standby is ACTIVE after `fall` missed heartbeats, saying why", () => {
    const sim = settledPair();
    sim.kill("a");
    sim.runFor(250);
    expect(sim.mode("b")).toBe("STANDBY");
    sim.runFor(100);
    expect(sim.mode("b")).toBe("ACTIVE");
    expect(sim.serving("b")).toBe(true);
    expect(sim.state("b").term).toBe(2);
    const takeover = sim.effects("b", "log").find((l) => l.event === "takeover");
    expect(takeover?.message).toBe(
      'STANDBY → ACTIVE: peer "a" unreachable 3/3 (connection refused)',
    );
    expect(takeover?.cause).toMatchObject({ peer: "a", misses: 3, fall: 3 });
  });

  it("critical probe fails: self-fence at once, the standby takes over and fences until acked", () => {
    const sim = settledPair();
    const before = sim.trace.length;
    sim.setHealth("a", false, ["asterisk"]);
    const now = sim.trace
      .slice(before)
      .filter((e) => e.node === "a")
      .map((e) => e.effect);
    expect(now).toContainEqual(
      expect.objectContaining({ type: "setMode", mode: "SELF_FENCED", serving: false }),
    );
    expect(now).toContainEqual(expect.objectContaining({ type: "runHook", event: "self-fenced" }));
    const persisted = now.find((e) => e.type === "persist");
    expect(persisted).toMatchObject({ record: { mode: "SELF_FENCED", term: 1 } });
    sim.runFor(150);
    expect(sim.mode("b")).toBe("ACTIVE");
    expect(sim.state("b").term).toBe(2);
    expect(sim.mode("a")).toBe("PEER_FENCED");
    expect(sim.state("a").flags.selfFenced?.reason).toBe('critical probe "asterisk" down');
    expect(sim.state("a").flags.peerFenced).toMatchObject({ by: "b", term: 2 });
    const fences = sim.effects("b", "sendFence").length;
    sim.runFor(1000);
    expect(sim.effects("b", "sendFence").length).toBe(fences);
  });

  it("re-sends the fence every tick until the old active acknowledges it", () => {
    const sim = settledPair();
    sim.partition("a", "b");
    sim.runFor(500);
    expect(sim.mode("b")).toBe("ACTIVE");
    const during = sim.effects("b", "sendFence").length;
    expect(during).toBeGreaterThanOrEqual(3);
    sim.heal();
    sim.runFor(300);
    expect(sim.mode("a")).toBe("PEER_FENCED");
    const after = sim.effects("b", "sendFence").length;
    sim.runFor(1000);
    expect(sim.effects("b", "sendFence").length).toBe(after);
  });

  it("an on-active hook failure steps down when configured so", () => {
    const sim = new Sim(pairOptions());
    sim.failActiveHook("a", "vip move failed");
    sim.runFor(1000);
    expect(sim.state("a").flags.selfFenced?.reason).toBe("on-active hook failed: vip move failed");
    expect(sim.mode("b")).toBe("ACTIVE");
  });
});

describe("failback", () => {
  it("manual (default): the recovered primary stays fenced, awaiting recovery", () => {
    const sim = settledPair();
    sim.setHealth("a", false);
    sim.runFor(500);
    sim.setHealth("a", true);
    sim.runFor(60_000);
    expect(sim.mode("a")).toBe("PEER_FENCED");
    expect(sim.state("a").reason).toBe("awaiting recovery");
    expect(sim.mode("b")).toBe("ACTIVE");
    expect(sim.logs("a").filter((m) => m.includes("awaiting recovery"))).toHaveLength(1);
  });

  it("operator `activate` brings the primary back: planned, no double serving", () => {
    const sim = settledPair();
    sim.setHealth("a", false);
    sim.runFor(500);
    sim.setHealth("a", true);
    sim.runFor(500);
    sim.command("a", "activate");
    expect(sim.mode("a")).toBe("ACTIVE");
    expect(sim.serving("a")).toBe(false);
    sim.runFor(300);
    expect([sim.mode("a"), sim.mode("b")]).toEqual(["ACTIVE", "STANDBY"]);
    expect([sim.serving("a"), sim.serving("b")]).toEqual([true, false]);
    expect(sim.state("a").term).toBe(3);
    sim.runFor(5000);
    expect([sim.mode("a"), sim.mode("b")]).toEqual(["ACTIVE", "STANDBY"]);
  });

  it("the recovery sequence: suspend the active, clear fences, switch over back, resume", () => {
    const sim = settledPair();
    sim.setHealth("a", false);
    sim.runFor(500);
    sim.setHealth("a", true);
    sim.runFor(500);
    sim.command("b", "suspend");
    sim.command("a", "clear-fence");
    sim.command("b", "clear-fence");
    sim.runFor(500);
    expect(sim.mode("a")).toBe("STANDBY");
    expect(sim.mode("b")).toBe("ACTIVE");
    sim.command("a", "switchover", "a");
    sim.runFor(500);
    sim.command("b", "resume");
    sim.runFor(2000);
    expect([sim.mode("a"), sim.mode("b")]).toEqual(["ACTIVE", "STANDBY"]);
    expect(sim.state("b").flags).toMatchObject({ suspended: null, peerFenced: null });
    expect(sim.effects("a", "emit").some((e) => e.event === "switchover")).toBe(true);
  });

  it("auto: returns after `rise` healthy heartbeats AND minStableMs, never sooner", () => {
    const failback = { mode: "auto" as const, rise: 3, minStableMs: 2000 };
    const sim = settledPair({ failback });
    sim.setHealth("a", false);
    sim.runFor(500);
    sim.setHealth("a", true);
    const healthyAt = sim.t;
    sim.runFor(1990);
    expect(sim.mode("a")).toBe("PEER_FENCED");
    sim.runFor(120);
    expect(sim.mode("a")).toBe("ACTIVE");
    const back = sim.effects("a", "log").find((l) => l.event === "failback");
    expect(back?.cause).toMatchObject({ rise: 3, minStableMs: 2000 });
    expect(sim.t - healthyAt).toBeGreaterThanOrEqual(2000);
    sim.runFor(500);
    expect([sim.mode("a"), sim.mode("b")]).toEqual(["ACTIVE", "STANDBY"]);
  });

  it("auto: `rise` heartbeats are needed even after minStableMs", () => {
    const failback = { mode: "auto" as const, rise: 3, minStableMs: 200 };
    const sim = settledPair({ failback });
    sim.setHealth("a", false);
    sim.runFor(500);
    sim.partition("a", "b");
    sim.setHealth("a", true);
    sim.runFor(1000);
    sim.heal();
    sim.runFor(200);
    expect(sim.mode("a")).not.toBe("ACTIVE");
    sim.runFor(200);
    expect(sim.mode("a")).toBe("ACTIVE");
  });
});

describe("witness", () => {
  const witness = { kind: "http" as const };

  it("a standby that loses the peer and the witness does not take over", () => {
    const sim = settledPair({ witness });
    sim.partition("a", "b");
    sim.setWitness("b", false);
    sim.runFor(2000);
    expect(sim.mode("b")).toBe("STANDBY");
    expect(sim.mode("a")).toBe("ACTIVE");
    expect(sim.logs("b").join("\n")).toContain("not taking over");
  });

  it("an active that loses the peer and the witness for `fall` checks steps down", () => {
    const sim = settledPair({ witness });
    sim.partition("a", "b");
    sim.setWitness("a", false);
    sim.runFor(500);
    expect(sim.mode("a")).toBe("STANDBY");
    expect(sim.serving("a")).toBe(false);
    expect(sim.mode("b")).toBe("ACTIVE");
    sim.heal();
    sim.setWitness("a", true);
    sim.runFor(1000);
    expect([sim.mode("a"), sim.mode("b")]).toEqual(["PEER_FENCED", "ACTIVE"]);
  });

  it("without a witness, a standby that loses the peer takes over", () => {
    const sim = settledPair();
    sim.partition("a", "b");
    sim.runFor(500);
    expect(sim.mode("b")).toBe("ACTIVE");
  });
});

describe("partition heals with two actives", () => {
  /** Runs until the heal, then one heartbeat interval plus a round trip. */
  const oneExchange = 100 + 10;

  it("exactly one remains within one heartbeat exchange: the higher term", () => {
    const sim = settledPair();
    sim.partition("a", "b");
    sim.runFor(1000);
    expect([sim.mode("a"), sim.mode("b")]).toEqual(["ACTIVE", "ACTIVE"]);
    expect([sim.state("a").term, sim.state("b").term]).toEqual([1, 2]);
    sim.heal();
    sim.runFor(oneExchange);
    expect(sim.mode("b")).toBe("ACTIVE");
    expect(sim.mode("a")).not.toBe("ACTIVE");
    expect(sim.serving("a")).toBe(false);
  });

  it("same term: the lower rank wins", () => {
    const sim = new Sim(pairOptions());
    sim.partition("a", "b");
    sim.runFor(STARTUP_GRACE_MS + 1000);
    expect([sim.mode("a"), sim.mode("b")]).toEqual(["ACTIVE", "ACTIVE"]);
    expect([sim.state("a").term, sim.state("b").term]).toEqual([1, 1]);
    sim.heal();
    sim.runFor(oneExchange);
    expect([sim.mode("a"), sim.mode("b")]).toEqual(["ACTIVE", "STANDBY"]);
    expect(sim.logs("a").join("\n")).toContain(
      'term raised to 2 to outrank peer "b" (same term 1, lower rank 1 < 2)',
    );
    expect(sim.logs("b").join("\n")).toContain('two actives: peer "a" wins');
  });

  it("with the load-balancer witness, the node the VIP routes to wins", () => {
    const sim = new Sim(pairOptions({ witness: { kind: "load-balancer" } }));
    sim.partition("a", "b");
    sim.lbPin = "none";
    sim.runFor(STARTUP_GRACE_MS + 1000);
    expect([sim.mode("a"), sim.mode("b")]).toEqual(["ACTIVE", "ACTIVE"]);
    sim.lbPin = "b";
    sim.runFor(200);
    sim.heal();
    sim.runFor(oneExchange);
    expect([sim.mode("a"), sim.mode("b")]).toEqual(["STANDBY", "ACTIVE"]);
    expect(sim.logs("a").join("\n")).toContain("the load balancer routes to it");
    expect(sim.state("b").term).toBeGreaterThan(sim.state("a").term - 1);
  });
});

describe("freeze", () => {
  it("frozen for less than the peer needs to act: no failover", () => {
    const sim = settledPair();
    sim.freeze("a", 140);
    sim.runFor(2000);
    expect([sim.mode("a"), sim.mode("b")]).toEqual(["ACTIVE", "STANDBY"]);
    expect(sim.state("b").term).toBe(1);
  });

  it("a stall shorter than (fall - 1) × interval + timeout never stops the active serving", () => {
    const sim = settledPair();
    const t0 = sim.t;
    // fast profile: 2 × 100 + 80 = 280 ms; scheduling stalls under CPU load are shorter.
    for (const ms of [160, 200, 220]) {
      sim.freeze("a", ms);
      sim.runFor(1000);
    }
    expect([sim.mode("a"), sim.mode("b")]).toEqual(["ACTIVE", "STANDBY"]);
    const changes = sim.trace.filter((e) => e.t >= t0 && e.effect.type === "setMode");
    expect(changes).toEqual([]);
    expect(sim.logs("a").join("\n")).not.toContain("process was frozen");
  });
});

describe("active-active", () => {
  const aa = { clusterMode: "active-active" as const };

  it("both healthy nodes serve", () => {
    const sim = settledPair(aa);
    expect([sim.serving("a"), sim.serving("b")]).toEqual([true, true]);
    expect([sim.mode("a"), sim.mode("b")]).toEqual(["ACTIVE", "STANDBY"]);
  });

  it("activity on the secondary: take over, fence the primary, tell clients", () => {
    const sim = settledPair(aa);
    sim.activity("b");
    expect(sim.mode("b")).toBe("ACTIVE");
    expect(sim.state("b").term).toBe(2);
    expect(sim.effects("b", "emit").some((e) => e.event === "switchover")).toBe(true);
    sim.runFor(100);
    expect(sim.mode("a")).toBe("PEER_FENCED");
    expect(sim.serving("a")).toBe(false);
  });

  it("activity on the primary changes nothing", () => {
    const sim = settledPair(aa);
    const before = sim.trace.length;
    sim.activity("a");
    expect(sim.trace.length).toBe(before);
  });
});

describe("flapping", () => {
  /** Critical probe on a down/up every 3 s for 5 minutes. */
  function flap(sim: Sim, node: string): void {
    for (let i = 0; i < 100; i++) {
      sim.setHealth(node, i % 2 === 1);
      sim.runFor(3000);
    }
  }

  it("manual failback: one failover, the fenced node stays fenced", () => {
    const sim = settledPair();
    flap(sim, "a");
    expect(transitionsOf(sim, "b").filter((e) => e.mode === "ACTIVE")).toHaveLength(1);
    expect(sim.mode("b")).toBe("ACTIVE");
    expect(transitionsOf(sim, "a").filter((e) => e.mode === "ACTIVE")).toHaveLength(1);
  });

  it("auto failback: minStableMs prevents a return while flapping", () => {
    const sim = settledPair({ failback: { mode: "auto", rise: 3, minStableMs: 5000 } });
    flap(sim, "a");
    expect(transitionsOf(sim, "b").filter((e) => e.mode === "ACTIVE")).toHaveLength(1);
    expect(sim.mode("b")).toBe("ACTIVE");
  });
});

describe("config mismatch", () => {
  it("never takes over, and says so once", () => {
    const [a, b] = pairOptions();
    const sim = new Sim([a, { ...b, configHash: "3c4d5e6f" }]);
    sim.runFor(1000);
    sim.kill("a");
    sim.runFor(2000);
    expect(sim.mode("b")).toBe("STANDBY");
    const said = sim
      .logs("b")
      .filter((m) => m.includes('cluster config differs from peer "a" (hash 3c4d… vs 1a2b…)'));
    expect(said.length).toBeGreaterThanOrEqual(1);
    expect(sim.logs("b").some((m) => m.endsWith("not taking over"))).toBe(true);
  });
});

describe("operator commands", () => {
  it("deactivate on the active forces a failover; twice is one transition", () => {
    const sim = settledPair();
    sim.command("a", "deactivate");
    sim.command("a", "deactivate");
    sim.runFor(300);
    expect([sim.mode("a"), sim.mode("b")]).toEqual(["PEER_FENCED", "ACTIVE"]);
    expect(transitionsOf(sim, "a").filter((e) => e.mode === "SELF_FENCED")).toHaveLength(1);
    expect(
      sim.logs("a").filter((m) => m.includes("deactivate") || m.includes("deactivated by alice")),
    ).toHaveLength(2);
  });

  it("deactivate on the standby suspends takeover and fencing", () => {
    const sim = settledPair();
    sim.command("b", "deactivate");
    sim.kill("a");
    sim.runFor(2000);
    expect(sim.mode("b")).toBe("STANDBY");
    expect(sim.state("b").flags.suspended?.by).toBe("alice");
    sim.command("b", "resume");
    sim.runFor(100);
    expect(sim.mode("b")).toBe("ACTIVE");
  });

  it("failover on the standby takes over and fences the active", () => {
    const sim = settledPair();
    sim.command("b", "failover");
    sim.runFor(100);
    expect([sim.mode("a"), sim.mode("b")]).toEqual(["PEER_FENCED", "ACTIVE"]);
  });

  it("switchover --to b from the active: planned, no fencing, b ACTIVE in term+1", () => {
    const sim = settledPair();
    sim.command("a", "switchover", "b");
    sim.command("a", "switchover", "b");
    sim.runFor(300);
    expect([sim.mode("a"), sim.mode("b")]).toEqual(["STANDBY", "ACTIVE"]);
    expect(sim.state("b").term).toBe(2);
    expect(sim.effects("b", "sendFence")).toEqual([]);
    expect(sim.effects("b", "emit").filter((e) => e.event === "switchover")).toHaveLength(1);
    sim.runFor(5000);
    expect([sim.mode("a"), sim.mode("b")]).toEqual(["STANDBY", "ACTIVE"]);
  });

  it("activate twice is one transition, and every command is logged with who asked", () => {
    const sim = settledPair();
    sim.command("b", "activate", undefined, "bob");
    sim.command("b", "activate", undefined, "bob");
    sim.runFor(300);
    expect(transitionsOf(sim, "b").filter((e) => e.mode === "ACTIVE")).toHaveLength(1);
    expect(sim.logs("b").filter((m) => m.includes("bob"))).toHaveLength(2);
  });

  it("clear-fence lifts both fences on a fenced node", () => {
    const sim = settledPair();
    sim.setHealth("a", false);
    sim.runFor(500);
    sim.setHealth("a", true);
    sim.command("b", "suspend");
    sim.command("a", "clear-fence");
    sim.runFor(500);
    expect(sim.mode("a")).toBe("STANDBY");
    expect(sim.state("a").flags).toMatchObject({ selfFenced: null, peerFenced: null });
  });
});

describe("restart with persisted fencing", () => {
  it("a node restarted fenced stays fenced until an operator clears it", () => {
    const sim = settledPair();
    sim.setHealth("a", false);
    sim.runFor(500);
    sim.setHealth("a", true);
    sim.runFor(100);
    expect(sim.persisted("a")?.flags.peerFenced?.by).toBe("b");
    sim.restart("a");
    sim.runFor(10_000);
    expect(sim.mode("a")).toBe("PEER_FENCED");
    sim.kill("b");
    sim.runFor(10_000);
    expect(sim.mode("a")).toBe("PEER_FENCED");
    sim.command("a", "activate");
    expect(sim.mode("a")).toBe("ACTIVE");
  });

  it("term never goes back across restarts", () => {
    const sim = settledPair();
    sim.kill("a");
    sim.runFor(500);
    sim.restart("a");
    sim.runFor(500);
    expect(sim.persisted("a")?.term).toBe(2);
    expect(sim.state("a").term).toBe(2);
  });
});

describe("observations", () => {
  it("reports a clock skew over 1 s once per episode", () => {
    const sim = settledPair();
    sim.skewWallClock("b", 1500);
    sim.runFor(2000);
    sim.skewWallClock("b", 0);
    sim.runFor(500);
    const skew = sim.logs("a").filter((m) => m.includes('clock of peer "b"'));
    expect(skew).toHaveLength(2);
    expect(skew[0]).toMatch(/^clock of peer "b" differs by 1\d{3} ms \(more than 1000 ms\)$/);
    expect(skew[1]).toBe('clock of peer "b" back within 1000 ms');
  });
});

describe("never none: a node keeps the calls when nobody can take them", () => {
  it("a critical probe fails while the peer is fenced: the active serves on, degraded, and says so", () => {
    const sim = settledPair();
    sim.setHealth("a", false);
    sim.runFor(1000);
    expect([sim.mode("a"), sim.mode("b")]).toEqual(["PEER_FENCED", "ACTIVE"]);
    // Now b, the survivor, loses a critical resource too: a is fenced and cannot take over.
    sim.setHealth("b", false, ["pbx"]);
    sim.runFor(1000);
    expect(sim.mode("b")).toBe("ACTIVE");
    expect(sim.serving("b")).toBe(true);
    expect(sim.state("b").reason).toMatch(
      /^serving degraded: critical probe "pbx" down, and no other node can take over \(peer "a" is PEER_FENCED\)/,
    );
    expect(sim.logs("b").filter((l) => l.startsWith("serving degraded"))).toHaveLength(1);
    // The operator brings a back to standby: now b hands over by fencing itself.
    sim.setHealth("a", true);
    sim.runFor(500);
    sim.command("b", "clear-fence");
    sim.command("a", "clear-fence");
    sim.runFor(1000);
    expect(sim.mode("a")).toBe("ACTIVE");
    expect(["SELF_FENCED", "PEER_FENCED"]).toContain(sim.mode("b"));
  });

  it("a critical probe fails while the peer is unreachable: no self-fence", () => {
    const sim = settledPair();
    sim.kill("b");
    sim.runFor(1000);
    sim.setHealth("a", false);
    sim.runFor(1000);
    expect([sim.mode("a"), sim.serving("a")]).toEqual(["ACTIVE", true]);
  });

  it("deactivate and failover on the only node that can serve are refused unless forced", () => {
    const sim = settledPair();
    sim.kill("b");
    sim.runFor(1000);
    sim.command("a", "deactivate");
    sim.command("a", "failover");
    sim.runFor(100);
    expect(sim.mode("a")).toBe("ACTIVE");
    const refusals = sim.logs("a").filter((l) => l.includes("nobody would serve"));
    expect(refusals).toHaveLength(2);
    expect(refusals[0]).toMatch(
      /^deactivate by alice: refused: no other node can take over \(peer "b" unreachable\), so nobody would serve; add --force/,
    );
    sim.command("a", "deactivate", undefined, "alice", true);
    sim.runFor(100);
    expect(sim.mode("a")).toBe("SELF_FENCED");
  });

  it("a peer that comes back is a successor only after rise answers in a row", () => {
    const options = pairOptions({
      heartbeat: { intervalMs: 100, timeoutMs: 80, fall: 3, rise: 6 },
    });
    const sim = new Sim(options);
    sim.runFor(1000);
    sim.kill("b");
    sim.runFor(1000);
    sim.restart("b");
    sim.runFor(350);
    expect(sim.mode("b")).toBe("STANDBY");
    sim.command("a", "deactivate");
    sim.runFor(10);
    expect(sim.mode("a")).toBe("ACTIVE");
    expect(sim.logs("a").join("\n")).toMatch(/peer "b" answered [1-5] of 6 heartbeats in a row/);
    sim.runFor(1000);
    sim.command("a", "deactivate");
    sim.runFor(1000);
    expect(sim.mode("b")).toBe("ACTIVE");
  });
});

describe("persist before serving", () => {
  it("a takeover's persist comes before everything in its step that shows the new term", () => {
    const sim = settledPair();
    sim.kill("a");
    sim.runFor(1000);
    const steps = new Map<number, string[]>();
    for (const e of sim.trace.filter((x) => x.node === "b")) {
      const list = steps.get(e.t) ?? [];
      list.push(e.effect.type === "setMode" && e.effect.serving ? "serve" : e.effect.type);
      steps.set(e.t, list);
    }
    const takeover = [...steps.values()].find((l) => l.includes("serve"));
    expect(takeover).toBeDefined();
    const types = takeover ?? [];
    const persist = types.indexOf("persist");
    expect(persist).toBeGreaterThanOrEqual(0);
    // The hook, the fence request and the client event of the takeover all come after it.
    for (const revealing of ["serve", "runHook", "sendFence", "emit"]) {
      const at = types.indexOf(revealing);
      if (at >= 0) expect(at, `${revealing} in ${types.join(", ")}`).toBeGreaterThan(persist);
    }
    expect(types).toContain("runHook");
  });
});

describe("heartbeat loss: only silence counts", () => {
  it("a beat that times out after something newer was heard from the peer is not a miss", () => {
    const sim = settledPair();
    const heardAt = sim.state("a").peers.b?.heardAt ?? 0;
    sim.input("a", { type: "heartbeatFailed", peer: "b", error: "timeout", sentAt: heardAt - 1 });
    expect(sim.state("a").peers.b?.misses).toBe(0);
    sim.input("a", { type: "heartbeatFailed", peer: "b", error: "timeout", sentAt: heardAt + 1 });
    expect(sim.state("a").peers.b?.misses).toBe(1);
  });

  // The tight profile: one beat leaves every 20 ms and each waits 90 ms, so several are always
  // in flight; a peer is lost after 130 ms of silence.
  const tight = { heartbeat: TIMER_PROFILES.tight };

  it("with overlapping beats and 5 % loss both ways, ten minutes pass without a lost peer", () => {
    const sim = settledPair(tight, { dropRate: 0.05, seed: 7 });
    const t0 = sim.t;
    sim.runFor(600_000);
    for (const n of ["a", "b"]) expect(sim.logs(n).join("\n")).not.toContain("unreachable");
    expect(sim.trace.filter((e) => e.t >= t0 && e.effect.type === "setMode")).toEqual([]);
  });

  it("a silent active is lost within (fall − 1) × interval + timeout + interval of its last answer", () => {
    const sim = settledPair(tight);
    sim.freeze("a", 5000);
    const frozenAt = sim.t;
    sim.runFor(200);
    const lost = sim.trace.find(
      (e) => e.node === "b" && e.effect.type === "log" && e.effect.message.includes("unreachable"),
    );
    expect(lost?.t).toBeDefined();
    expect((lost?.t ?? 0) - frozenAt).toBeLessThanOrEqual(2 * 20 + 90 + 20);
    expect(sim.serving("b")).toBe(true);
  });
});
