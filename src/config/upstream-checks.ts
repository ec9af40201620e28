/**
 * Checks of the `upstream` section against the cluster: every `peers` entry of a Kamailio
 * push must name another node of the cluster, or a misspelt name would silently never be
 * marked inactive when this node takes over.
 */
import { type ConfigProblem, formatPath } from "./problem.js";
import type { Config } from "./schema.js";
import type { YamlSource } from "./yaml-source.js";

/**
 * Problems of `upstream.kamailio[].peers` in `config`, located in the source.
 *
 * @example
 * ```ts
 * upstreamProblems(config, source);
 * // [{ …, path: "upstream.kamailio[0].peers.bb", message: 'unknown node "bb" (the other cluster nodes: b)' }]
 * ```
 */
export function upstreamProblems(config: Config, source: YamlSource): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const self = config.node.name;
  const others = (config.cluster?.nodes ?? []).map((n) => n.name).filter((n) => n !== self);
  (config.upstream?.kamailio ?? []).forEach((k, i) => {
    for (const name of Object.keys(k.peers)) {
      if (others.includes(name)) continue;
      const path = ["upstream", "kamailio", i, "peers", name];
      const { node, key } = source.locate(path);
      const known =
        others.length > 0
          ? `the other cluster nodes: ${others.join(", ")}`
          : "no cluster section names other nodes";
      const what = name === self ? `"${name}" is this node` : `unknown node "${name}"`;
      problems.push(source.problemAtNode(node, key, formatPath(path), `${what} (${known})`));
    }
  });
  return problems;
}
