/**
 * The vocabulary of the failover engine: its options, the inputs the shell feeds it, the
 * effects it asks the shell to carry out, and the state it threads from one step to the next.
 * Everything here is plain data so a state can be logged, compared and replayed.
 */

/**
 * The modes a node can be in.
 *
 * @example
 * ```ts
 * const m: Mode = "PEER_FENCED"; // the peer told this node to stand down
 * ```
 */
export type Mode = "STARTING" | "STANDBY" | "ACTIVE" | "SELF_FENCED" | "PEER_FENCED";

/**
 * The persisted fencing flags. `since` values are the engine's `now` when the flag was set.
 *
 * @example
 * ```ts
 * const f: Flags = { selfFenced: null, peerFenced: null, suspended: null, fencingPeer: null };
 * ```
 */
export interface Flags {
  /** This node refuses calls because a critical resource failed or an operator said so. */
  selfFenced: { since: number; reason: string } | null;
  /** The peer `by` told this node to stand down in `term`. */
  peerFenced: { by: string; term: number; since: number } | null;
  /** Takeover and fencing are suspended (recovery, or `deactivate` on the standby). */
  suspended: { by: string; since: number } | null;
  /** This node asserts a fence on `peer` for `term` until told otherwise. */
  fencingPeer: { peer: string; term: number; since: number } | null;
}

/**
 * What a node tells its peers about itself in every heartbeat and heartbeat answer.
 *
 * @example
 * ```ts
 * const v: PeerView = viewOf(state, Date.now()); // built by the shell from the engine state
 * ```
 */
export interface PeerView {
  name: string;
  rank: number;
  mode: Mode;
  term: number;
  healthy: boolean;
  serving: boolean;
  flags: Flags;
  configHash: string;
  wallClockMs: number;
  /** The fence term this node acknowledged (equal to `flags.peerFenced.term`). */
  acknowledgedFenceTerm?: number;
  /** Set while this node hands the active role to the named node (planned switchover). */
  handoverTo?: string;
  /** Which node the load-balancer witness last routed to, as this node saw it. */
  witnessRoutesTo?: string;
}

/**
 * Heartbeat timers: one heartbeat every `intervalMs`, each answered within `timeoutMs`; a peer
 * is lost after `fall` consecutive misses and counted healthy after `rise` good answers.
 *
 * @example
 * ```ts
 * const hb: HeartbeatTimers = { intervalMs: 100, timeoutMs: 80, fall: 3, rise: 3 };
 * ```
 */
export interface HeartbeatTimers {
  intervalMs: number;
  timeoutMs: number;
  fall: number;
  rise: number;
}

/**
 * A node's identity in the cluster.
 *
 * @example
 * ```ts
 * const a: NodeRef = { name: "a", rank: 1 }; // rank 1 is the primary
 * ```
 */
export interface NodeRef {
  name: string;
  rank: number;
}

/**
 * The engine's configuration, taken from the node's config file.
 *
 * @example
 * ```ts
 * const o: EngineOptions = {
 *   self: { name: "a", rank: 1 }, peers: [{ name: "b", rank: 2 }], clusterMode: "hot-standby",
 *   heartbeat: TIMER_PROFILES.lan, failback: { mode: "manual", rise: 3, minStableMs: 30_000 },
 *   witness: null, configHash: "1a2b3c", onActiveHookFailure: "step-down",
 * };
 * ```
 */
export interface EngineOptions {
  self: NodeRef;
  peers: NodeRef[];
  clusterMode: "hot-standby" | "active-active";
  heartbeat: HeartbeatTimers;
  /** `manual` (default): a recovered primary waits for the operator. */
  failback: { mode: "manual" | "auto"; rise: number; minStableMs: number };
  witness: null | { kind: "http" | "load-balancer" };
  /** Hash of the cluster section; peers with another hash never trigger a takeover. */
  configHash: string;
  /** What a failed on-active hook does. @default "step-down" */
  onActiveHookFailure: "step-down" | "stay";
  /** An external quorum (etcd) arbitrates who serves; `null` or absent: the pair decides. */
  quorum?: QuorumOptions | null;
}

/**
 * What the shell writes atomically and hands back to {@link initialState} after a restart.
 *
 * @example
 * ```ts
 * const r: PersistedRecord = { term: 4, mode: "PEER_FENCED", flags };
 * ```
 */
