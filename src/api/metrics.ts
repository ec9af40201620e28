/**
 * Prometheus metrics of the agent: probe states, check durations and outcomes, node mode and
 * health, the pair (peer reachable, heartbeat round trips, term, fences, transitions, clock
 * skew, config match), plus the process metrics prom-client collects.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { RoleTransition, TransitionConsumer } from "../agent/transitions.js";
import type { HeartbeatSample } from "../cluster/cluster-node.js";
import type { CheckObservation } from "../health/probe-state.js";
import type { StatusDocument } from "./status-types.js";

const FLAGS = ["selfFenced", "peerFenced", "suspended", "fencingPeer"] as const;

const MODES = ["STARTING", "ACTIVE", "STANDBY", "SELF_FENCED", "PEER_FENCED"] as const;

/**
 * The agent's metric registry.
 *
 * @example
 * ```ts
 * const metrics = new AgentMetrics(() => agent.status());
 * metrics.observeCheck("db", "sql", { status: "ok", message: "", durationMs: 4 });
 * await metrics.text(); // Prometheus text
 * ```
 */
export class AgentMetrics implements TransitionConsumer {
  readonly name = "metrics";
  readonly registry = new Registry();
  readonly #durations: Histogram<"probe" | "kind">;
  readonly #checks: Counter<"probe" | "kind" | "result">;
  readonly #probeUp: Gauge<"probe" | "kind" | "severity">;
  readonly #mode: Gauge<"mode">;
  readonly #healthy: Gauge;
  readonly #sip: Counter<"result">;
  readonly #serving: Gauge;
  readonly #term: Gauge;
  readonly #fence: Gauge<"flag">;
  readonly #peerReachable: Gauge<"peer">;
  readonly #peerConfigMatch: Gauge<"peer">;
  readonly #rtt: Histogram<"peer">;
  readonly #skew: Gauge<"peer">;
  readonly #transitions: Counter<"from" | "to" | "cause">;
  readonly #lastTransition: Gauge;
  readonly #restarts: Counter<"probe">;
  readonly #getStatus: () => StatusDocument;

