import { describe, expect, it } from "vitest";
import type { HealthSummary } from "../health/node-health.js";
import { decideMode } from "./mode.js";

const healthy: HealthSummary = {
  healthy: true,
  criticalDown: [],
  criticalPending: [],
  warningDown: ["disk"],
};
const dbDown: HealthSummary = {
  healthy: false,
  criticalDown: ["db"],
  criticalPending: [],
  warningDown: [],
};
const waiting: HealthSummary = {
  healthy: false,
  criticalDown: [],
  criticalPending: ["db", "sip"],
  warningDown: [],
};

describe("decideMode", () => {
  it("stays STARTING, naming what it waits for, until every critical probe is up", () => {
    expect(decideMode("STARTING", waiting)).toEqual({
      mode: "STARTING",
      reason: 'waiting for "db", "sip"',
    });
    expect(decideMode("STARTING", dbDown)).toEqual({
      mode: "STARTING",
      reason: 'waiting for "db"',
    });
    expect(decideMode("STARTING", healthy)).toEqual({
      mode: "ACTIVE",
      reason: "all critical probes are up",
    });
  });

  it("goes STANDBY when a critical probe fails after start, and back to ACTIVE when it recovers", () => {
    expect(decideMode("ACTIVE", dbDown)).toEqual({
      mode: "STANDBY",
      reason: 'critical probe "db" down',
    });
    expect(decideMode("STANDBY", healthy).mode).toBe("ACTIVE");
  });
});
