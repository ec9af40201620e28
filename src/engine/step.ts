/**
 * The failover engine's single entry point: a pure, deterministic function from a state, an
 * input and the monotonic time to the next state and the effects the shell must carry out.
 */
import { onCommand } from "./commands.js";
import { type Draft, forget, log, openDraft } from "./draft.js";
import { decide } from "./election.js";
import { activePeer, takeoverBlocker } from "./facts.js";
import { onFenceRequest, onUnfenceRequest, reassertFence } from "./fencing.js";
import {
  observeClock,
  observeContact,
  observeHealth,
  observeMiss,
  observeWitness,
} from "./observe.js";
import { decideQuorum, expireLease, observeQuorum, resignIfLeft } from "./quorum.js";
import { servingOf } from "./serving.js";
import { selfFence, takeOver } from "./takeover.js";
import type { Effect, EngineInput, EngineState, PersistedRecord } from "./types.js";

/**
 * Advances the engine by one input.
 *
 * @example
 * ```ts
 * let state = initialState(options, record);
 * const r = step(state, { type: "health", healthy: true, criticalDown: [] }, 0);
 * state = r.state; r.effects; // apply in order: a persist comes first, and what shows its term waits for it
 * ```
 */
export function step(
  state: EngineState,
  input: EngineInput,
  now: number,
): { state: EngineState; effects: Effect[] } {
  const d = openDraft(state, now);
  observeClock(d);
  apply(d, input);
  expireLease(d);
  if (d.transitions === 0 && !decideQuorum(d)) decide(d);
  const fenceAsserted = d.s.flags.fencingPeer !== null && state.flags.fencingPeer === null;
  if (input.type === "tick" || fenceAsserted) reassertFence(d);
  resignIfLeft(d, state);
  settle(d, state);
  return { state: d.s, effects: d.out };
}

function apply(d: Draft, input: EngineInput): void {
  switch (input.type) {
    case "tick":
      return;
    case "health":
      observeHealth(d, input.healthy, input.criticalDown);
      return;
    case "heartbeatReply":
      observeContact(d, input.view, input.localWallClockMs, true, input.sentAt);
      return;
    case "heartbeatReceived":
      observeContact(d, input.from, input.localWallClockMs, false);
      return;
    case "heartbeatFailed":
      observeMiss(d, input.peer, input.error, input.sentAt);
      return;
    case "witness":
      observeWitness(d, input.reachable, input.routesTo);
      return;
    case "fenceRequest":
      onFenceRequest(d, input.from, input.term);
      return;
    case "unfenceRequest":
      onUnfenceRequest(d, input.from, input.term);
      return;
    case "activity":
      onActivity(d);
      return;
    case "command":
      onCommand(d, input.command, input.target, input.by, input.force === true);
      return;
    case "hookResult":
      onHookResult(d, input.hook, input.ok, input.message);
      return;
    case "quorum":
      observeQuorum(d, input);
      return;
  }
}

/**
 * Active-active: traffic reaching the secondary while the primary is ACTIVE means the primary
 * rejects calls, so the secondary takes over and fences it. Anywhere else it changes nothing.
 */
function onActivity(d: Draft): void {
  const s = d.s;
  if (s.options.clusterMode !== "active-active" || s.mode !== "STANDBY") return;
  const active = activePeer(s);
  if (!active || active.rank > s.options.self.rank) return;
  const blocker = takeoverBlocker(s);
  if (blocker) {
    log(
      d,
      "warn",
      "takeover-blocked",
      `activity on this node while "${active.name}" is ACTIVE; not taking over: ${blocker}`,
      {
        peer: active.name,
        blocker,
      },
    );
    return;
  }
  takeOver(d, {
    reason: `calls arrive here while peer "${active.name}" is ACTIVE: it rejects calls`,
    event: "activity",
    level: "warn",
    cause: { peer: active.name, activity: true },
    fence: active.name,
    serveAtOnce: true,
    switchover: true,
  });
}

function onHookResult(d: Draft, hook: string, ok: boolean, message: string): void {
  const s = d.s;
  if (ok) return;
  const cause = { hook, message };
  if (hook === "active" && s.mode === "ACTIVE" && s.options.onActiveHookFailure === "step-down") {
    selfFence(d, { reason: `on-active hook failed: ${message}`, event: "hook", cause });
    return;
  }
  log(d, "warn", "hook-failed", `${hook} hook failed: ${message}`, cause);
}

/**
 * Puts the persist first among the step's effects and adds the setMode (with a logged cause
 * when only serving changed): the shell issues the write before anything of the step that
 * shows the new term — hooks, fence requests and client events pushed earlier in the step
 * included — and holds those until the record is on disk.
 */
function settle(d: Draft, before: EngineState): void {
  const s = d.s;
  const { serving, why } = servingOf(s);
  s.serving = serving;
  const modeChanged = s.mode !== before.mode || serving !== before.serving;
  if (modeChanged && s.mode === before.mode) {
    log(d, "info", "serving", `${serving ? "serving" : "not serving"} (${s.mode}): ${why}`, {
      mode: s.mode,
      serving,
      why,
    });
  }
  if (d.transitions > 0)
    for (const key of s.reported.filter((k) => k.startsWith("blocked:"))) forget(d, key);
  const record: PersistedRecord = { term: s.term, mode: s.mode, flags: s.flags };
  const old: PersistedRecord = { term: before.term, mode: before.mode, flags: before.flags };
  if (JSON.stringify(record) !== JSON.stringify(old)) {
    d.out.unshift({ type: "persist", record: structuredClone(record) });
  }
  if (modeChanged) {
    d.out.push({
      type: "setMode",
      mode: s.mode,
      serving,
      reason: s.mode === before.mode ? why : s.reason,
    });
  }
}
