/** A hand-written SVG bar chart of one queue's day: offered and answered per hour. */

const NS = "http://www.w3.org/2000/svg";

function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/**
 * Hour rows as the report gives them.
 *
 * @example
 * ```ts
 * const bar: HourBar = { hour: 9, offered: 31, answered: 27, abandoned: 4 };
 * ```
 */
export interface HourBar {
  hour: number;
  offered: number;
  answered: number;
  abandoned: number;
}

/**
 * The chart; every bar carries its figure in `data-*` and a `<title>` for tooltips.
 *
 * @example
 * ```ts
 * figure.append(hourChart("sales", doc.hours.sales ?? []));
 * ```
 */
export function hourChart(queue: string, rows: HourBar[]): SVGElement {
  const w = 720;
  const hgt = 180;
  const left = 30;
  const bottom = 20;
  const max = Math.max(1, ...rows.map((r) => r.offered));
  const slot = (w - left) / 24;
  const y = (v: number) => hgt - bottom - (v / max) * (hgt - bottom - 10);
  const root = svg("svg", {
    viewBox: `0 0 ${w} ${hgt}`,
    class: "chart",
    role: "img",
    "aria-label": `${queue}: calls offered and answered per hour`,
    "data-queue": queue,
  });
  root.append(svg("text", { x: 0, y: 12, class: "axis" }, String(max)));
  root.append(
    svg("line", { x1: left, y1: hgt - bottom, x2: w, y2: hgt - bottom, class: "axis-line" }),
  );
  /** One bar of an hour; `x` is where the bar starts. */
  const bar = (r: HourBar, kind: "offered" | "answered", x: number) => {
    const rect = svg("rect", {
      x,
      y: y(r[kind]),
      width: slot / 2 - 2,
      height: hgt - bottom - y(r[kind]),
      class: `bar ${kind}`,
      "data-hour": r.hour,
      [`data-${kind}`]: r[kind],
    });
    rect.append(svg("title", {}, `${r.hour}:00 ${kind} ${r[kind]}`));
    return rect;
  };
  for (const r of rows) {
    const x = left + r.hour * slot;
    root.append(bar(r, "offered", x + 2), bar(r, "answered", x + slot / 2));
    if (r.hour % 3 === 0)
      root.append(svg("text", { x: x + 2, y: hgt - 5, class: "axis" }, String(r.hour)));
  }
  return root;
}
