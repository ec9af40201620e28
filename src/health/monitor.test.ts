import { describe, expect, it } from "vitest";
import { captureLogger } from "../log/capture.test-helpers.js";
import { HealthMonitor, type MonitoredProbe } from "./monitor.js";
import type { CheckObservation } from "./probe-state.js";

const probe = (name: string, severity: "critical" | "warning" = "critical"): MonitoredProbe => ({
  name,
  kind: "tcp",
  severity,
  intervalMs: 2000,
  timeoutMs: 500,
  fall: 2,
  rise: 2,
});
const ok: CheckObservation = { status: "ok", message: "connected", durationMs: 1.234 };
const refused: CheckObservation = {
  status: "fail",
  message: "connect ECONNREFUSED 127.0.0.1:3306",
  durationMs: 2,
};

function setup(probes = [probe("db"), probe("disk", "warning")]) {
  let now = 1_000_000;
  const { logger, lines } = captureLogger();
  const monitor = new HealthMonitor(probes, { logger, clock: () => now });
  return { monitor, lines, tick: (ms: number) => (now += ms) };
}

describe("HealthMonitor", () => {
  it("logs one line when a resource goes down and one when it comes back, not one per poll", () => {
    const { monitor, lines, tick } = setup();
    monitor.starting = false;
    monitor.record("db", ok);
    lines.length = 0;
    for (let i = 0; i < 20; i++) {
      tick(2000);
      monitor.record("db", refused);
    }
    tick(2000);
    monitor.record("db", ok);
    tick(2000);
    monitor.record("db", ok);
    const events = lines.map((l) => l.event);
    expect(events).toEqual(["probe_down", "probe_up"]);
    expect(lines[0]?.msg).toBe(
      'resource "db" is down (critical): connect ECONNREFUSED 127.0.0.1:3306 (2 failed checks)',
    );
    // Went down at the 2nd failure (t=4 s), came back at the 2nd success (t=44 s).
    expect(lines[1]?.msg).toBe('resource "db" is back after 40 s');
    expect(lines[1]?.outageMs).toBe(40_000);
  });

  it("while starting, logs a waiting line for each failed try of a critical probe", () => {
    const { monitor, lines } = setup();
    monitor.record("db", refused);
    monitor.record("db", refused);
    monitor.record("db", refused);
    expect(lines.map((l) => l.msg)).toEqual([
      'waiting for "db": connect ECONNREFUSED 127.0.0.1:3306, next try in 2 s',
      'waiting for "db": connect ECONNREFUSED 127.0.0.1:3306, next try in 2 s',
      'waiting for "db": connect ECONNREFUSED 127.0.0.1:3306, next try in 2 s',
    ]);
  });

  it("reports warnings without changing health", () => {
    const { monitor } = setup();
    monitor.record("db", ok);
    monitor.record("disk", { status: "fail", message: "93% used", durationMs: 1 });
    monitor.record("disk", { status: "fail", message: "93% used", durationMs: 1 });
    expect(monitor.summary()).toEqual({
      healthy: true,
      criticalDown: [],
      criticalPending: [],
      warningDown: ["disk"],
    });
  });

  it("is unhealthy while a critical probe is pending or down", () => {
    const { monitor } = setup();
    expect(monitor.summary().healthy).toBe(false);
    expect(monitor.summary().criticalPending).toEqual(["db"]);
    monitor.record("db", ok);
    expect(monitor.summary().healthy).toBe(true);
    monitor.record("db", refused);
    monitor.record("db", refused);
    expect(monitor.summary()).toMatchObject({ healthy: false, criticalDown: ["db"] });
  });

  it("logs every poll with its duration only in debug mode", () => {
    const { monitor, lines } = setup();
    monitor.starting = false;
    monitor.record("db", ok);
    expect(lines.filter((l) => l.event === "poll")).toHaveLength(0);
    monitor.debugPolls = true;
    monitor.record("db", ok);
    monitor.record("disk", ok);
    const polls = lines.filter((l) => l.event === "poll");
    expect(polls.map((l) => l.msg)).toEqual([
      'poll "db" ok in 1.2 ms: connected',
      'poll "disk" ok in 1.2 ms: connected',
    ]);
    expect(polls[0]?.durationMs).toBe(1.2);
  });
});