export interface PersistedRecord {
  term: number;
  mode: Mode;
  flags: Flags;
}

/**
 * Every operator command, each idempotent and logged with who asked.
 *
 * @example
 * ```ts
 * COMMAND_NAMES.includes("switchover"); // true
 * ```
 */
export const COMMAND_NAMES = [
  "activate",
  "deactivate",
  "failover",
  "switchover",
  "suspend",
  "resume",
  "clear-fence",
] as const;

/**
 * One operator command.
 *
 * @example
 * ```ts
 * step(state, { type: "command", command: "switchover", target: "a", by: "alice" }, now);
 * ```
 */
export type CommandName = (typeof COMMAND_NAMES)[number];

/**
 * Everything that can happen to a node, as seen by its engine.
 *
 * @example
 * ```ts
 * step(state, { type: "heartbeatFailed", peer: "a", error: "connection refused" }, now);
 * ```
 */
export type EngineInput =
  | { type: "tick" }
  | { type: "health"; healthy: boolean; criticalDown: string[] }
  | {
      type: "heartbeatReply";
      peer: string;
      view: PeerView;
      localWallClockMs: number;
      /** `now` when this node sent the heartbeat; after a freeze only fresh ones count. */
      sentAt?: number;
    }
  | { type: "heartbeatFailed"; peer: string; error: string; sentAt?: number }
  | { type: "heartbeatReceived"; from: PeerView; localWallClockMs?: number }
  | { type: "fenceRequest"; from: string; term: number }
  | { type: "unfenceRequest"; from: string; term: number }
  | { type: "witness"; reachable: boolean; routesTo?: string }
  | { type: "activity" }
  | {
      type: "command";
      command: CommandName;
      target?: string;
      by: string;
      /** Do it even if it leaves nobody serving (`--force`). */
      force?: boolean;
    }
  | { type: "hookResult"; hook: HookEvent; ok: boolean; message: string }
  | ({ type: "quorum" } & QuorumObservation);

/**
 * Hook events the shell runs scripts or webhooks for.
 *
 * @example
 * ```ts
 * if (effect.type === "runHook" && effect.event === "active") await hooks.run("active", effect.env);
 * ```
 */
export type HookEvent =
  | "active"
  | "standby"
  | "self-fenced"
  | "peer-fenced"
  | "peer-lost"
  | "peer-found";

/**
 * Environment handed to hooks.
 *
 * @example
 * ```ts
 * const env: HookEnv = { TANDEM_NODE: "b", TANDEM_FROM: "STANDBY", TANDEM_TO: "ACTIVE",
 *   TANDEM_TERM: "2", TANDEM_REASON: 'peer "a" unreachable 3/3 (connection refused)' };
 * ```
 */
export interface HookEnv {
  TANDEM_NODE: string;
  TANDEM_FROM: string;
  TANDEM_TO: string;
  TANDEM_TERM: string;
  TANDEM_REASON: string;
}

/**
 * What the engine asks the shell to do, in order.
 *
 * @example
 * ```ts
 * for (const e of effects) if (e.type === "sendFence") peerClient(e.peer).fence(e.term);
 * ```
 */
export type Effect =
  | { type: "setMode"; mode: Mode; serving: boolean; reason: string }
  | { type: "persist"; record: PersistedRecord }
  | { type: "sendFence"; peer: string; term: number }
  | { type: "sendUnfence"; peer: string; term: number }
  | { type: "runHook"; event: HookEvent; env: HookEnv }
  | { type: "log"; level: "info" | "warn" | "error"; event: string; message: string; cause: object }
  | { type: "emit"; event: "role" | "switchover" | "reconnect"; data: object }
  | QuorumEffect;

/**
 * What this node knows about one peer.
 *
 * @example
 * ```ts
 * state.peers.a?.misses; // consecutive missed heartbeats to "a"
 * ```
 */
export interface PeerState {
  name: string;
  rank: number;
  /** The last view heard from the peer, whatever its age. */
  view: PeerView | null;
  /** `now` of the last heartbeat answer or inbound heartbeat. */
  heardAt: number | null;
  misses: number;
  lastError: string | null;
  /** `fall` consecutive misses: the peer is considered gone until heard from again. */
  lost: boolean;
  /**
   * Answers in a row since the last miss. The peer counts as able to take the calls over only
   * at `rise` (a flapping link does not make it a successor on one answer).
   */
  answersInRow: number;
  /** A clock-skew episode is in progress (reported once). */
  skewed: boolean;
  /** The peer's wall clock minus this node's at its last view, in ms; null before the first. */
  skewMs: number | null;
  /** The peer's cluster config hash differs from ours (reported once). */
  configDiffers: boolean;
}

