/**
 * When to restart a resource in place and when its failure counts for failover: a pure state
 * machine per probe, driven by the probe's verdicts, the restart command's outcome, the
 * node's serving state and the clock. The shell runs the commands and the timers.
 */
import { formatDuration } from "../config/duration.js";

/** A probe's restart settings, durations in milliseconds. */
export interface RestartPolicy {
  /** Most restarts after failures within `withinMs`. */
  attempts: number;
  withinMs: number;
  /** Time the resource gets after the command ended to be up again. */
  graceMs: number;
  /** Daily restart at this local time, while the node does not serve. */
  daily?: { hour: number; minute: number } | undefined;
}

/** `idle`: failures count as they come; `restarting`: the command runs; `grace`: it ended. */
export type RestartPhase = "idle" | "restarting" | "grace";

/** Where one probe's restarts stand. */
export interface RestartState {
  phase: RestartPhase;
  /** The probe's own verdict, as last reported. */
  down: boolean;
  /** Whether this node serves now (scheduled restarts wait while it does). */
  serving: boolean;
  /** Start times of the restarts after failures, pruned to the window. */
  recent: number[];
  /** 1-based number of the current restart after a failure, 0 for a scheduled one. */
  attempt: number;
  /** Why the current (or last) restart ran. */
  reason: string | null;
  /** When the grace ends (ms since the epoch), in `grace`. */
  graceUntil: number | null;
  /** The next daily restart time, or null without a schedule. */
  nextDaily: number | null;
  /** A daily restart came due while the node served and waits for it to stop. */
  dailyPending: boolean;
  /** Restarts run since start. */
  total: number;
}

/** What the machine is told. */
export type RestartInput =
  | { type: "down"; error: string }
  | { type: "up" }
  | { type: "finished"; ok: boolean; message: string }
  | { type: "serving"; serving: boolean }
  | { type: "tick" };

/** What the shell must do. */
export type RestartEffect =
  | { type: "run"; attempt: number; reason: string }
  | { type: "log"; level: "info" | "warn"; message: string };

/**
 * The state of a probe that has not been restarted, with its first daily time after `now`.
 *
 * @example
 * ```ts
 * const s = initialRestartState({ attempts: 3, withinMs: 600_000, graceMs: 10_000 }, Date.now());
 * s.phase; // "idle"
 * ```
 */
export function initialRestartState(policy: RestartPolicy, now: number): RestartState {
  return {
    phase: "idle",
    down: false,
    serving: false,
    recent: [],
    attempt: 0,
    reason: null,
    graceUntil: null,
    nextDaily: policy.daily ? nextDailyAt(now, policy.daily) : null,
    dailyPending: false,
    total: 0,
  };
}

/**
 * The first local time `hour:minute` strictly after `now`.
 *
 * @example
 * ```ts
 * nextDailyAt(new Date(2026, 0, 1, 4, 0).getTime(), { hour: 3, minute: 30 }); // 2 Jan 03:30 local
 * ```
 */
export function nextDailyAt(now: number, daily: { hour: number; minute: number }): number {
  const at = new Date(now);
  at.setHours(daily.hour, daily.minute, 0, 0);
  if (at.getTime() <= now) at.setDate(at.getDate() + 1);
  return at.getTime();
}

/**
 * Whether the probe's down verdict is held back from the node's health now: from the moment a
 * restart starts until the resource is up again or the grace has run out.
 *
 * @example
 * ```ts
 * holdsDown(state); // true while "restarting 1/3"
 * ```
 */
export function holdsDown(state: RestartState): boolean {
  return state.phase !== "idle";
}

/**
 * When the shell must next send a `tick`: the end of the grace or the next daily time.
 *
 * @example
 * ```ts
 * const at = restartWakeAt(state); // null: no timer needed
 * ```
 */
export function restartWakeAt(state: RestartState): number | null {
  const times = [state.phase === "grace" ? state.graceUntil : null, state.nextDaily].filter(
    (t): t is number => t !== null,
  );
  return times.length > 0 ? Math.min(...times) : null;
}

