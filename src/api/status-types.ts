/**
 * The JSON shape of `GET /v1/status`, shared by the agent (producer) and the CLI (consumer).
 */
import type { ClusterStatusView } from "../cluster/status.js";
import type { RestartView } from "../health/restarter.js";
import type { SipBoundPort, SipCounters } from "../sip/responder.js";

/** One probe in the status document. */
export interface ProbeStatusView {
  name: string;
  kind: string;
  severity: "critical" | "warning";
  description?: string | undefined;
  state: "pending" | "up" | "down";
  /** ISO time of the last state change, or null while pending. */
  since: string | null;
  last: { at: string; status: "ok" | "warn" | "fail"; message: string; durationMs: number } | null;
  /** Error of the first failure of the current or last failing streak. */
  firstError: string | null;
  consecutiveOk: number;
  consecutiveFail: number;
  checks: number;
  failures: number;
  intervalMs: number;
  timeoutMs: number;
  fall: number;
  rise: number;
  /** Restart in place, for a probe with a `restart` field; null otherwise. */
  restart?: RestartView | null;
}

/** This node in the status document. */
export interface NodeStatusView {
  name: string;
  mode: "STARTING" | "ACTIVE" | "STANDBY" | "SELF_FENCED" | "PEER_FENCED";
  /** True while this node takes traffic (`/monitor/role` answers 200 ACTIVE). */
  serving: boolean;
  /** Why the node is in this mode. */
  reason: string;
  healthy: boolean;
  /** ISO time the node entered its mode. */
  since: string;
  version: string;
  pid: number;
  startedAt: string;
  /** True while SIGUSR1 debug mode logs every poll. */
  debugPolls: boolean;
  criticalDown: string[];
  warningDown: string[];
}

/**
 * The SIP availability responder: where it listens and what it answered since start.
 *
 * @example
 * ```ts
 * const s: SipStatusView = { listeners: [{ transport: "udp", address: "127.0.0.1", port: 5071, whenNotServing: "reject" }],
 *   counters: { requests: 10, ok200: 9, unavailable503: 1, otherResponses: 0, silent: 0, malformed: 0 } };
 * ```
 */
export interface SipStatusView {
  listeners: SipBoundPort[];
  counters: SipCounters;
}

/** The whole `GET /v1/status` document. */
export interface StatusDocument {
  node: NodeStatusView;
  /** The pair, when the config has a `cluster` section; null for a standalone node. */
  cluster: ClusterStatusView | null;
  /** The SIP responder, when the config has a `sip` section; null otherwise. */
  sip: SipStatusView | null;
  probes: ProbeStatusView[];
  /** ISO time this document was made. */
  time: string;
}
