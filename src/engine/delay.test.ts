import { describe, expect, it } from "vitest";
import { expectedFailoverDelay } from "./delay.js";
import { TIMER_PROFILES } from "./profiles.js";
import { pairOptions, Sim } from "./sim.test-helpers.js";

describe("expectedFailoverDelay", () => {
  it("worst = fall × interval + timeout, typical = worst − interval / 2", () => {
    expect(expectedFailoverDelay(TIMER_PROFILES.lan)).toEqual({
      typicalMs: 1650,
      worstMs: 1900,
      warnings: [],
    });
    expect(expectedFailoverDelay(TIMER_PROFILES.fast)).toMatchObject({
      typicalMs: 330,
      worstMs: 380,
    });
    expect(expectedFailoverDelay(TIMER_PROFILES.wan)).toMatchObject({
      typicalMs: 8500,
      worstMs: 9500,
    });
  });

  it("warns when a silence shorter than a scheduling stall counts as a lost peer, and about a fall of 1", () => {
    const { warnings } = expectedFailoverDelay({
      intervalMs: 20,
      timeoutMs: 50,
      fall: 1,
      rise: 1,
    });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain("a peer silent for 50 ms");
    expect(warnings[1]).toContain("fall of 1");
    // Overlapping beats are fine: only silence counts.
    expect(
      expectedFailoverDelay({ intervalMs: 20, timeoutMs: 90, fall: 3, rise: 3 }).warnings,
    ).toEqual([]);
  });

  it("takes the load balancer's delay when it is slower, and says so", () => {
    const r = expectedFailoverDelay(TIMER_PROFILES.fast, {
      intervalMs: 2000,
      timeoutMs: 1000,
      fall: 3,
    });
    expect(r.worstMs).toBe(7000);
    expect(r.typicalMs).toBe(6000);
    expect(r.warnings.join()).toContain("load balancer needs up to 7000 ms");
    expect(
      expectedFailoverDelay(TIMER_PROFILES.lan, { intervalMs: 200, timeoutMs: 100, fall: 2 })
        .warnings,
    ).toEqual([]);
  });
});

describe("TIMER_PROFILES", () => {
  it("every profile waits out a scheduling stall and has a fall above 1", () => {
    for (const t of Object.values(TIMER_PROFILES))
      expect(expectedFailoverDelay(t).warnings).toEqual([]);
  });

  it("fast: a killed active is replaced (standby ACTIVE and serving) in ≤ 300 ms median", () => {
    const delays: number[] = [];
    for (let phase = 0; phase < 100; phase += 5) {
      const sim = new Sim(pairOptions({ heartbeat: TIMER_PROFILES.fast }));
      sim.runFor(1000 + phase);
      sim.kill("a");
      const killedAt = sim.t;
      while (!sim.serving("b") && sim.t - killedAt < 2000) sim.runFor(1);
      delays.push(sim.t - killedAt);
    }
    delays.sort((x, y) => x - y);
    const median = delays[Math.floor(delays.length / 2)] ?? Number.POSITIVE_INFINITY;
    expect(median).toBeLessThanOrEqual(300);
    expect(delays.at(-1)).toBeLessThanOrEqual(expectedFailoverDelay(TIMER_PROFILES.fast).worstMs);
  });
});
