/**
 * Checks of the `cluster` section that need more than one field: this node must be one of
 * the pair, and names, ranks and API addresses must not repeat.
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
  return problems;
}
