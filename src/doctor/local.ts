/**
 * The checks a node runs on itself, from its own configuration: the doctor CLI runs them for
 * the node it is on, and each agent runs them for the doctor of its peer.
 */
import type { Config } from "../config/schema.js";
import { hooksCheck } from "./hooks.js";
import { probeTargetsCheck } from "./probe-targets.js";
import { quorumCheck } from "./quorum.js";
import { secretCheck } from "./secret.js";
import { stateDirCheck } from "./state-dir.js";
import { timersCheck } from "./timers.js";
import type { DoctorCheck } from "./types.js";
import { witnessCheck } from "./witness.js";

/**
 * Every check of one node, in a fixed order.
 *
 * @example
 * ```ts
 * const checks = await nodeChecks("a", config);
 * checks.map((c) => c.id); // ["a/secret", "a/timers", "a/state-dir", "a/hooks", "a/probe-targets", "a/witness", "a/quorum"]
 * ```
 */
export async function nodeChecks(node: string, config: Config): Promise<DoctorCheck[]> {
  const cluster = config.cluster;
  const [stateDir, hooks, targets, witness, quorum] = await Promise.all([
    stateDirCheck(node, config.node.stateDir),
    hooksCheck(node, config.hooks),
    probeTargetsCheck(node, config.probes),
    cluster ? witnessCheck(node, cluster) : null,
    cluster ? quorumCheck(node, cluster) : null,
  ]);
  return [
    ...(cluster ? [secretCheck(node, cluster), timersCheck(node, cluster)] : []),
    stateDir,
    hooks,
    targets,
    ...(witness ? [witness] : []),
    ...(quorum ? [quorum] : []),
  ];
}
