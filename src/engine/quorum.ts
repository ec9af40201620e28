/**
 * The quorum rules: with `cluster.quorum` configured, the etcd leader key decides who serves.
 * A node serves only while it holds the key and its own monotonic clock is before the
 * deadline its last confirmed keep-alive gave it; holding the key is the election, its
 * revision is the term. The heartbeat rules still say when a standby wants to take over; here
 * that wish becomes a campaign for the key, and only the key makes the node ACTIVE.
 */
import { type Draft, forget, log, logOnce } from "./draft.js";
import { STARTUP_GRACE_MS } from "./election.js";
import { liveView, peersOf, takeoverBlocker } from "./facts.js";
import { stepDown, takeOver } from "./takeover.js";
import type { EngineState, PeerState, QuorumObservation } from "./types.js";

/**
 * The heartbeat error that proves a peer's agent process is gone: nothing listens on its
 * agent port, so it cannot be serving. A timeout or a reset proves nothing (a partition or a
 * proxy looks the same).
 *
 * @example
 * ```ts
 * p.lastError === GONE_ERROR; // the holder's lease may be replaced at once
 * ```
 */
export const GONE_ERROR = "connection refused";

/**
 * Records what the quorum shell observed, logging when this node gains or loses the key.
 *
 * @example
 * ```ts
 * observeQuorum(d, { holder: "a", revision: 7, held: true, validUntil: 2500, error: null });
 * ```
 */
export function observeQuorum(d: Draft, obs: QuorumObservation): void {
  const q = d.s.quorum;
  if (!q) return;
  const wasHeld = q.held;
  const freeSince =
    obs.holder === null ? (q.holder === null ? (q.freeSince ?? d.now) : d.now) : null;
  Object.assign(q, obs, { freeSince });
  if (obs.held && !wasHeld) {
    forget(d, "quorum-wait");
    log(d, "info", "quorum", `holds the quorum key at revision ${obs.revision}`, {
      revision: obs.revision,
    });
  } else if (!obs.held && wasHeld) {
    log(d, "warn", "quorum", `lost the quorum key: ${lossReason(d.s)}`, {
      holder: obs.holder,
      revision: obs.revision,
      error: obs.error,
    });
  }
  if (obs.holder !== null) forget(d, "quorum-free");
}

/**
 * Drops the key on this node's own clock once the lease deadline has passed, whatever etcd
 * says later: the lease may already be gone there and another node may hold the key.
 *
 * @example
 * ```ts
 * expireLease(d); // d.s.quorum.held is false when d.now >= validUntil
 * ```
 */
export function expireLease(d: Draft): void {
  const q = d.s.quorum;
  if (!q?.held || q.validUntil === null || d.now < q.validUntil) return;
  const late = Math.round(d.now - q.validUntil);
  q.held = false;
  q.error = `lease deadline passed ${late} ms ago without a confirmed keep-alive`;
  log(d, "warn", "quorum", `lost the quorum key: ${q.error}`, {
    revision: q.revision,
    lateMs: late,
  });
}

/**
 * The term a takeover gets: the key's revision with a quorum, else `null` (count up).
 *
 * @example
 * ```ts
 * s.term = quorumTerm(s) ?? s.term + 1;
 * ```
 */
export function quorumTerm(s: EngineState): number | null {
  return s.quorum?.held ? s.quorum.revision : null;
}

/**
 * Whether a takeover the heartbeat rules want may happen now. With a quorum it may only while
 * this node holds the key; otherwise it asks the shell to claim the key (create it when
 * absent, replace it when its holder is provably gone) and waits.
 *
 * @example
 * ```ts
 * if (!quorumAllowsTakeover(d)) return; // first line of takeOver
 * ```
 */
export function quorumAllowsTakeover(d: Draft): boolean {
  const s = d.s;
  const q = s.quorum;
  if (!q || q.held) return true;
  const detail =
    q.holder === null
      ? (q.error ?? "claiming the free key")
      : `held by "${q.holder}" at revision ${q.revision}`;
  s.reason = `not taking over yet: waiting for the quorum key (${detail})`;
  logOnce(d, "quorum-wait", "info", "quorum", s.reason, { holder: q.holder, error: q.error });
  claim(d);
  return false;
}

/**
 * The quorum's standing rules, run before the heartbeat rules. Returns `true` when they
 * settled this step (the heartbeat rules must not run): an ACTIVE node that lost the key
 * steps down; a node that won it takes over or gives it back; a holder keeps its role
 * without the heartbeat conflict rules (the key already decides between two actives).
 *
 * @example
 * ```ts
 * if (d.transitions === 0 && !decideQuorum(d)) decide(d);
 * ```
 */
