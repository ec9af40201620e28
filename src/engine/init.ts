/**
 * The engine state a node starts from: its config plus, after a restart, the record the shell
 * persisted. A node that was fenced comes back fenced; anything else starts over in STARTING.
 */
import type { EngineOptions, EngineState, Flags, Mode, PersistedRecord } from "./types.js";

/**
 * Flags with nothing set.
 *
 * @example
 * ```ts
 * noFlags().selfFenced; // null
 * ```
 */
export function noFlags(): Flags {
  return { selfFenced: null, peerFenced: null, suspended: null, fencingPeer: null };
}

/**
 * Builds the first state of a run.
 *
 * @example
 * ```ts
 * const state = initialState(options, await readRecord()); // record is null on first start
 * state.mode; // "STARTING", or "PEER_FENCED" when the record says the peer fenced this node
 * ```
 */
export function initialState(options: EngineOptions, record: PersistedRecord | null): EngineState {
  const flags: Flags = record ? { ...record.flags, fencingPeer: null } : noFlags();
  const { mode, reason } = startingMode(flags);
  const peers: EngineState["peers"] = {};
  for (const p of options.peers) {
    peers[p.name] = {
      name: p.name,
      rank: p.rank,
      view: null,
      heardAt: null,
      misses: 0,
      answersInRow: 0,
      lastError: null,
      lost: false,
      skewed: false,
      skewMs: null,
      configDiffers: false,
    };
  }
  return {
    options,
    mode,
    serving: false,
    term: record?.term ?? 0,
    flags,
    reason,
    health: null,
    healthySince: null,
    healthyBeats: 0,
    peers,
    witness: { reachable: null, misses: 0, routesTo: null },
    lastNow: null,
    frozen: null,
    isolationHold: false,
    handoverTo: null,
    awaitingPeer: null,
    reported: [],
    lastTransition: null,
    quorum: options.quorum
      ? { holder: null, revision: 0, held: false, validUntil: null, error: null, freeSince: null }
      : null,
  };
}

/**
 * A restarted node keeps its fence: only an operator (or auto failback) lifts it. A fence this
 * node asserted on its peer is not resumed; it re-asserts one only if it takes over again.
 */
function startingMode(flags: Flags): { mode: Mode; reason: string } {
  if (flags.peerFenced) {
    return {
      mode: "PEER_FENCED",
      reason: `restarted fenced by peer "${flags.peerFenced.by}" in term ${flags.peerFenced.term}`,
    };
  }
  if (flags.selfFenced) {
    return { mode: "SELF_FENCED", reason: `restarted self-fenced (${flags.selfFenced.reason})` };
  }
  return { mode: "STARTING", reason: "waiting for local health and a word from the peer" };
}