  constructor(getStatus: () => StatusDocument) {
    // prom-client samples event-loop delay every 10 ms by default, which alone costs more CPU
    // than all the probes of an idle agent; 100 ms still shows a stalled loop.
    collectDefaultMetrics({
      register: this.registry,
      prefix: "tandem_",
      eventLoopMonitoringPrecision: 100,
    });
    this.#durations = new Histogram({
      name: "tandem_probe_check_duration_seconds",
      help: "Duration of probe checks.",
      labelNames: ["probe", "kind"],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    this.#checks = new Counter({
      name: "tandem_probe_checks_total",
      help: "Probe checks by result (ok, warn, fail).",
      labelNames: ["probe", "kind", "result"],
      registers: [this.registry],
    });
    this.#probeUp = new Gauge({
      name: "tandem_probe_up",
      help: "1 when the probe is up, 0 when down, -1 while pending.",
      labelNames: ["probe", "kind", "severity"],
      registers: [this.registry],
    });
    this.#mode = new Gauge({
      name: "tandem_node_mode",
      help: "1 for the node's current mode, 0 for the others.",
      labelNames: ["mode"],
      registers: [this.registry],
    });
    this.#healthy = new Gauge({
      name: "tandem_node_healthy",
      help: "1 when every critical probe is up.",
      registers: [this.registry],
    });
    this.#sip = new Counter({
      name: "tandem_sip_requests_total",
      help: "SIP requests to the availability responder by outcome (ok200, unavailable503, other, silent, malformed), and all of them (all).",
      labelNames: ["result"],
      registers: [this.registry],
    });
    const registers = [this.registry];
    this.#serving = new Gauge({
      name: "tandem_node_serving",
      help: "1 while this node takes calls (/monitor/role answers 200).",
      registers,
    });
    this.#term = new Gauge({
      name: "tandem_cluster_term",
      help: "The pair's term as this node knows it (0 for a standalone node).",
      registers,
    });
    this.#fence = new Gauge({
      name: "tandem_fence_flag",
      help: "1 while the flag is set: selfFenced, peerFenced, suspended, fencingPeer.",
      labelNames: ["flag"],
      registers,
    });
    this.#peerReachable = new Gauge({
      name: "tandem_peer_reachable",
      help: "1 while the peer answers heartbeats, 0 after fall missed ones.",
      labelNames: ["peer"],
      registers,
    });
    this.#peerConfigMatch = new Gauge({
      name: "tandem_peer_config_match",
      help: "1 when the peer's cluster section hash equals this node's (takeovers need it).",
      labelNames: ["peer"],
      registers,
    });
    this.#rtt = new Histogram({
      name: "tandem_heartbeat_rtt_seconds",
      help: "Round-trip time of answered heartbeats.",
      labelNames: ["peer"],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    this.#skew = new Gauge({
      name: "tandem_peer_clock_skew_seconds",
      help: "The peer's wall clock minus this node's, from the last answered heartbeat (± half its round trip).",
      labelNames: ["peer"],
      registers,
    });
    this.#transitions = new Counter({
      name: "tandem_transitions_total",
      help: "Mode changes of this node by from, to and cause (takeover, self-fence, command, conflict, peer-fence, failback, health, …).",
      labelNames: ["from", "to", "cause"],
      registers,
    });
    this.#lastTransition = new Gauge({
      name: "tandem_last_transition_timestamp_seconds",
      help: "Unix time of this node's last mode change (0 before the first).",
      registers,
    });
    this.#restarts = new Counter({
      name: "tandem_probe_restarts_total",
      help: "Restarts in place of a probe's resource (its `restart` field), after failures and scheduled.",
      labelNames: ["probe"],
      registers,
    });
    this.#getStatus = getStatus;
  }

  /** Counts a role change (the agent adds the metrics to its transition bus). */
  onTransition(transition: RoleTransition): void {
    this.#lastTransition.set(Date.parse(transition.at) / 1000);
    if (transition.from === transition.to) return;
    this.#transitions.inc({
      from: transition.from,
      to: transition.to,
      cause: transition.cause ?? "unknown",
    });
  }

  /** Records one answered heartbeat. */
  observeHeartbeat(sample: HeartbeatSample): void {
    this.#rtt.observe({ peer: sample.peer }, sample.rttMs / 1000);
    this.#skew.set({ peer: sample.peer }, sample.skewMs / 1000);
  }

  /** The Prometheus text, with the state gauges set from one status snapshot. */
  async text(): Promise<string> {
    const status = this.#getStatus();
    this.#probeUp.reset();
    for (const p of status.probes) {
      const value = p.state === "up" ? 1 : p.state === "down" ? 0 : -1;
      this.#probeUp.set({ probe: p.name, kind: p.kind, severity: p.severity }, value);
    }
    for (const m of MODES) this.#mode.set({ mode: m }, m === status.node.mode ? 1 : 0);
    this.#healthy.set(status.node.healthy ? 1 : 0);
    this.#serving.set(status.node.serving ? 1 : 0);
    const cluster = status.cluster;
    this.#term.set(cluster?.term ?? 0);
    for (const f of FLAGS) this.#fence.set({ flag: f }, cluster?.flags[f] ? 1 : 0);
    for (const peer of cluster?.peers ?? []) {
      this.#peerReachable.set({ peer: peer.name }, peer.reachable ? 1 : 0);
      this.#peerConfigMatch.set({ peer: peer.name }, peer.configDiffers ? 0 : 1);
    }
    // The restarter keeps the totals; the counter mirrors them at each scrape.
    this.#restarts.reset();
    for (const p of status.probes) {
      if (p.restart) this.#restarts.inc({ probe: p.name }, p.restart.total);
    }
    if (status.sip) {
      // The responder keeps the totals; the counter mirrors them at each scrape.
      const c = status.sip.counters;
      this.#sip.reset();
      this.#sip.inc({ result: "all" }, c.requests);
      this.#sip.inc({ result: "ok200" }, c.ok200);
      this.#sip.inc({ result: "unavailable503" }, c.unavailable503);
      this.#sip.inc({ result: "other" }, c.otherResponses);
      this.#sip.inc({ result: "silent" }, c.silent);
      this.#sip.inc({ result: "malformed" }, c.malformed);
    }
    return this.registry.metrics();
  }

  /** Records one finished check. */
  observeCheck(probe: string, kind: string, observation: CheckObservation): void {
    this.#durations.observe({ probe, kind }, observation.durationMs / 1000);
    this.#checks.inc({ probe, kind, result: observation.status });
  }
}
