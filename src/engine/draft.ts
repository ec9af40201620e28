/**
 * A working copy of the engine state for one step, plus the effects gathered so far. `step`
 * clones once and the rules edit the copy, which keeps every rule short while the exported
 * functions stay pure: the caller's state is never touched.
 */
import type { Effect, EngineState, HookEvent, Mode } from "./types.js";

/**
 * The state being built by one step and the effects it produced.
 *
 * @example
 * ```ts
 * const d = openDraft(state, now); enter(d, "STANDBY", { reason: "…", event: "…", cause: {} });
 * ```
 */
export interface Draft {
  s: EngineState;
  out: Effect[];
  now: number;
  /** Mode transitions made in this step. */
  transitions: number;
}

/**
 * Copies the parts of the state a step may change.
 *
 * @example
 * ```ts
 * const d = openDraft(state, 1000);
 * ```
 */
export function openDraft(state: EngineState, now: number): Draft {
  const peers: EngineState["peers"] = {};
  for (const [name, peer] of Object.entries(state.peers)) peers[name] = { ...peer };
  const s: EngineState = {
    ...state,
    flags: { ...state.flags },
    peers,
    witness: { ...state.witness },
    frozen: state.frozen && { ...state.frozen },
    quorum: state.quorum && { ...state.quorum },
    reported: [...state.reported],
  };
  return { s, out: [], now, transitions: 0 };
}

/**
 * Appends a log effect.
 *
 * @example
 * ```ts
 * log(d, "warn", "peer-lost", 'peer "a" unreachable 3/3 (timeout)', { peer: "a", misses: 3 });
 * ```
 */
export function log(
  d: Draft,
  level: "info" | "warn" | "error",
  event: string,
  message: string,
  cause: object,
): void {
  d.out.push({ type: "log", level, event, message, cause });
}

/**
 * Logs a condition once per episode; {@link forget} ends the episode.
 *
 * @example
 * ```ts
 * logOnce(d, "witness-down", "warn", "blocked", "witness unreachable: not taking over", {});
 * ```
 */
export function logOnce(
  d: Draft,
  key: string,
  level: "info" | "warn" | "error",
  event: string,
  message: string,
  cause: object,
): void {
  if (d.s.reported.includes(key)) return;
  d.s.reported.push(key);
  log(d, level, event, message, cause);
}

/**
 * Ends a logged episode so the next occurrence is reported again.
 *
 * @example
 * ```ts
 * forget(d, "witness-down");
 * ```
 */
export function forget(d: Draft, key: string): void {
  d.s.reported = d.s.reported.filter((k) => k !== key);
}

const HOOK_ON_ENTRY: Partial<Record<Mode, HookEvent>> = {
  ACTIVE: "active",
  STANDBY: "standby",
  SELF_FENCED: "self-fenced",
  PEER_FENCED: "peer-fenced",
};

/**
 * What a transition logs: the one-line reason, the log event name and the cause object.
 *
 * @example
 * ```ts
 * const why: Because = { reason: 'critical probe "db" down', event: "self-fence", cause: { probes: ["db"] } };
 * ```
 */
export interface Because {
  reason: string;
  event: string;
  cause: object;
  level?: "info" | "warn" | "error";
}

/**
 * Moves to `to` with exactly one log entry, the entry hook and a role event. Leaving ACTIVE
 * drops any fence this node asserted: only the active node fences. Returns `false` (and does
 * nothing) when already in `to`.
 *
 * @example
 * ```ts
 * enter(d, "SELF_FENCED", { reason: 'critical probe "db" down', event: "self-fence", cause: { probes: ["db"] } });
 * ```
 */
export function enter(d: Draft, to: Mode, why: Because): boolean {
  const s = d.s;
  const from = s.mode;
  if (from === to) return false;
  s.mode = to;
  s.reason = why.reason;
  s.lastTransition = { at: d.now, from, to, reason: why.reason, cause: why.event };
  d.transitions += 1;
  if (to !== "ACTIVE") {
    s.flags.fencingPeer = null;
    s.awaitingPeer = null;
  }
  forget(d, "awaiting-recovery");
  log(d, why.level ?? "info", why.event, `${from} → ${to}: ${why.reason}`, why.cause);
  const hook = HOOK_ON_ENTRY[to];
  if (hook) {
    d.out.push({
      type: "runHook",
      event: hook,
      env: {
        TANDEM_NODE: s.options.self.name,
        TANDEM_FROM: from,
        TANDEM_TO: to,
        TANDEM_TERM: String(s.term),
        TANDEM_REASON: why.reason,
      },
    });
  }
  d.out.push({
    type: "emit",
    event: "role",
    data: { node: s.options.self.name, from, to, term: s.term, reason: why.reason },
  });
  return true;
}
