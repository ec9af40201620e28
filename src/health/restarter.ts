/**
 * The shell around the restart policy: it feeds each restartable probe's verdicts, the node's
 * serving state and the clock to {@link stepRestart}, runs the restart commands, keeps the one
 * timer the policies need, and tells the health monitor which down verdicts it holds back.
 */
import type { RoleTransition, TransitionConsumer } from "../agent/transitions.js";
import { parseDaily, type RestartConfig } from "../config/restart-schema.js";
import { describeHook } from "../hooks/describe.js";
import type { Logger } from "../log/logger.js";
import type { HealthGate } from "./monitor.js";
import type { ProbeTransition } from "./probe-state.js";
import { runRestartCommand } from "./restart-command.js";
import {
  holdsDown,
  initialRestartState,
  type RestartInput,
  type RestartPhase,
  type RestartPolicy,
  type RestartState,
  restartWakeAt,
  stepRestart,
} from "./restart-policy.js";

/**
 * A probe's restarts as `tandem status` shows them: `restarting` while the command runs,
 * `grace` while the resource gets time to come back (its down verdict is held back in both),
 * `idle` otherwise.
 */
export interface RestartView {
  phase: RestartPhase;
  /** 1-based number of the current or last restart after a failure; 0 for a scheduled one. */
  attempt: number;
  attempts: number;
  /** Restarts run since the agent started. */
  total: number;
  /** Why the current or last restart ran. */
  reason: string | null;
}

/** Options of {@link ProbeRestarts}. */
export interface ProbeRestartsOptions {
  /** The probes that have a `restart` field. */
  probes: ReadonlyArray<{ name: string; restart: RestartConfig }>;
  logger: Logger;
  /** Called when a hold ends or starts outside a probe transition (the node's health changed). */
  onHoldChange: () => void;
  /** @default Date.now */
  clock?: () => number;
}

interface Entry {
  config: RestartConfig;
  policy: RestartPolicy;
  state: RestartState;
}

/**
 * Restarts resources in place before their failure counts for failover.
 *
 * @example
 * ```ts
 * const restarts = new ProbeRestarts({ probes: [{ name: "pbx", restart }], logger, onHoldChange: update });
 * const monitor = new HealthMonitor(probes, { logger, gate: restarts });
 * transitions.add(restarts); // scheduled restarts need the serving state
 * ```
 */
export class ProbeRestarts implements HealthGate, TransitionConsumer {
  readonly name = "probe-restarts";
  readonly #entries = new Map<string, Entry>();
  readonly #logger: Logger;
  readonly #onHoldChange: () => void;
  readonly #clock: () => number;
  readonly #abort = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: ProbeRestartsOptions) {
    this.#logger = options.logger;
    this.#onHoldChange = options.onHoldChange;
    this.#clock = options.clock ?? Date.now;
    const now = this.#clock();
    for (const { name, restart } of options.probes) {
      const policy: RestartPolicy = {
        attempts: restart.attempts,
        withinMs: restart.within,
        graceMs: restart.grace,
        daily: restart.schedule === undefined ? undefined : parseDaily(restart.schedule),
      };
      this.#entries.set(name, { config: restart, policy, state: initialRestartState(policy, now) });
    }
    this.#arm();
  }

  /** Whether `probe`'s down verdict is held back now. */
  holds(probe: string): boolean {
    const entry = this.#entries.get(probe);
    return entry ? holdsDown(entry.state) : false;
  }

  /** Takes a probe's verdict change from the monitor (before the monitor reads the holds). */
  observe(probe: string, transition: ProbeTransition): void {
    this.#step(
      probe,
      transition.type === "down" ? { type: "down", error: transition.error } : { type: "up" },
      false,
    );
  }

  /** Follows the node's serving state: scheduled restarts wait while it serves. */
  onTransition(transition: RoleTransition): void {
    for (const name of this.#entries.keys()) {
      this.#step(name, { type: "serving", serving: transition.serving }, true);
    }
  }

  /** The restart state of `probe`, or null when it has no `restart` field. */
  view(probe: string): RestartView | null {
    const entry = this.#entries.get(probe);
    if (!entry) return null;
    const s = entry.state;
    return {
      phase: s.phase,
      attempt: s.attempt,
      attempts: entry.policy.attempts,
      total: s.total,
      reason: s.reason,
    };
  }

  /** Stops the timer and kills restart commands still running. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#abort.abort();
  }

  #step(probe: string, input: RestartInput, notify: boolean): void {
    const entry = this.#entries.get(probe);
    if (!entry || this.#closed) return;
    const heldBefore = holdsDown(entry.state);
    const { state, effects } = stepRestart(entry.state, input, this.#clock(), entry.policy, probe);
    entry.state = state;
    for (const effect of effects) {
      if (effect.type === "log") {
        this.#logger[effect.level]({ event: "probe_restart_result", probe }, effect.message);
      } else {
        void this.#restart(probe, entry, effect.attempt, effect.reason);
      }
    }
    this.#arm();
    if (notify && heldBefore !== holdsDown(state)) this.#onHoldChange();
  }

  async #restart(probe: string, entry: Entry, attempt: number, reason: string): Promise<void> {
    const which = attempt === 0 ? "scheduled" : `${attempt}/${entry.policy.attempts}`;
    this.#logger.warn(
      { event: "probe_restart", probe, attempt, attempts: entry.policy.attempts, reason },
      `restarting "${probe}" (${which}): ${reason}; running ${describeHook(entry.config)}`,
    );
    // Never rejects: a command that cannot start is a failed outcome.
    const outcome = await runRestartCommand(
      entry.config,
      { probe, reason, attempt },
      this.#abort.signal,
    );
    const message = outcome.ok
      ? `exit 0 in ${outcome.durationMs} ms`
      : `${outcome.error ?? "failed"}${outcome.output ? ` (${outcome.output.trim().slice(0, 200)})` : ""}`;
    this.#step(probe, { type: "finished", ok: outcome.ok, message }, true);
  }

  /** One timer for the earliest grace end or daily time of every probe. */
  #arm(): void {
    clearTimeout(this.#timer);
    if (this.#closed) return;
    const wakes = [...this.#entries.values()]
      .map((e) => restartWakeAt(e.state))
      .filter((t): t is number => t !== null);
    if (wakes.length === 0) return;
    // setTimeout holds at most 2^31-1 ms; a later wake just arms again.
    const delay = Math.min(Math.max(0, Math.min(...wakes) - this.#clock()), 2_147_483_647);
    this.#timer = setTimeout(() => {
      for (const name of this.#entries.keys()) this.#step(name, { type: "tick" }, true);
    }, delay);
    this.#timer.unref();
  }
}