/**
 * Applies one input at time `now`.
 *
 * @example
 * ```ts
 * let s = initialRestartState(policy, 0);
 * const r = stepRestart(s, { type: "down", error: "connection refused" }, 1000, policy, "pbx");
 * r.effects[0]; // { type: "run", attempt: 1, reason: "down: connection refused" }
 * ```
 */
export function stepRestart(
  state: RestartState,
  input: RestartInput,
  now: number,
  policy: RestartPolicy,
  probe: string,
): { state: RestartState; effects: RestartEffect[] } {
  const effects: RestartEffect[] = [];
  let s: RestartState = { ...state };
  const label = (): string =>
    s.attempt === 0 ? "scheduled restart" : `restart ${s.attempt}/${policy.attempts}`;
  const toIdle = (level: "info" | "warn", message: string): void => {
    s = { ...s, phase: "idle", graceUntil: null };
    effects.push({ type: "log", level, message });
  };

  switch (input.type) {
    case "down": {
      s.down = true;
      if (s.phase !== "idle") break;
      const recent = s.recent.filter((t) => t > now - policy.withinMs);
      s.recent = recent;
      if (recent.length >= policy.attempts) {
        effects.push({
          type: "log",
          level: "warn",
          message: `resource "${probe}" failed again after ${recent.length} restarts within ${formatDuration(policy.withinMs)}: no more restarts, its failure counts now (${input.error})`,
        });
        break;
      }
      const attempt = recent.length + 1;
      const reason = `down: ${input.error}`;
      s = {
        ...s,
        phase: "restarting",
        recent: [...recent, now],
        attempt,
        reason,
        total: s.total + 1,
      };
      effects.push({ type: "run", attempt, reason });
      break;
    }
    case "up": {
      s.down = false;
      if (s.phase === "grace") {
        toIdle("info", `resource "${probe}" is up again after its ${label()}`);
      }
      break;
    }
    case "finished": {
      if (s.phase !== "restarting") break;
      if (!input.ok) {
        toIdle(
          "warn",
          `${label()} of "${probe}" failed: ${input.message}${s.down ? "; its failure counts now" : ""}`,
        );
        break;
      }
      // A scheduled restart gets its grace even when the probe has not seen the resource go.
      if (!s.down && s.attempt > 0) {
        toIdle("info", `resource "${probe}" is up again after its ${label()}`);
        break;
      }
      s = { ...s, phase: "grace", graceUntil: now + policy.graceMs };
      break;
    }
    case "serving": {
      s.serving = input.serving;
      break;
    }
    case "tick":
      break;
  }

  if (s.phase === "grace" && s.graceUntil !== null && now >= s.graceUntil) {
    if (s.down) {
      toIdle(
        "warn",
        `resource "${probe}" is still down ${formatDuration(policy.graceMs)} after its ${label()}: its failure counts now`,
      );
    } else {
      toIdle("info", `resource "${probe}" is up after its ${label()}`);
    }
  }
  return runDaily(s, effects, now, policy, probe);
}

/** Marks a daily restart due, and runs it once the node does not serve and nothing else runs. */
function runDaily(
  state: RestartState,
  effects: RestartEffect[],
  now: number,
  policy: RestartPolicy,
  probe: string,
): { state: RestartState; effects: RestartEffect[] } {
  let s = state;
  if (policy.daily && s.nextDaily !== null && now >= s.nextDaily) {
    s = { ...s, nextDaily: nextDailyAt(now, policy.daily), dailyPending: true };
    if (s.serving) {
      effects.push({
        type: "log",
        level: "info",
        message: `scheduled restart of "${probe}" waits: this node serves; it runs when the node stops serving`,
      });
    }
  }
  if (s.dailyPending && !s.serving && s.phase === "idle" && !s.down) {
    const hh = String(policy.daily?.hour ?? 0).padStart(2, "0");
    const mm = String(policy.daily?.minute ?? 0).padStart(2, "0");
    const reason = `scheduled restart (daily at ${hh}:${mm}) while not serving`;
    s = { ...s, dailyPending: false, phase: "restarting", attempt: 0, reason, total: s.total + 1 };
    effects.push({ type: "run", attempt: 0, reason });
  }
  return { state: s, effects };
}
