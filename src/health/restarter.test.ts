/**
 * The restart shell with the real health monitor and real restart commands (`true`, `false`):
 * a held down verdict keeps the node healthy until the restart fails or the grace runs out.
 */
import { describe, expect, it } from "vitest";
import { restartSchema } from "../config/restart-schema.js";
import { captureLogger } from "../log/capture.test-helpers.js";
import { HealthMonitor } from "./monitor.js";
import { ProbeRestarts } from "./restarter.js";

const fail = { status: "fail" as const, message: "connection refused", durationMs: 1 };
const ok = { status: "ok" as const, message: "fine", durationMs: 1 };

function setUp(restart: Record<string, unknown>) {
  const { logger, lines } = captureLogger();
  let changes = 0;
  let resolveChange: () => void = () => {};
  const changed = () =>
    new Promise<void>((r) => {
      resolveChange = r;
    });
  const restarts = new ProbeRestarts({
    probes: [{ name: "pbx", restart: restartSchema.parse(restart) }],
    logger,
    onHoldChange: () => {
      changes++;
      resolveChange();
    },
  });
  const monitor = new HealthMonitor(
    [
      {
        name: "pbx",
        kind: "tcp",
        severity: "critical",
        intervalMs: 100,
        timeoutMs: 50,
        fall: 1,
        rise: 1,
      },
    ],
    { logger, gate: restarts },
  );
  monitor.starting = false;
  monitor.record("pbx", ok);
  return { monitor, restarts, lines, changed, changes: () => changes };
}

describe("ProbeRestarts", () => {
  it("holds the down verdict while restarting, and releases it when the command fails", async () => {
    const s = setUp({ command: ["false"] });
    const released = s.changed();
    s.monitor.record("pbx", fail);
    expect(s.monitor.summary()).toMatchObject({ healthy: true, criticalDown: [] });
    expect(s.restarts.view("pbx")).toMatchObject({ phase: "restarting", attempt: 1, total: 1 });
    await released;
    expect(s.monitor.summary()).toMatchObject({ healthy: false, criticalDown: ["pbx"] });
    expect(s.lines.map((l) => l.msg)).toContain(
      'restart 1/3 of "pbx" failed: exit code 1; its failure counts now',
    );
    s.restarts.close();
  });

  it("keeps the node healthy when the resource is back within the grace", async () => {
    const s = setUp({ command: "true", grace: "5s" });
    s.monitor.record("pbx", fail);
    await new Promise((r) => setTimeout(r, 300));
    expect(s.restarts.view("pbx")?.phase).toBe("grace");
    expect(s.monitor.summary().healthy).toBe(true);
    s.monitor.record("pbx", ok);
    expect(s.restarts.view("pbx")?.phase).toBe("idle");
    expect(s.monitor.summary().healthy).toBe(true);
    expect(s.changes()).toBe(0);
    expect(s.lines.filter((l) => l.event === "probe_restart").map((l) => l.msg)).toEqual([
      'restarting "pbx" (1/3): down: connection refused; running true',
    ]);
    s.restarts.close();
  });

  it("lets the failure count when the grace runs out with the resource still down", async () => {
    const s = setUp({ command: "true", grace: "200ms" });
    const released = s.changed();
    s.monitor.record("pbx", fail);
    await released;
    expect(s.monitor.summary()).toMatchObject({ healthy: false, criticalDown: ["pbx"] });
    expect(s.lines.map((l) => l.msg)).toContain(
      'resource "pbx" is still down 200 ms after its restart 1/3: its failure counts now',
    );
    s.restarts.close();
  });
});
