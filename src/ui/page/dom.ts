/** A tiny element builder: the page writes text nodes only, never HTML strings. */

type Child = Node | string | number | null | undefined | false;

/**
 * Creates `<tag>` with attributes (`class`, `aria-*`, …) and children.
 *
 * @example
 * ```ts
 * h("p", { class: "error" }, "cannot read the agent"); // <p class="error">cannot read the agent</p>
 * ```
 */
export function h(
  tag: string,
  attrs: Record<string, string | boolean | undefined> = {},
  ...children: Child[]
): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? "" : v);
  }
  el.append(...nodes(children));
  return el;
}

/** The children to insert: no empty ones, numbers as text. */
function nodes(children: Child[]): Array<Node | string> {
  return children
    .filter((c): c is Node | string | number => c !== null && c !== undefined && c !== false)
    .map((c) => (typeof c === "number" ? String(c) : c));
}

/**
 * Replaces the children of the element with id `id`.
 *
 * @example
 * ```ts
 * fill("stream", "live");
 * ```
 */
export function fill(id: string, ...children: Child[]): void {
  const el = document.getElementById(id);
  if (!el) return;
  el.replaceChildren(...nodes(children));
}

/**
 * `12:03:04` for an ISO time or epoch ms, with the date when not today.
 *
 * @example
 * ```ts
 * when(status.node.since); // "9:58:29 PM"
 * ```
 */
export function when(t: string | number | null | undefined): string {
  if (t === null || t === undefined) return "—";
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) return "—";
  const today = new Date().toDateString() === d.toDateString();
  return today ? d.toLocaleTimeString() : d.toLocaleString();
}
