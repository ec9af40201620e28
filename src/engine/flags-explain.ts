/**
 * Explains the fencing flags of two nodes side by side: is the combination normal, a known
 * situation, or invalid (misconfiguration or manual tampering)? The verdict is derived from
 * what each flag means and who may set it, so every combination gets an answer:
 *
 * - `selfFenced` is set by the node itself (critical probe down, operator deactivate).
 * - `peerFenced` is set on a node by the peer that took over from it; only the holder of the
 *   newer term fences, so both nodes peer-fenced at once cannot come from the engine.
 * - a node in ACTIVE mode never carries either flag.
 */
import type { Flags, Mode } from "./types.js";

/**
 * One node as `tandem status` shows it.
 *
 * @example
 * ```ts
 * const a: FlagSubject = { name: "a", rank: 1, flags: state.flags, mode: state.mode };
 * ```
 */
export interface FlagSubject {
  name: string;
  rank: number;
  flags: Flags;
  mode: Mode;
}

/**
 * The explanation of a flag combination.
 *
 * @example
 * ```ts
 * const e: FlagExplanation = { verdict: "invalid", situation: "…", likelyCause: "a manual change …" };
 * ```
 */
export interface FlagExplanation {
  verdict: "normal" | "known" | "invalid";
  situation: string;
  likelyCause?: string;
}

/**
 * Explains the flag combination of a pair.
 *
 * @example
 * ```ts
 * explainFlags(a, b);
 * // { verdict: "normal", situation: 'failover mode: "a" fenced itself (…) and "b" took over …' }
 * ```
 */
export function explainFlags(a: FlagSubject, b: FlagSubject): FlagExplanation {
  const [x, y] = a.rank <= b.rank ? [a, b] : [b, a];
  const tampered = [x, y].find(
    (n) => n.mode === "ACTIVE" && (n.flags.selfFenced || n.flags.peerFenced),
  );
  if (tampered) {
    return {
      verdict: "invalid",
      situation: `"${tampered.name}" is ACTIVE yet carries a fence flag`,
      likelyCause: "the state file was edited by hand, or two agents share one state file",
    };
  }
  if (x.flags.peerFenced && y.flags.peerFenced) {
    return {
      verdict: "invalid",
      situation: `"${x.name}" and "${y.name}" each say the other fenced them; only the newer term can fence`,
      likelyCause:
        "a manual change of the persisted flags, or the nodes run with different cluster configs",
    };
  }
  const fenced = [x, y].find((n) => n.flags.peerFenced);
  if (fenced) return explainPeerFence(fenced, fenced === x ? y : x);
  const self = [x, y].filter((n) => n.flags.selfFenced);
  if (self.length === 2) {
    return {
      verdict: "known",
      situation: `"${x.name}" and "${y.name}" both fenced themselves: no node serves`,
      likelyCause: "a dependency shared by both failed, or an operator deactivated both",
    };
  }
  const [only] = self;
  if (only) {
    const other = only === x ? y : x;
    return {
      verdict: "known",
      situation: `"${only.name}" fenced itself (${only.flags.selfFenced?.reason}); "${other.name}" has not fenced it (yet): ${other.mode === "ACTIVE" ? "it took over without fencing (planned, or fencing suspended)" : "takeover pending or blocked"}`,
    };
  }
  const fencer = [x, y].find((n) => n.flags.fencingPeer);
  if (fencer?.flags.fencingPeer) {
    const target = fencer.flags.fencingPeer.peer;
    return {
      verdict: "known",
      situation: `"${fencer.name}" is fencing "${target}" (term ${fencer.flags.fencingPeer.term}); "${target}" has not recorded the fence yet`,
      likelyCause: `"${target}" has not answered since the takeover (down, partitioned, or just restarted); the fence is asserted until it acknowledges`,
    };
  }
  return { verdict: "normal", situation: "no fence on either node: normal operation" };
}

function explainPeerFence(fenced: FlagSubject, fencer: FlagSubject): FlagExplanation {
  const asserting = fencer.flags.fencingPeer !== null;
  const tail = asserting
    ? ""
    : `; "${fencer.name}" no longer asserts the fence (recovery in progress)`;
  if (fencer.flags.selfFenced) {
    return {
      verdict: "known",
      situation: `"${fencer.name}" fenced "${fenced.name}" and then fenced itself: no node serves${tail}`,
      likelyCause: "both nodes failed one after the other; recover one with `tandem recover`",
    };
  }
  if (fenced.flags.selfFenced) {
    return {
      verdict: "normal",
      situation: `failover mode: "${fenced.name}" fenced itself (${fenced.flags.selfFenced.reason}) and "${fencer.name}" took over and fenced it${tail}`,
    };
  }
  return {
    verdict: "known",
    situation: `"${fencer.name}" took over and fenced "${fenced.name}", which had not failed by itself${tail}`,
    likelyCause: `"${fenced.name}" was unreachable (crash, partition, freeze), traffic reached "${fencer.name}", or an operator forced a failover`,
  };
}
