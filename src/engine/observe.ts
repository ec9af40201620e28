/**
 * Turns inputs into knowledge: the clock (and freezes), heartbeats and misses, the witness,
 * local health. Nothing here decides a role; it only updates what the rules read, logging the
 * observations an operator needs (peer lost/found, clock skew, config mismatch) once each.
 */
import { type Draft, forget, log, logOnce } from "./draft.js";
import { configDiffersMessage, witnessAllows } from "./facts.js";
import type { PeerView } from "./types.js";

/**
 * Clock skew above this is reported.
 *
 * @example
 * ```ts
 * Math.abs(view.wallClockMs - localWallClockMs) > MAX_SKEW_MS; // worth a warning
 * ```
 */
export const MAX_SKEW_MS = 1000;

/**
 * The shortest stall after which the peer may have declared this node lost and taken over:
 * its `fall`-th heartbeat into the stall times out `(fall - 1) × interval + timeout` after the
 * first one could. A shorter stall (a scheduling hiccup under CPU load, a GC pause) cannot have
 * let the peer act, so it is no reason to stop serving.
 *
 * @example
 * ```ts
 * freezeLimitMs({ intervalMs: 100, timeoutMs: 80, fall: 3, rise: 3 }); // 280
 * ```
 */
export function freezeLimitMs(hb: { intervalMs: number; timeoutMs: number; fall: number }): number {
  return (hb.fall - 1) * hb.intervalMs + hb.timeoutMs;
}

/**
 * Detects a freeze: a gap between steps long enough for the peer to have taken over (see
 * {@link freezeLimitMs}) means this process was stopped, so it must not serve until it hears
 * the world again.
 *
 * @example
 * ```ts
 * observeClock(d); // d.s.frozen is set after a 300 ms gap with interval 100, timeout 80, fall 3
 * ```
 */
export function observeClock(d: Draft): void {
  const s = d.s;
  const limitMs = freezeLimitMs(s.options.heartbeat);
  const last = s.lastNow;
  s.lastNow = last === null ? d.now : Math.max(last, d.now);
  if (last === null || d.now - last <= limitMs) return;
  s.frozen = { wokeAt: d.now, gapMs: Math.round(d.now - last), missesAfterWake: 0 };
  log(
    d,
    "warn",
    "freeze",
    `no step for ${Math.round(d.now - last)} ms: process was frozen; not serving until the peer is heard again`,
    { gapMs: Math.round(d.now - last), limitMs },
  );
}

/**
 * Records a heartbeat answer or an inbound heartbeat from a peer.
 *
 * @example
 * ```ts
 * observeContact(d, view, localWallClockMs, true);
 * ```
 */
export function observeContact(
  d: Draft,
  view: PeerView,
  localWallClockMs: number | undefined,
  isReply: boolean,
  sentAt?: number,
): void {
  const s = d.s;
  const p = s.peers[view.name];
  if (!p) {
    logOnce(
      d,
      `unknown:${view.name}`,
      "warn",
      "unknown-peer",
      `heartbeat from unknown node "${view.name}" ignored`,
      {
        node: view.name,
      },
    );
    return;
  }
  if (p.lost) {
    log(
      d,
      "info",
      "peer-found",
      `peer "${view.name}" answers again (${view.mode}, term ${view.term})`,
      {
        peer: view.name,
        mode: view.mode,
        term: view.term,
      },
    );
    d.out.push({
      type: "runHook",
      event: "peer-found",
      env: hookEnv(d, `peer "${view.name}" found`),
    });
  }
  p.view = view;
  p.heardAt = d.now;
  p.misses = 0;
  // Any answer proves the peer alive now (it is no longer lost, and a rival ACTIVE is settled
  // at once); only `rise` answers in a row make it steady enough to hand the calls to.
  if (isReply) p.answersInRow += 1;
  p.lastError = null;
  p.lost = false;
  s.isolationHold = false;
  // Only an answer to a heartbeat sent after waking proves the link works now: a request or an
  // answer that waited in the socket during the freeze describes the world before it.
  if (s.frozen && isReply && sentAfterWake(s.frozen, sentAt, d.now)) s.frozen = null;
  if (s.awaitingPeer === view.name && view.mode !== "ACTIVE" && view.term >= s.term) {
    s.awaitingPeer = null;
  }
  if (s.handoverTo === view.name && view.mode === "ACTIVE" && view.term > s.term)
    s.handoverTo = null;
  if (isReply) s.healthyBeats = s.health?.healthy ? s.healthyBeats + 1 : 0;
  checkConfig(d, view);
  if (localWallClockMs !== undefined) checkSkew(d, view, localWallClockMs);
  adoptTerm(d, view);
}

function checkConfig(d: Draft, view: PeerView): void {
  const p = d.s.peers[view.name];
  if (!p) return;
  const key = `config:${view.name}`;
  p.configDiffers = view.configHash !== d.s.options.configHash;
  if (!p.configDiffers) {
    forget(d, key);
    return;
  }
  logOnce(
    d,
    key,
    "error",
    "config-mismatch",
    `${configDiffersMessage(d.s, view.name, view.configHash)}: not taking over`,
    {
      peer: view.name,
      mine: d.s.options.configHash,
      theirs: view.configHash,
    },
  );
}

