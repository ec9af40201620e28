/**
 * Keeps the record of every probe, applies fall/rise, and writes the operator's log lines:
 * one when a resource goes down (with its first error), one when it comes back (with the
 * outage duration), a "waiting for" line per retry while the node starts, and every poll
 * while debug mode is on.
 */
import { formatDuration } from "../config/duration.js";
import type { Logger } from "../log/logger.js";
import { type HealthSummary, summarizeHealth } from "./node-health.js";
import {
  type CheckObservation,
  type FallRise,
  initialProbeRecord,
  observeCheck,
  type ProbeRecord,
  type ProbeTransition,
} from "./probe-state.js";

/** A probe as the monitor knows it. */
export interface MonitoredProbe extends FallRise {
  name: string;
  kind: string;
  severity: "critical" | "warning";
  intervalMs: number;
  timeoutMs: number;
  description?: string | undefined;
}

/**
 * Something that may hold a probe's down verdict back from the node's health for a while
 * (the restart-in-place policy). It sees every transition before the summary is read.
 */
export interface HealthGate {
  observe(probe: string, transition: ProbeTransition): void;
  holds(probe: string): boolean;
}

/** Options of {@link HealthMonitor}. */
export interface HealthMonitorOptions {
  logger: Logger;
  /** Wall clock in ms since the epoch; injectable for tests. @default Date.now */
  clock?: () => number;
  /** Called after a probe changes state, with the new summary. */
  onChange?: (summary: HealthSummary, probe: string, transition: ProbeTransition) => void;
  /** Holds some down verdicts back from the summary; none without one. */
  gate?: HealthGate | undefined;
}

/**
 * The live health of this node's probes.
 *
 * @example
 * ```ts
 * const monitor = new HealthMonitor(probes, { logger });
 * monitor.record("db", { status: "fail", message: "connection refused", durationMs: 3 });
 * monitor.summary().healthy;
 * ```
 */
export class HealthMonitor {
  readonly probes: readonly MonitoredProbe[];
  readonly #records = new Map<string, ProbeRecord>();
  readonly #byName: ReadonlyMap<string, MonitoredProbe>;
  readonly #logger: Logger;
  readonly #clock: () => number;
  readonly #onChange: HealthMonitorOptions["onChange"];
  readonly #gate: HealthGate | undefined;
  /** While true, failed checks of critical probes log a "waiting for" line each. */
  starting = true;
  /** While true, every poll is logged with its duration (toggled by SIGUSR1). */
  debugPolls = false;

  constructor(probes: readonly MonitoredProbe[], options: HealthMonitorOptions) {
    this.probes = probes;
    this.#logger = options.logger;
    this.#clock = options.clock ?? Date.now;
    this.#onChange = options.onChange;
    this.#gate = options.gate;
    this.#byName = new Map(probes.map((p) => [p.name, p]));
    for (const probe of probes) this.#records.set(probe.name, initialProbeRecord());
  }

  /** The record of one probe. */
  get(name: string): ProbeRecord | undefined {
    return this.#records.get(name);
  }

  /** All records, keyed by probe name. */
  records(): ReadonlyMap<string, ProbeRecord> {
    return this.#records;
  }

  /** The node's health now. */
  summary(): HealthSummary {
    const gate = this.#gate;
    return summarizeHealth(
      this.probes,
      this.#records,
      gate ? (name) => gate.holds(name) : undefined,
    );
  }

  /** Applies one finished check and logs what an operator needs to know about it. */
  record(name: string, observation: CheckObservation): ProbeTransition | null {
    const probe = this.#byName.get(name);
    const prev = this.#records.get(name);
    if (!probe || !prev) return null;
    const now = this.#clock();
    const { record, transition } = observeCheck(prev, observation, now, probe);
    this.#records.set(name, record);

    if (this.debugPolls) {
      this.#logger.info(
        {
          event: "poll",
          probe: name,
          status: observation.status,
          durationMs: round(observation.durationMs),
        },
        `poll "${name}" ${observation.status} in ${round(observation.durationMs)} ms: ${observation.message}`,
      );
    }
    if (this.starting && probe.severity === "critical" && observation.status === "fail") {
      this.#logger.info(
        { event: "waiting", probe: name, error: observation.message },
        `waiting for "${name}": ${observation.message}, next try in ${formatDuration(probe.intervalMs)}`,
      );
    }
    if (transition) {
      this.#logTransition(probe, transition);
      this.#gate?.observe(name, transition);
      this.#onChange?.(this.summary(), name, transition);
    }
    return transition;
  }

  #logTransition(probe: MonitoredProbe, t: ProbeTransition): void {
    if (t.type === "down") {
      // While starting, critical failures already log one "waiting for" line per retry.
      if (t.from === "pending" && this.starting && probe.severity === "critical") return;
      this.#logger.warn(
        {
          event: "probe_down",
          probe: probe.name,
          severity: probe.severity,
          error: t.error,
          failedChecks: t.failedChecks,
        },
        `resource "${probe.name}" is down (${probe.severity}): ${t.error} (${t.failedChecks} failed checks)`,
      );
      return;
    }
    if (t.outageMs === null) {
      this.#logger.info({ event: "probe_up", probe: probe.name }, `resource "${probe.name}" is up`);
      return;
    }
    this.#logger.info(
      { event: "probe_up", probe: probe.name, outageMs: t.outageMs },
      `resource "${probe.name}" is back after ${formatDuration(t.outageMs)}`,
    );
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
