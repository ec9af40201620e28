/**
 * Checks of the `api` section that need more than one field: the header timeout within the
 * request timeout, room in the connections for the event streams, a CA for client
 * certificates, and a URL scheme for this node in the cluster section that matches whether its
 * API serves TLS (its peer would otherwise speak the wrong protocol to it and count it as
 * unreachable).
 */
import { type ConfigProblem, formatPath } from "./problem.js";
import type { Config } from "./schema.js";
import type { YamlSource } from "./yaml-source.js";

/**
 * Problems of the `api` section of `config` (whose `node.name` is set), located in the source.
 *
 * @example
 * ```ts
 * apiProblems(config, source);
 * // [{ …, path: "api.tls.requireClientCert", message: "expected api.tls.ca: …" }]
 * ```
 */
export function apiProblems(config: Config, source: YamlSource): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const at = (path: PropertyKey[], message: string): void => {
    const { node, key } = source.locate(path);
    problems.push(source.problemAtNode(node, key, formatPath(path), message));
  };
  const { api } = config;
  if (api.headersTimeout > api.requestTimeout) {
    at(
      ["api", "headersTimeout"],
      `expected at most api.requestTimeout (${api.requestTimeout} ms), got ${api.headersTimeout} ms`,
    );
  }
  if (api.maxEventStreams * 2 > api.maxConnections) {
    at(
      ["api", "maxEventStreams"],
      `expected at most half of api.maxConnections (${api.maxConnections}), got ${api.maxEventStreams}: each stream's client may hold a second connection for its follow reports, and the peer, probes and operators need connections too; raise api.maxConnections to ${api.maxEventStreams * 2} or more`,
    );
  }
  if (api.tls?.requireClientCert && api.tls.ca === undefined) {
    at(
      ["api", "tls", "requireClientCert"],
      "expected api.tls.ca too: client certificates are checked against that CA file",
    );
  }
  const index = config.cluster?.nodes.findIndex((n) => n.name === config.node.name) ?? -1;
  const self = index >= 0 ? config.cluster?.nodes[index] : undefined;
  if (self) {
    const https = new URL(self.api).protocol === "https:";
    if (https && !api.tls) {
      at(
        ["cluster", "nodes", index, "api"],
        `this node's URL is ${self.api} but api.tls is not set: the API would serve plain HTTP; set api.tls or use http://`,
      );
    } else if (!https && api.tls) {
      at(
        ["cluster", "nodes", index, "api"],
        `this node's URL is ${self.api} but api.tls is set: the API serves HTTPS; use https://`,
      );
    }
  }
  return problems;
}
