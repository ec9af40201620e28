/**
 * Runs every probe on its own timer, each check raced against the probe's timeout, so a slow
 * or hung check never delays another probe.
 */
import { formatDuration } from "../config/duration.js";
import type { CheckResult, ProbeChecker } from "../probes/types.js";
import type { CheckObservation } from "./probe-state.js";

/** One probe as the scheduler runs it. */
export interface ScheduledProbe {
  name: string;
  intervalMs: number;
  timeoutMs: number;
  checker: ProbeChecker;
}

/** Options of {@link ProbeScheduler}. */
export interface ProbeSchedulerOptions {
  /** Called after every check, in the order checks finish. */
  onCheck: (name: string, observation: CheckObservation) => void;
  /** Milliseconds clock; injectable for tests. @default performance.now */
  now?: () => number;
}

/**
 * Starts, paces and stops the checks of a set of probes.
 *
 * @example
 * ```ts
 * const s = new ProbeScheduler(probes, { onCheck: (name, obs) => monitor.record(name, obs) });
 * s.start();
 * await s.stop();
 * ```
 */
export class ProbeScheduler {
  readonly #probes: readonly ScheduledProbe[];
  readonly #onCheck: ProbeSchedulerOptions["onCheck"];
  readonly #now: () => number;
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #inFlight = new Map<string, AbortController>();
  #running = false;

  constructor(probes: readonly ScheduledProbe[], options: ProbeSchedulerOptions) {
    this.#probes = probes;
    this.#onCheck = options.onCheck;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Runs the first check of every probe now and keeps them going. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    for (const probe of this.#probes) this.#schedule(probe, 0);
  }

  /** Stops all timers, aborts checks in flight and closes every checker. */
  async stop(): Promise<void> {
    this.#running = false;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    for (const controller of this.#inFlight.values()) controller.abort();
    this.#inFlight.clear();
    await Promise.allSettled(this.#probes.map((p) => p.checker.close()));
  }

  #schedule(probe: ScheduledProbe, delayMs: number): void {
    if (!this.#running) return;
    const timer = setTimeout(() => {
      void this.#runOnce(probe);
    }, delayMs);
    this.#timers.set(probe.name, timer);
  }

  async #runOnce(probe: ScheduledProbe): Promise<void> {
    const startedAt = this.#now();
    const result = await this.#checkWithTimeout(probe);
    const durationMs = Math.max(0, this.#now() - startedAt);
    if (!this.#running) return;
    this.#onCheck(probe.name, { ...result, durationMs });
    this.#schedule(probe, Math.max(0, probe.intervalMs - durationMs));
  }

  async #checkWithTimeout(probe: ScheduledProbe): Promise<CheckResult> {
    const controller = new AbortController();
    this.#inFlight.set(probe.name, controller);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<CheckResult>((resolve) => {
      timer = setTimeout(() => {
        controller.abort();
        resolve({ status: "fail", message: `timed out after ${formatDuration(probe.timeoutMs)}` });
      }, probe.timeoutMs);
    });
    try {
      return await Promise.race([safeCheck(probe.checker, controller.signal), timedOut]);
    } finally {
      clearTimeout(timer);
      this.#inFlight.delete(probe.name);
    }
  }
}

async function safeCheck(checker: ProbeChecker, signal: AbortSignal): Promise<CheckResult> {
  try {
    return await checker.check(signal);
  } catch (err) {
    // Checkers must not throw; if one does, the failure is still a failed check, not a crash.
    return {
      status: "fail",
      message: `probe error: ${err instanceof Error ? err.message : String(err)}`,
    };
  }
}