export function decideQuorum(d: Draft): boolean {
  const s = d.s;
  const q = s.quorum;
  if (!q) return false;
  if (s.mode === "ACTIVE") {
    if (!q.held) {
      stepDown(d, { reason: `lost the quorum key: ${lossReason(s)}`, event: "quorum", cause: q });
      return true;
    }
    return s.health?.healthy !== false;
  }
  if (q.held) {
    wonKey(d);
    return true;
  }
  if (s.mode !== "STANDBY" || s.handoverTo || takeoverBlocker(s) !== null) return false;
  const holder = q.holder === null ? null : s.peers[q.holder];
  if (q.holder === null && deferTo(d) === null) {
    logOnce(d, "quorum-free", "info", "quorum", "the quorum key is free: claiming it", {
      revision: q.revision,
    });
    claim(d);
  } else if (holder && s.options.quorum?.fastTakeover && provablyGone(holder)) {
    claim(d);
  }
  return false;
}

/**
 * Gives the key back when this step took the node out of ACTIVE, so the next node can claim
 * it at once instead of waiting for the lease to run out.
 *
 * @example
 * ```ts
 * resignIfLeft(d, before); // just before the setMode/persist effects
 * ```
 */
export function resignIfLeft(d: Draft, before: EngineState): void {
  const q = d.s.quorum;
  if (!q?.held || before.mode !== "ACTIVE" || d.s.mode === "ACTIVE") return;
  resign(d, `left ACTIVE (${d.s.mode})`);
}

/** A node that holds the key but is not ACTIVE takes over, or resigns when it cannot serve. */
function wonKey(d: Draft): void {
  const s = d.s;
  const q = s.quorum;
  if (!q) return;
  const blocker =
    s.mode === "SELF_FENCED" || s.mode === "PEER_FENCED" ? s.mode : takeoverBlocker(s);
  if (blocker === null) {
    takeOver(d, {
      reason: `holds the quorum key at revision ${q.revision}`,
      event: "takeover",
      level: "warn",
      cause: { revision: q.revision },
      fence: null,
      switchover: false,
    });
    return;
  }
  // Health not known yet or just woke from a freeze: the lease keeps, decide next step.
  if (s.health === null || s.frozen) return;
  resign(d, `holds the key but cannot serve (${blocker})`);
}

function resign(d: Draft, why: string): void {
  const q = d.s.quorum;
  if (!q) return;
  q.held = false;
  q.validUntil = null;
  log(d, "info", "quorum", `resigns the quorum key: ${why}`, { revision: q.revision });
  d.out.push({ type: "quorum", action: "resign" });
}

/** Asks the shell for the key: create it when free, replace it when its holder is gone. */
function claim(d: Draft): void {
  const s = d.s;
  const q = s.quorum;
  if (!q) return;
  const better = deferTo(d);
  if (better) {
    s.reason = `leaving the quorum key to better-ranked "${better.name}" (rank ${better.rank})`;
    return;
  }
  if (q.holder === null) {
    d.out.push({ type: "quorum", action: "campaign" });
    return;
  }
  const holder = s.peers[q.holder];
  if (s.options.quorum?.fastTakeover && holder && provablyGone(holder)) {
    logOnce(
      d,
      `quorum-replace:${q.revision}`,
      "warn",
      "quorum",
      `replacing the quorum key of "${q.holder}" (revision ${q.revision}): its agent port refuses connections`,
      { holder: q.holder, revision: q.revision },
    );
    d.out.push({ type: "quorum", action: "replace", holder: q.holder, revision: q.revision });
  }
}

function provablyGone(p: PeerState): boolean {
  return p.misses > 0 && p.lastError === GONE_ERROR;
}

/**
 * The better-ranked healthy standby this node leaves the key to, or `null`. After the key
 * has been free for `freeGraceMs` nobody defers: that node may not reach the quorum.
 */
function deferTo(d: Draft): PeerState | null {
  const s = d.s;
  const q = s.quorum;
  if (!q) return null;
  // A better-ranked peer never heard from may only be booting more slowly (both servers back
  // after a power cut): leave it the start-up grace, as an election without a quorum does.
  const { fall, intervalMs } = s.options.heartbeat;
  const graceMisses = Math.max(fall, Math.ceil(STARTUP_GRACE_MS / intervalMs));
  const booting = peersOf(s).find(
    (p) => p.rank < s.options.self.rank && p.view === null && p.misses < graceMisses,
  );
  if (booting && q.holder === null) return booting;
  const grace = s.options.quorum?.freeGraceMs ?? 0;
  if (q.holder === null && q.freeSince !== null && d.now - q.freeSince >= grace) return null;
  const better = peersOf(s).find((p) => {
    const v = liveView(p);
    return (
      p.rank < s.options.self.rank &&
      v !== null &&
      (v.mode === "STANDBY" || v.mode === "STARTING") &&
      // A STARTING peer has no health verdict yet; it is given its chance, as in an election.
      (v.healthy || v.mode === "STARTING") &&
      !v.flags.suspended &&
      !v.handoverTo
    );
  });
  return better ?? null;
}

function lossReason(s: EngineState): string {
  const q = s.quorum;
  if (!q) return "no quorum";
  if (q.error) return q.error;
  if (q.holder && q.holder !== s.options.self.name)
    return `"${q.holder}" holds it at revision ${q.revision}`;
  return "the key is gone";
}
