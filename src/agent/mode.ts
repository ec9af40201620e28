/**
 * The standalone node's mode as a pure function of its previous mode and its health.
 * A node is STARTING until every critical probe has been up once, then ACTIVE while healthy
 * and STANDBY while a critical probe is down.
 */
import type { HealthSummary } from "../health/node-health.js";

/** The modes a standalone node can be in. */
export type NodeMode = "STARTING" | "ACTIVE" | "STANDBY";

/** A mode change with its cause, for the log. */
export interface ModeDecision {
  mode: NodeMode;
  /** Why the node is in this mode, in one line. */
  reason: string;
}

/**
 * Decides the mode after a health change; returns the same mode when nothing changes.
 *
 * @example
 * ```ts
 * decideMode("STARTING", { healthy: true, criticalDown: [], criticalPending: [], warningDown: [] });
 * // { mode: "ACTIVE", reason: "all critical probes are up" }
 * ```
 */
export function decideMode(current: NodeMode, health: HealthSummary): ModeDecision {
  if (health.healthy) return { mode: "ACTIVE", reason: "all critical probes are up" };
  if (current === "STARTING") {
    const waiting = [...health.criticalPending, ...health.criticalDown];
    return { mode: "STARTING", reason: `waiting for ${quoteList(waiting)}` };
  }
  const failing = health.criticalDown.length > 0 ? health.criticalDown : health.criticalPending;
  return { mode: "STANDBY", reason: `critical probe ${quoteList(failing)} down` };
}

function quoteList(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(", ");
}
