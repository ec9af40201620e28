/**
 * Renders the status document as the readable table of `tandem status`.
 */
import type { ProbeStatusView, StatusDocument } from "../api/status-types.js";
import type { ClusterStatusView } from "../cluster/status.js";
import { formatDuration } from "../config/duration.js";
import { explainFlags } from "../engine/flags-explain.js";
import { MAX_SKEW_MS } from "../engine/observe.js";
import type { Palette } from "./colors.js";
import { formatTable } from "./table.js";

function ago(iso: string | null, now: number): string {
  if (!iso) return "-";
  const t = Date.parse(iso);
  const time = new Date(t).toISOString().slice(11, 19);
  return `${time} (${formatDuration(Math.max(0, now - t))} ago)`;
}

function stateCell(p: ProbeStatusView, c: Palette): string {
  const r = p.restart;
  if (r && r.phase !== "idle") {
    return c.yellow(
      r.attempt === 0 ? "restarting (scheduled)" : `restarting ${r.attempt}/${r.attempts}`,
    );
  }
  if (p.state === "up") return p.last?.status === "warn" ? c.yellow("up/warn") : c.green("up");
  if (p.state === "down") return p.severity === "critical" ? c.red("DOWN") : c.yellow("down");
  return c.dim("pending");
}

function lastCell(p: ProbeStatusView): string {
  if (!p.last) return "-";
  const text = p.last.message.length > 70 ? `${p.last.message.slice(0, 67)}...` : p.last.message;
  return `${p.last.status} ${formatDuration(p.last.durationMs)}: ${text}`;
}

function renderSip(sip: NonNullable<StatusDocument["sip"]>): string[] {
  const where = sip.listeners
    .map(
      (l) =>
        `${l.transport} ${l.address}:${l.port}${l.whenNotServing === "silent" ? " (silent when not serving)" : ""}`,
    )
    .join(", ");
  const n = sip.counters;
  return [
    `  SIP responder: ${where}`,
    `    ${n.requests} requests: ${n.ok200} × 200, ${n.unavailable503} × 503, ${n.otherResponses} other, ${n.silent} unanswered, ${n.malformed} malformed`,
  ];
}

function flagText(flags: ClusterStatusView["flags"] | null): string {
  if (!flags) return "-";
  const set = [
    flags.selfFenced ? `self-fenced (${flags.selfFenced.reason})` : null,
    flags.peerFenced ? `fenced by ${flags.peerFenced.by} in term ${flags.peerFenced.term}` : null,
    flags.suspended ? `takeover suspended by ${flags.suspended.by}` : null,
    flags.fencingPeer ? `fencing ${flags.fencingPeer.peer}` : null,
  ].filter((f): f is string => f !== null);
  return set.length > 0 ? set.join(", ") : "none";
}

/** What an operator would do next, when the pair waits for one. */
function nextStep(
  cluster: ClusterStatusView,
  node: StatusDocument["node"],
  peer: ClusterStatusView["peers"][number] | undefined,
): string | null {
  const fenced = node.mode === "SELF_FENCED" || node.mode === "PEER_FENCED";
  const peerServes = peer?.reachable === true && peer.mode === "ACTIVE" && peer.serving === true;
  if (fenced && node.healthy && peerServes) {
    return `this node is healthy and waits for an operator: "tandem recover" hands the calls back to it`;
  }
  if (fenced && !node.healthy) {
    return `fix the failing probes (${node.criticalDown.join(", ") || "see below"}), then "tandem recover"`;
  }
  if (cluster.flags.suspended) {
    return `takeover is suspended (by ${cluster.flags.suspended.by}): "tandem resume ${node.name}" re-arms it`;
  }
  return null;
}

