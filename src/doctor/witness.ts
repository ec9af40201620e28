/**
 * The witness: without it an isolated node cannot tell a lost peer from its own lost network.
 */
import { checkWitness } from "../cluster/witness.js";
import type { ClusterConfig } from "../config/schema.js";
import { check, type DoctorCheck } from "./types.js";

/**
 * Asks the configured witness once; OK without one (it is optional), FAIL when it does not
 * answer 2xx/3xx from this node.
 *
 * @example
 * ```ts
 * await witnessCheck("a", cluster); // { id: "a/witness", status: "ok", message: 'witness http://10.0.0.1/ answers', … }
 * ```
 */
export async function witnessCheck(
  node: string,
  cluster: ClusterConfig,
  timeoutMs = 2000,
): Promise<DoctorCheck> {
  const id = `${node}/witness`;
  if (!cluster.witness) return check(id, "ok", "no witness configured");
  const { url, kind } = cluster.witness;
  const result = await checkWitness(url, timeoutMs, node);
  if (!result.reachable) {
    return check(
      id,
      "fail",
      `${kind} witness ${url} does not answer 2xx/3xx from this node within ${timeoutMs} ms`,
      "make the witness URL reachable from both nodes (firewall, route), or fix cluster.witness.url",
    );
  }
  const routes = result.routesTo ? ` (routes to "${result.routesTo}")` : "";
  return check(id, "ok", `${kind} witness ${url} answers${routes}`);
}
