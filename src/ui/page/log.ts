/** The failover log of both nodes, newest first. */
import { h, when } from "./dom.js";
import type { LogEntry } from "./types.js";

/**
 * The log table.
 *
 * @example
 * ```ts
 * fill("log", logTable(pair.log));
 * ```
 */
export function logTable(entries: LogEntry[]): HTMLElement {
  if (entries.length === 0) return h("p", { class: "muted" }, "no failover log entries yet");
  return h(
    "table",
    { class: "log" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", {}, "time"),
        h("th", {}, "node"),
        h("th", {}, "event"),
        h("th", {}, "what happened"),
      ),
    ),
    h(
      "tbody",
      {},
      ...entries.map((e) =>
        h(
          "tr",
          { class: `lvl-${e.level}` },
          h("td", {}, when(e.time)),
          h("td", {}, e.node),
          h("td", {}, e.event),
          h("td", {}, e.message),
        ),
      ),
    ),
  );
}
