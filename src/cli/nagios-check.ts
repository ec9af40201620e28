/**
 * What `tandem check` answers a Nagios or Icinga server: one node's view of the pair reduced
 * to OK, WARNING, CRITICAL or UNKNOWN, one status line and performance data.
 */
import type { StatusDocument } from "../api/status-types.js";

/** Nagios plugin states, which are also the exit codes. */
export const NAGIOS = { OK: 0, WARNING: 1, CRITICAL: 2, UNKNOWN: 3 } as const;

/** A Nagios state name. */
export type NagiosState = keyof typeof NAGIOS;

/**
 * The plugin's verdict.
 *
 * @example
 * ```ts
 * const v: NagiosVerdict = { state: "WARNING", problems: ['peer "b" unreachable'], summary: "a ACTIVE serving", perfdata: "serving=1;;;0;1" };
 * ```
 */
export interface NagiosVerdict {
  state: NagiosState;
  /** What makes it WARNING or CRITICAL, most serious first. */
  problems: string[];
  /** Who serves, in a few words. */
  summary: string;
  perfdata: string;
}

/**
 * Judges the pair from one node's status: CRITICAL when no node serves, or when both do in
 * hot-standby; WARNING when the peer is unreachable, a fence waits for recovery, failover is
 * suspended, the cluster sections differ, or a probe is down; OK otherwise.
 *
 * @example
 * ```ts
 * evaluatePair(await fetchStatus(url)).state; // "OK"
 * ```
 */
export function evaluatePair(doc: StatusDocument): NagiosVerdict {
  const critical: string[] = [];
  const warning: string[] = [];
  const node = doc.node;
  const cluster = doc.cluster;
  const peers = cluster?.peers ?? [];
  const servingPeers = peers.filter((p) => p.reachable && p.serving);
  const serving = (node.serving ? 1 : 0) + servingPeers.length;
  const unknownPeers = peers.filter((p) => !p.reachable);
  if (serving === 0) {
    critical.push(
      unknownPeers.length > 0
        ? `no node serves as far as ${node.name} sees (${unknownPeers.map((p) => `peer "${p.name}" unreachable`).join(", ")})`
        : "no node serves",
    );
  }
  if (serving > 1 && cluster?.clusterMode !== "active-active") {
    critical.push(
      `both nodes serve: ${[node.name, ...servingPeers.map((p) => p.name)].join(" and ")}`,
    );
  }
  for (const p of unknownPeers) {
    warning.push(`peer "${p.name}" unreachable${p.lastError ? ` (${p.lastError})` : ""}`);
  }
  const flags = cluster?.flags;
  if (flags?.selfFenced)
    warning.push(`${node.name} self-fenced (${flags.selfFenced.reason}): waits for recovery`);
  if (flags?.peerFenced)
    warning.push(`${node.name} fenced by "${flags.peerFenced.by}": waits for recovery`);
  if (flags?.suspended) warning.push(`failover suspended on ${node.name} by ${flags.suspended.by}`);
  for (const p of peers) {
    if (p.reachable && (p.flags?.selfFenced || p.flags?.peerFenced)) {
      warning.push(`peer "${p.name}" fenced: waits for recovery`);
    }
    if (p.configDiffers)
      warning.push(`peer "${p.name}" has another cluster section: takeovers refused`);
  }
  if (node.criticalDown.length > 0) {
    warning.push(`critical probe down on ${node.name}: ${node.criticalDown.join(", ")}`);
  }
  const self = `${node.name} ${node.mode}${node.serving ? " serving" : ""}`;
  const others = peers.map((p) =>
    p.reachable
      ? `${p.name} ${p.mode ?? "?"}${p.serving ? " serving" : ""}`
      : `${p.name} unreachable`,
  );
  const summary = [self, ...others].join(", ") + (cluster ? ` (term ${cluster.term})` : "");
  const perf = [
    `serving_nodes=${serving};;;0;${1 + peers.length}`,
    `serving=${node.serving ? 1 : 0};;;0;1`,
    ...(cluster
      ? [
          `peer_reachable=${peers.length - unknownPeers.length};;;0;${peers.length}`,
          `peer_misses=${Math.max(0, ...peers.map((p) => p.misses))}`,
          `term=${cluster.term}c`,
        ]
      : []),
    `critical_down=${node.criticalDown.length};;;0`,
  ];
  return {
    state: critical.length > 0 ? "CRITICAL" : warning.length > 0 ? "WARNING" : "OK",
    problems: [...critical, ...warning],
    summary,
    perfdata: perf.join(" "),
  };
}

/**
 * The plugin's output line: `TANDEM STATE - problems; summary | perfdata`.
 *
 * @example
 * ```ts
 * nagiosLine(evaluatePair(doc)); // "TANDEM OK - a ACTIVE serving, b STANDBY (term 3) | serving_nodes=1;;;0;2 …"
 * ```
 */
export function nagiosLine(v: NagiosVerdict): string {
  const text = v.problems.length > 0 ? `${v.problems.join("; ")}; ${v.summary}` : v.summary;
  // "|" separates performance data: it must not appear in the text.
  return `TANDEM ${v.state} - ${text.replaceAll("|", "/")} | ${v.perfdata}`;
}
