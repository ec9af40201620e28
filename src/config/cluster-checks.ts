/**
 * Checks of the `cluster` section that need more than one field: this node must be one of
 * the nodes, names, ranks and API addresses must not repeat, and the node count and lease
 * timers must suit the quorum (or its absence).
 */
import { type ConfigProblem, formatPath } from "./problem.js";
import type { ClusterConfig } from "./schema.js";
import type { YamlSource } from "./yaml-source.js";

/**
 * Problems of the cluster section for the node called `nodeName`, located in the source.
 *
 * @example
 * ```ts
 * clusterProblems(config.cluster, "c", source);
 * // [{ …, path: "cluster.nodes", message: 'this node "c" is not one of the cluster nodes (a, b)' }]
 * ```
 */
export function clusterProblems(
  cluster: ClusterConfig | undefined,
  nodeName: string,
  source: YamlSource,
): ConfigProblem[] {
  if (!cluster) return [];
  const problems: ConfigProblem[] = [];
  const at = (path: PropertyKey[], message: string): void => {
    const { node, key } = source.locate(path);
    problems.push(source.problemAtNode(node, key, formatPath(path), message));
  };
  const names = cluster.nodes.map((n) => n.name);
  if (!names.includes(nodeName)) {
    at(
      ["cluster", "nodes"],
      `this node "${nodeName}" is not one of the cluster nodes (${names.join(", ")}); set node.name to one of them`,
    );
  }
  const seen = {
    name: new Map<string, number>(),
    rank: new Map<number, number>(),
    api: new Map<string, number>(),
  };
  cluster.nodes.forEach((n, i) => {
    const api = new URL(n.api).origin;
    const firstName = seen.name.get(n.name);
    if (firstName !== undefined)
      at(["cluster", "nodes", i, "name"], `name "${n.name}" is also node ${firstName + 1}'s`);
    const firstRank = seen.rank.get(n.rank);
    if (firstRank !== undefined) {
      at(
        ["cluster", "nodes", i, "rank"],
        `rank ${n.rank} is also node ${firstRank + 1}'s; ranks must differ`,
      );
    }
    const firstApi = seen.api.get(api);
    if (firstApi !== undefined)
      at(["cluster", "nodes", i, "api"], `API ${api} is also node ${firstApi + 1}'s`);
    seen.name.set(n.name, i);
    seen.rank.set(n.rank, i);
    seen.api.set(api, i);
  });
  for (const { path, message } of quorumProblems(cluster)) at(path, message);
  return problems;
}

/**
 * Problems of the node count and the quorum section: more than two nodes need a quorum, a
 * quorum serves one node at a time (not active-active), and the lease timers must leave the
 * holder time to renew before it gives up.
 *
 * @example
 * ```ts
 * quorumProblems({ ...cluster, nodes: [a, b, c] });
 * // [{ path: ["cluster", "nodes"], message: "3 nodes need a quorum (cluster.quorum) …" }]
 * ```
 */
export function quorumProblems(
  cluster: ClusterConfig,
): Array<{ path: PropertyKey[]; message: string }> {
  const problems: Array<{ path: PropertyKey[]; message: string }> = [];
  const q = cluster.quorum;
  if (!q) {
    if (cluster.nodes.length !== 2) {
      problems.push({
        path: ["cluster", "nodes"],
        message: `${cluster.nodes.length} nodes need a quorum (cluster.quorum); without one a cluster is exactly two nodes`,
      });
    }
    return problems;
  }
  if (cluster.mode === "active-active") {
    problems.push({
      path: ["cluster", "mode"],
      message:
        "active-active cannot be used with a quorum: the quorum lets one node serve at a time; use hot-standby",
    });
  }
  const { ttl, keepAlive, margin } = q.lease;
  if (ttl % 1000 !== 0) {
    problems.push({
      path: ["cluster", "quorum", "lease", "ttl"],
      message: `expected whole seconds (etcd counts lease TTLs in seconds), got ${ttl} ms`,
    });
  }
  if (keepAlive + margin >= ttl) {
    problems.push({
      path: ["cluster", "quorum", "lease", "margin"],
      message: `ttl (${ttl} ms) must exceed keepAlive (${keepAlive} ms) + margin (${margin} ms), or the holder gives up its key between two keep-alives`,
    });
  }
  return problems;
}