function renderCluster(
  cluster: ClusterStatusView,
  node: StatusDocument["node"],
  c: Palette,
): string[] {
  const lines = [
    `  pair (${cluster.clusterMode}): rank ${cluster.rank}, term ${cluster.term}, flags: ${flagText(cluster.flags)}`,
  ];
  for (const p of cluster.peers) {
    const state = p.reachable
      ? `${p.mode ?? "?"}${p.serving ? " serving" : ""}, ${p.healthy ? "healthy" : c.red("not healthy")}, term ${p.term ?? "?"}, flags: ${flagText(p.flags)}`
      : c.red(`unreachable (${p.misses} missed${p.lastError ? `: ${p.lastError}` : ""})`);
    lines.push(
      `  peer ${p.name} (rank ${p.rank}): ${state}${p.configDiffers ? c.red("  cluster config differs!") : ""}${skewText(p.clockSkewMs, c)}`,
    );
  }
  const peer = cluster.peers[0];
  if (peer?.flags && peer.mode) {
    const e = explainFlags(
      { name: node.name, rank: cluster.rank, flags: cluster.flags, mode: node.mode },
      { name: peer.name, rank: peer.rank, flags: peer.flags, mode: peer.mode },
    );
    const verdict =
      e.verdict === "invalid"
        ? c.red("INVALID")
        : e.verdict === "known"
          ? c.yellow("known")
          : c.green("normal");
    lines.push(
      `  flags: ${verdict}: ${e.situation}${e.likelyCause ? ` (likely cause: ${e.likelyCause})` : ""}`,
    );
  }
  const hint = nextStep(cluster, node, peer);
  if (hint) lines.push(`  ${c.bold("next:")} ${hint}`);
  if (cluster.lastTransition) {
    lines.push(
      `  last transition: ${cluster.lastTransition.from} → ${cluster.lastTransition.to}: ${cluster.lastTransition.reason}`,
    );
  }
  return lines;
}

/**
 * The human view of one node's status.
 *
 * @example
 * ```ts
 * process.stdout.write(renderStatus(doc, palette(false), Date.now()));
 * ```
 */
export function renderStatus(doc: StatusDocument, c: Palette, now: number): string {
  const { node } = doc;
  const mode =
    node.mode === "ACTIVE"
      ? c.green(node.mode)
      : node.mode === "STARTING"
        ? c.yellow(node.mode)
        : c.red(node.mode);
  const health = node.healthy ? c.green("healthy") : c.red("not healthy");
  const serving = node.mode === "ACTIVE" && !node.serving ? `  ${c.yellow("not serving")}` : "";
  const lines = [
    `${c.bold(`Node ${node.name}`)}  ${mode}${serving}  ${health}  since ${ago(node.since, now)}`,
    `  ${node.reason}${node.debugPolls ? "  [debug polls on]" : ""}`,
    `  version ${node.version}, pid ${node.pid}, up ${formatDuration(now - Date.parse(node.startedAt))}`,
    ...(doc.cluster ? renderCluster(doc.cluster, node, c) : []),
    ...(doc.sip ? renderSip(doc.sip) : []),
    "",
  ];
  if (doc.probes.length === 0) {
    lines.push("No probes configured.");
  } else {
    const rows = doc.probes.map((p) => [
      p.name,
      p.kind,
      p.severity,
      stateCell(p, c),
      ago(p.since, now),
      `${p.failures}/${p.checks}`,
      lastCell(p),
    ]);
    lines.push(
      formatTable(["PROBE", "KIND", "SEVERITY", "STATE", "SINCE", "FAILED", "LAST CHECK"], rows),
    );
    const down = doc.probes.filter((p) => p.state === "down" && p.firstError);
    for (const p of down) lines.push(c.dim(`  ${p.name}: first error: ${p.firstError}`));
  }
  return `${lines.join("\n")}\n`;
}

/** "  clock 600.0 s ahead of this node's (fix NTP)" past 1 s of skew, else "". */
function skewText(skewMs: number | null | undefined, c: Palette): string {
  if (skewMs === null || skewMs === undefined || Math.abs(skewMs) <= MAX_SKEW_MS) return "";
  const side = skewMs > 0 ? "ahead of" : "behind";
  return c.red(`  clock ${(Math.abs(skewMs) / 1000).toFixed(1)} s ${side} this node's (fix NTP)`);
}
