/**
 * The standing rules, evaluated after every input that did not already cause a transition:
 * who becomes ACTIVE, when the active steps down, when a fenced node may come back.
 */
import { electWinner } from "./conflict.js";
import { type Draft, forget, log, logOnce } from "./draft.js";
import {
  activePeer,
  describeDown,
  liveView,
  peersOf,
  successor,
  takeoverBlocker,
  witnessAllows,
} from "./facts.js";
import { failbackCause, failbackReady } from "./failback.js";
import { selfFence, stepDown, takeOver } from "./takeover.js";
import type { PeerState } from "./types.js";
import { viewOf } from "./view.js";

/**
 * Applies the standing rules for the current mode.
 *
 * @example
 * ```ts
 * const d = openDraft(state, now); observe(d, input); decide(d);
 * ```
 */
export function decide(d: Draft): void {
  const mode = d.s.mode;
  if (mode === "STARTING") decideStarting(d);
  else if (mode === "STANDBY") decideStandby(d, false);
  else if (mode === "ACTIVE") decideActive(d);
  else decideFenced(d);
}

/**
 * A peer never heard from since this node started may only be booting more slowly (both
 * servers coming back after a power cut): wait at least this long before deciding it is gone,
 * so the primary wins a near-simultaneous restart even when its agent starts a second later.
 */
export const STARTUP_GRACE_MS = 3000;

/**
 * STARTING ends once local health is known and every peer answered, or missed `fall` times
 * and — for a peer never heard from — for at least {@link STARTUP_GRACE_MS}.
 */
function decideStarting(d: Draft): void {
  const s = d.s;
  const graceMisses = Math.max(
    s.options.heartbeat.fall,
    Math.ceil(STARTUP_GRACE_MS / s.options.heartbeat.intervalMs),
  );
  if (!s.health || peersOf(s).some((p) => !p.view && (!p.lost || p.misses < graceMisses))) return;
  if (!s.health.healthy) {
    stepDown(d, { reason: describeDown(s.health.criticalDown), event: "start", cause: s.health });
    return;
  }
  const active = activePeer(s);
  if (active?.view) {
    const reason = `joined as standby: peer "${active.name}" is ACTIVE in term ${active.view.term}`;
    stepDown(d, { level: "info", reason, event: "start", cause: { peer: active.name } });
    return;
  }
  if (!decideStandby(d, true)) {
    stepDown(d, { level: "info", reason: s.reason, event: "start", cause: { waiting: true } });
  }
}

/**
 * A standby takes over when the active is gone or cannot serve, or when there is no active and
 * it is the best candidate. Returns whether it took over; `s.reason` says why not.
 */
function decideStandby(d: Draft, starting: boolean): boolean {
  const s = d.s;
  const active = activePeer(s);
  if (active?.view?.healthy) {
    tryFailback(d, active);
    return false;
  }
  for (const p of peersOf(s)) {
    const plan = takeoverCause(d, p, starting);
    if (!plan) continue;
    const blocker = plan.fence && s.isolationHold ? isolationMessage(p) : takeoverBlocker(s);
    const witnessBlocks = p.lost && !witnessAllows(s, p.name);
    const why = blocker ?? (witnessBlocks ? "the witness does not confirm the peer is down" : null);
    if (why) {
      s.reason = `not taking over: ${why}`;
      logOnce(d, `blocked:${why}`, "warn", "takeover-blocked", `${plan.reason}; ${s.reason}`, {
        peer: p.name,
        blocker: why,
      });
      return false;
    }
    const handover = plan.fence === null && liveView(p)?.handoverTo === s.options.self.name;
    takeOver(d, {
      ...plan,
      event: handover ? "switchover" : "takeover",
      level: handover ? "info" : "warn",
      switchover: handover,
    });
    return true;
  }
  return false;
}

function isolationMessage(p: PeerState): string {
  return `this node stepped down as the isolated one; waiting to hear from "${p.name}"`;
}

/** Why the peer's state calls for this node to take over, or `null`. */
function takeoverCause(
  d: Draft,
  p: PeerState,
  starting: boolean,
): { reason: string; cause: object; fence: string | null } | null {
  const s = d.s;
  if (p.lost) {
    const reason = `peer "${p.name}" unreachable ${p.misses}/${s.options.heartbeat.fall} (${p.lastError ?? "no answer"})`;
    const cause = {
      peer: p.name,
      misses: p.misses,
      fall: s.options.heartbeat.fall,
      error: p.lastError,
    };
    // At start there is no failed active to fence: the peer was simply never heard.
    return { reason, cause, fence: starting ? null : p.name };
  }
  const v = liveView(p);
  if (!v) return null;
  if (v.mode === "SELF_FENCED" || (v.mode === "ACTIVE" && !v.healthy)) {
    const detail = v.flags.selfFenced?.reason ?? "reports unhealthy";
    const reason = `peer "${p.name}" cannot serve (${v.mode}: ${detail})`;
    return { reason, cause: { peer: p.name, mode: v.mode, healthy: v.healthy }, fence: p.name };
  }
  if (v.mode === "ACTIVE") return null;
  if (s.handoverTo === p.name) {
    s.reason = `handing over to peer "${p.name}"`;
    return null;
  }
  if (v.handoverTo === s.options.self.name) {
    return {
      reason: `peer "${p.name}" hands over to this node`,
      cause: { peer: p.name },
      fence: null,
    };
  }
  const peerCanLead =
    (v.mode === "STANDBY" || v.mode === "STARTING") &&
    (v.healthy || v.mode === "STARTING") &&
    !v.flags.suspended &&
    !v.handoverTo &&
    !p.configDiffers;
  if (peerCanLead && p.rank < s.options.self.rank) {
    s.reason = `waiting for peer "${p.name}" (rank ${p.rank}) to become active`;
    return null;
  }
  const reason = peerCanLead
    ? `took the role: no node was active and this node has the lowest rank (${s.options.self.rank} < ${p.rank})`
    : `took the role: no node was active and peer "${p.name}" could not take it (${v.mode}${v.healthy ? "" : ", unhealthy"})`;
  return { reason, cause: { peer: p.name, peerMode: v.mode, peerRank: p.rank }, fence: null };
}

