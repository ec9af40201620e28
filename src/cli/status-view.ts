/**
 * Renders the status document as the readable table of `tandem status`.
 */
import type { ProbeStatusView, StatusDocument } from "../api/status-types.js";
import { formatDuration } from "../config/duration.js";
import type { Palette } from "./colors.js";
import { formatTable } from "./table.js";

function ago(iso: string | null, now: number): string {
  if (!iso) return "-";
  const t = Date.parse(iso);
  const time = new Date(t).toISOString().slice(11, 19);
  return `${time} (${formatDuration(Math.max(0, now - t))} ago)`;
}

function stateCell(p: ProbeStatusView, c: Palette): string {
  if (p.state === "up") return p.last?.status === "warn" ? c.yellow("up/warn") : c.green("up");
  if (p.state === "down") return p.severity === "critical" ? c.red("DOWN") : c.yellow("down");
  return c.dim("pending");
}

function lastCell(p: ProbeStatusView): string {
  if (!p.last) return "-";
  const text = p.last.message.length > 70 ? `${p.last.message.slice(0, 67)}...` : p.last.message;
  return `${p.last.status} ${formatDuration(p.last.durationMs)}: ${text}`;
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
  const lines = [
    `${c.bold(`Node ${node.name}`)}  ${mode}  ${health}  since ${ago(node.since, now)}`,
    `  ${node.reason}${node.debugPolls ? "  [debug polls on]" : ""}`,
    `  version ${node.version}, pid ${node.pid}, up ${formatDuration(now - Date.parse(node.startedAt))}`,
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
