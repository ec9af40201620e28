/**
 * Renders report rows as an aligned text table, CSV (RFC 4180) or JSON.
 */

/** Output formats of `tandem report`. */
export type Format = "table" | "csv" | "json";

/** A table to render: column keys in order, with their headers. */
export interface Table {
  title?: string;
  columns: readonly { key: string; header: string; duration?: boolean }[];
  rows: readonly object[];
}

/**
 * Renders tables as text or CSV (JSON output is the report's own value, see the CLI).
 *
 * @example
 * ```ts
 * render([{ columns: [{ key: "queue", header: "Queue" }], rows: [{ queue: "sales" }] }], "csv");
 * // "Queue\r\nsales\r\n"
 * ```
 */
export function render(tables: readonly Table[], format: Exclude<Format, "json">): string {
  return tables
    .map((t) => (format === "csv" ? csv(t) : text(t)))
    .join(format === "csv" ? "\r\n" : "\n");
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "object") {
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k === "" ? "(none)" : k}=${String(x)}`)
      .join(" ");
  }
  return String(v);
}

function csv(t: Table): string {
  const q = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [t.columns.map((c) => q(c.header)).join(",")];
  for (const r of t.rows as Record<string, unknown>[])
    lines.push(t.columns.map((c) => q(cell(r[c.key]))).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

/**
 * Seconds as `h:mm:ss` (`0:00:27.5` keeps a tenth); a number of hours beyond 24 stays hours.
 * Text tables only: CSV and JSON keep seconds for programs.
 */
export function hms(seconds: number): string {
  const neg = seconds < 0 ? "-" : "";
  const a = Math.abs(seconds);
  const whole = Math.floor(a);
  const tenth = Math.round((a - whole) * 10);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const sec = whole % 60;
  const frac = tenth > 0 ? `.${tenth}` : "";
  return `${neg}${h}:${String(m).padStart(2, "0")}:${String(sec).padStart(2, "0")}${frac}`;
}

function textCell(v: unknown, duration: boolean | undefined): string {
  if (duration !== true) return cell(v);
  if (typeof v === "number") return hms(v);
  if (v !== null && typeof v === "object") {
    return Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `${k === "" ? "(none)" : k}=${typeof x === "number" ? hms(x) : String(x)}`)
      .join(" ");
  }
  return cell(v);
}

function text(t: Table): string {
  const rows = t.rows as Record<string, unknown>[];
  const grid = [
    t.columns.map((c) => c.header),
    ...rows.map((r) => t.columns.map((c) => textCell(r[c.key], c.duration))),
  ];
  const widths = t.columns.map((_, i) => Math.max(...grid.map((row) => (row[i] ?? "").length)));
  const numeric = t.columns.map((c) => rows.some((r) => typeof r[c.key] === "number"));
  const fmt = (row: string[]) =>
    row
      .map((v, i) => (numeric[i] ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  const out = [fmt(grid[0] ?? []), widths.map((w) => "-".repeat(w)).join("  ")];
  for (const row of grid.slice(1)) out.push(fmt(row));
  if (t.rows.length === 0) out.push("(none)");
  return `${t.title === undefined ? "" : `${t.title}\n`}${out.join("\n")}\n`;
}

/** Columns shared by the call-figure reports (queues, hours, servers). */
export const FIGURE_COLUMNS = [
  { key: "offered", header: "Offered" },
  { key: "answered", header: "Answered" },
  { key: "abandoned", header: "Abandoned" },
  { key: "shortAbandoned", header: "Short" },
  { key: "timeouts", header: "Timeout" },
  { key: "exitWithKey", header: "Key" },
  { key: "exitEmpty", header: "Empty" },
  { key: "transferred", header: "Transf" },
  { key: "open", header: "Open" },
  { key: "serviceLevel", header: "SL%" },
  { key: "serviceLevelWithAbandons", header: "SL%+ab" },
  { key: "avgWait", header: "AvgWait", duration: true },
  { key: "maxWait", header: "MaxWait", duration: true },
  { key: "avgTalk", header: "AvgTalk", duration: true },
  { key: "avgAbandonWait", header: "AvgAbWait", duration: true },
] as const;