/**
 * The engine state threaded through {@link step}. Treat it as immutable.
 *
 * @example
 * ```ts
 * const { state: next } = step(state, { type: "tick" }, now);
 * ```
 */
export interface EngineState {
  options: EngineOptions;
  mode: Mode;
  serving: boolean;
  term: number;
  flags: Flags;
  /** Why the node is in its mode, in one line. */
  reason: string;
  /** Local health; `null` until the first summary arrives. */
  health: { healthy: boolean; criticalDown: string[] } | null;
  /** Start of the current run of continuous health, for failback's `minStableMs`. */
  healthySince: number | null;
  /** Consecutive heartbeat exchanges while healthy, for failback's `rise`. */
  healthyBeats: number;
  peers: Record<string, PeerState>;
  witness: { reachable: boolean | null; misses: number; routesTo: string | null };
  /** `now` of the previous step, for freeze detection. */
  lastNow: number | null;
  /** The process was frozen: not serving until fresh contact after `wokeAt`. */
  frozen: { wokeAt: number; gapMs: number; missesAfterWake: number } | null;
  /** Stepped down as the isolated node: no takeover before the peer is heard again. */
  isolationHold: boolean;
  /** A planned handover to this node is in progress. */
  handoverTo: string | null;
  /** After a takeover with this peer reachable: not serving until it shows our term, not ACTIVE. */
  awaitingPeer: string | null;
  /** Log keys already reported for the current episode, so a condition is logged once. */
  reported: string[];
  /** The latest mode change; `cause` is the engine event behind it (`takeover`, `self-fence`, `command`, …). */
  lastTransition: { at: number; from: Mode; to: Mode; reason: string; cause: string } | null;
  /** What this node knows of the quorum's leader key; `null` without a quorum. */
  quorum: QuorumState | null;
}

/**
 * How the engine uses an external quorum.
 *
 * @example
 * ```ts
 * const q: QuorumOptions = { fastTakeover: true, freeGraceMs: 600 };
 * ```
 */
export interface QuorumOptions {
  /**
   * Replace the key of a holder whose agent port refuses connections (its process is gone)
   * without waiting for its lease to expire.
   */
  fastTakeover: boolean;
  /**
   * A free key is claimed first by the best-ranked healthy standby; after this long any
   * healthy standby claims it (the better-ranked one may not reach the quorum).
   */
  freeGraceMs: number;
}

/**
 * What the quorum shell last learned about the leader key, as an engine input.
 *
 * @example
 * ```ts
 * step(state, { type: "quorum", holder: "a", revision: 7, held: true, validUntil: now + 1500, error: null }, now);
 * ```
 */
export interface QuorumObservation {
  /** The node named in the key, or `null` when the key is absent. */
  holder: string | null;
  /** The key's modification revision: the fencing token and term of its holder. */
  revision: number;
  /** This node holds the key with a live lease. */
  held: boolean;
  /**
   * Monotonic ms until which this node may serve: when the last confirmed keep-alive was
   * sent, plus the lease TTL, minus the safety margin. `null` unless `held`.
   */
  validUntil: number | null;
  /** Why the quorum is not usable now (etcd unreachable, lease lost), or `null`. */
  error: string | null;
}

/**
 * The engine's record of the quorum: the last observation plus when the key became free.
 *
 * @example
 * ```ts
 * state.quorum?.held; // true while this node may serve
 * ```
 */
export interface QuorumState extends QuorumObservation {
  /** `now` when the key was first seen absent in the current free spell. */
  freeSince: number | null;
}

/**
 * What the engine asks the quorum shell to do: `campaign` creates the key if absent;
 * `replace` overwrites the key of a holder proven gone (only if still at `revision`);
 * `resign` deletes this node's key and revokes its lease.
 *
 * @example
 * ```ts
 * if (effect.type === "quorum" && effect.action === "campaign") await session.campaign();
 * ```
 */
export type QuorumEffect =
  | { type: "quorum"; action: "campaign" }
  | { type: "quorum"; action: "replace"; holder: string; revision: number }
  | { type: "quorum"; action: "resign" };
