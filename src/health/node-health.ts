/**
 * The node's health as a pure function of its probes: healthy when every critical probe is
 * up; warning probes are reported and never change health.
 */
import type { ProbeRecord } from "./probe-state.js";

/** The part of a probe definition that health depends on. */
export interface ProbeSeverity {
  name: string;
  severity: "critical" | "warning";
}

/** A summary of all probes at one instant. */
export interface HealthSummary {
  /** Every critical probe is up. */
  healthy: boolean;
  /** Critical probes that are down. */
  criticalDown: string[];
  /** Critical probes with no verdict yet. */
  criticalPending: string[];
  /** Warning probes that are down. */
  warningDown: string[];
}

/**
 * Summarises probe records into node health. A down probe that `held` returns true for (being
 * restarted in place) does not count as down yet.
 *
 * @example
 * ```ts
 * summarizeHealth([{ name: "db", severity: "critical" }], new Map([["db", rec]])).healthy;
 * ```
 */
export function summarizeHealth(
  probes: readonly ProbeSeverity[],
  records: ReadonlyMap<string, ProbeRecord>,
  held?: (probe: string) => boolean,
): HealthSummary {
  const criticalDown: string[] = [];
  const criticalPending: string[] = [];
  const warningDown: string[] = [];
  for (const probe of probes) {
    const recorded = records.get(probe.name)?.state ?? "pending";
    const state = recorded === "down" && held?.(probe.name) ? "up" : recorded;
    if (probe.severity === "critical") {
      if (state === "down") criticalDown.push(probe.name);
      else if (state === "pending") criticalPending.push(probe.name);
    } else if (state === "down") {
      warningDown.push(probe.name);
    }
  }
  return {
    healthy: criticalDown.length === 0 && criticalPending.length === 0,
    criticalDown,
    criticalPending,
    warningDown,
  };
}