/** A recovered primary under auto failback takes the active role back from a lower rank. */
function tryFailback(d: Draft, active: PeerState): void {
  const s = d.s;
  if (s.options.self.rank >= active.rank || s.options.failback.mode !== "auto") return;
  if (!failbackReady(s, d.now) || takeoverBlocker(s)) return;
  takeOver(d, {
    reason: `auto failback: healthy for ${s.healthyBeats} heartbeats and ${d.now - (s.healthySince ?? d.now)} ms`,
    event: "failback",
    cause: failbackCause(s, d.now),
    fence: null,
    switchover: true,
  });
}

function decideActive(d: Draft): void {
  const s = d.s;
  if (s.health && !s.health.healthy) {
    const reason = describeDown(s.health.criticalDown);
    const next = successor(s);
    if (next.peer) {
      forget(d, "degraded");
      selfFence(d, { reason, event: "self-fence", cause: { probes: s.health.criticalDown } });
      return;
    }
    // Nobody could take the calls: refusing them too would be the worst outcome. Keep serving,
    // degraded, and say so; fence as soon as a peer can take over.
    s.reason = `serving degraded: ${reason}, and no other node can take over (${next.why})`;
    logOnce(d, "degraded", "error", "degraded", s.reason, {
      probes: s.health.criticalDown,
      noSuccessor: next.why,
    });
  } else if (s.reason.startsWith("serving degraded")) {
    forget(d, "degraded");
    s.reason = "critical probes up again: serving normally";
  }
  const fall = s.options.heartbeat.fall;
  const peers = peersOf(s);
  if (s.options.witness && peers.every((p) => p.lost) && s.witness.misses >= fall) {
    const names = peers.map((p) => `"${p.name}"`).join(", ");
    s.isolationHold = true;
    stepDown(d, {
      reason: `isolated: peer ${names} and witness unreachable for ${fall} checks`,
      event: "isolated",
      cause: { peers: peers.map((p) => p.name), witnessMisses: s.witness.misses, fall },
    });
    return;
  }
  const rival = activePeer(s);
  if (!rival?.view) return;
  const mine = viewOf(s, 0);
  const { winner, rule } = electWinner(mine, rival.view);
  if (winner !== s.options.self.name) {
    stepDown(d, {
      reason: `two actives: peer "${rival.name}" wins (${rule})`,
      event: "conflict",
      cause: { peer: rival.name, rule, myTerm: s.term, peerTerm: rival.view.term },
    });
    return;
  }
  if (rival.view.term >= s.term) {
    // Won on routing despite a lower term: outrank the loser so no term has two actives.
    s.term = rival.view.term + 1;
    log(d, "warn", "term", `term raised to ${s.term} to outrank peer "${rival.name}" (${rule})`, {
      peer: rival.name,
      rule,
    });
  }
}

/**
 * Fenced nodes never return by themselves under manual failback; under auto failback they
 * return once stable (to ACTIVE if they outrank the active, else to STANDBY).
 */
function decideFenced(d: Draft): void {
  const s = d.s;
  if (!s.health?.healthy) {
    forget(d, "awaiting-recovery");
    return;
  }
  if (s.options.failback.mode === "manual") {
    s.reason = "awaiting recovery";
    logOnce(
      d,
      "awaiting-recovery",
      "info",
      "awaiting-recovery",
      `healthy again, still ${s.mode}: awaiting recovery by an operator`,
      {
        mode: s.mode,
        flags: s.flags,
      },
    );
    return;
  }
  if (!failbackReady(s, d.now)) return;
  const active = activePeer(s);
  s.flags.selfFenced = null;
  s.flags.peerFenced = null;
  if (active && s.options.self.rank < active.rank && !takeoverBlocker(s)) {
    tryFailback(d, active);
    return;
  }
  stepDown(d, {
    level: "info",
    reason: "auto failback: fences lifted after a stable recovery",
    event: "failback",
    cause: failbackCause(s, d.now),
  });
}