function checkSkew(d: Draft, view: PeerView, local: number): void {
  const p = d.s.peers[view.name];
  if (!p) return;
  const skew = view.wallClockMs - local;
  p.skewMs = skew;
  if (Math.abs(skew) > MAX_SKEW_MS && !p.skewed) {
    p.skewed = true;
    log(
      d,
      "warn",
      "clock-skew",
      `clock of peer "${view.name}" differs by ${skew} ms (more than ${MAX_SKEW_MS} ms)`,
      {
        peer: view.name,
        skewMs: skew,
      },
    );
  } else if (Math.abs(skew) <= MAX_SKEW_MS && p.skewed) {
    p.skewed = false;
    log(d, "info", "clock-skew", `clock of peer "${view.name}" back within ${MAX_SKEW_MS} ms`, {
      peer: view.name,
      skewMs: skew,
    });
  }
}

/** A higher term seen anywhere is adopted; two actives are settled by the conflict rule. */
function adoptTerm(d: Draft, view: PeerView): void {
  const s = d.s;
  if (view.term <= s.term || (s.mode === "ACTIVE" && view.mode === "ACTIVE")) return;
  log(d, "info", "term", `adopted term ${view.term} from peer "${view.name}" (was ${s.term})`, {
    peer: view.name,
    from: s.term,
    to: view.term,
  });
  s.term = view.term;
}

/**
 * Records one missed heartbeat; `fall` in a row and the peer is lost. A miss for a beat sent
 * before the peer was last heard from is stale and changes nothing.
 *
 * @example
 * ```ts
 * observeMiss(d, "a", "connection refused");
 * ```
 */
export function observeMiss(d: Draft, peer: string, error: string, sentAt?: number): void {
  const s = d.s;
  const p = s.peers[peer];
  if (!p) return;
  // Beats overlap (one leaves every interval, each with its own timeout): a beat that timed out
  // after something newer was heard from the peer says nothing about the peer now. Only beats
  // that got no answer while nothing else was heard either make up `fall` misses in a row, so
  // the peer is lost after `(fall − 1) × interval + timeout` of silence, however many are lost.
  if (sentAt !== undefined && p.heardAt !== null && p.heardAt >= sentAt) return;
  p.misses += 1;
  p.answersInRow = 0;
  p.lastError = error;
  if (s.frozen && sentAfterWake(s.frozen, sentAt, d.now)) s.frozen.missesAfterWake += 1;
  const fall = s.options.heartbeat.fall;
  if (p.misses >= fall && !p.lost) {
    p.lost = true;
    const message = `peer "${peer}" unreachable ${p.misses}/${fall} (${error})`;
    log(d, "warn", "peer-lost", message, { peer, misses: p.misses, fall, error });
    d.out.push({ type: "runHook", event: "peer-lost", env: hookEnv(d, message) });
    if (s.awaitingPeer === peer) s.awaitingPeer = null;
  }
  clearFreezeIfAlone(d);
}

/** Whether a heartbeat was sent after the node woke (without `sentAt`: handled after waking). */
function sentAfterWake(
  frozen: { wokeAt: number },
  sentAt: number | undefined,
  now: number,
): boolean {
  return sentAt === undefined ? now > frozen.wokeAt : sentAt >= frozen.wokeAt;
}

/**
 * Records a witness check.
 *
 * @example
 * ```ts
 * observeWitness(d, true, "b"); // the load balancer routes to "b"
 * ```
 */
export function observeWitness(d: Draft, reachable: boolean, routesTo: string | undefined): void {
  const w = d.s.witness;
  w.reachable = reachable;
  w.misses = reachable ? 0 : w.misses + 1;
  w.routesTo = reachable ? (routesTo ?? null) : null;
  clearFreezeIfAlone(d);
}

/**
 * A woken node whose peers are all gone (fresh misses after waking) may serve again when the
 * witness allows, exactly as a standby would take over: nobody else can be serving a newer term.
 */
function clearFreezeIfAlone(d: Draft): void {
  const s = d.s;
  const f = s.frozen;
  if (!f || f.missesAfterWake < s.options.heartbeat.fall) return;
  const peers = Object.values(s.peers);
  if (peers.every((p) => p.lost && witnessAllows(s, p.name))) {
    s.frozen = null;
    log(
      d,
      "info",
      "freeze-over",
      `after the freeze every peer stayed unreachable ${f.missesAfterWake} times; serving again`,
      {
        missesAfterWake: f.missesAfterWake,
      },
    );
  }
}

/**
 * Records a local health summary, tracking the unbroken healthy run failback needs.
 *
 * @example
 * ```ts
 * observeHealth(d, false, ["db"]);
 * ```
 */
export function observeHealth(d: Draft, healthy: boolean, criticalDown: string[]): void {
  const s = d.s;
  s.health = { healthy, criticalDown: [...criticalDown] };
  if (!healthy) {
    s.healthySince = null;
    s.healthyBeats = 0;
  } else if (s.healthySince === null) {
    s.healthySince = d.now;
  }
}

function hookEnv(d: Draft, reason: string) {
  const s = d.s;
  return {
    TANDEM_NODE: s.options.self.name,
    TANDEM_FROM: s.mode,
    TANDEM_TO: s.mode,
    TANDEM_TERM: String(s.term),
    TANDEM_REASON: reason,
  };
}
