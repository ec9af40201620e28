/**
 * Prometheus metrics of the agent: probe states, check durations and outcomes, node mode and
 * health, plus the process metrics prom-client collects.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { CheckObservation } from "../health/probe-state.js";
import type { StatusDocument } from "./status-types.js";

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
export class AgentMetrics {
  readonly registry = new Registry();
  readonly #durations: Histogram<"probe" | "kind">;
  readonly #checks: Counter<"probe" | "kind" | "result">;
  readonly #probeUp: Gauge<"probe" | "kind" | "severity">;
  readonly #mode: Gauge<"mode">;
  readonly #healthy: Gauge;
  readonly #sip: Counter<"result">;
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
    this.#getStatus = getStatus;
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
