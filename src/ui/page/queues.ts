/** The queues page: the day's figures per queue, per hour, and now. */
import { getJson } from "./api.js";
import { hourChart } from "./chart.js";
import { fill, h } from "./dom.js";

interface Figures {
  offered: number;
  answered: number;
  abandoned: number;
  serviceLevel: number | null;
}

interface QueuesDoc {
  day: string;
  sl: number;
  queues: Array<Figures & { queue: string }>;
  hours: Record<string, Array<Figures & { hour: number }>>;
  now: {
    queues: Array<{ queue: string; waiting: number; longestWait: number }>;
    agents: Array<{ agent: string; paused: boolean }>;
  };
}

const sl = (v: number | null) => (v === null ? "—" : `${v}%`);

/**
 * Loads and shows the queues of `day` (YYYY-MM-DD; empty: today).
 *
 * @example
 * ```ts
 * await showQueues("2026-11-20");
 * ```
 */
export async function showQueues(day: string): Promise<void> {
  let doc: QueuesDoc;
  try {
    doc = await getJson<QueuesDoc>(`/ui/api/queues${day ? `?day=${encodeURIComponent(day)}` : ""}`);
  } catch (err) {
    fill("queues-body", h("p", { class: "error" }, (err as Error).message));
    return;
  }
  const waiting = new Map(doc.now.queues.map((q) => [q.queue, q]));
  const loggedIn = doc.now.agents.length;
  const paused = doc.now.agents.filter((a) => a.paused).length;
  const table = h(
    "table",
    { class: "queues", id: "queue-table" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ...["queue", "offered", "answered", "abandoned", `SL (${doc.sl} s)`, "waiting now"].map(
          (t) => h("th", {}, t),
        ),
      ),
    ),
    h(
      "tbody",
      {},
      ...doc.queues.map((q) =>
        h(
          "tr",
          { "data-queue": q.queue },
          h("td", {}, q.queue),
          h("td", { "data-k": "offered" }, q.offered),
          h("td", { "data-k": "answered" }, q.answered),
          h("td", { "data-k": "abandoned" }, q.abandoned),
          h("td", { "data-k": "serviceLevel" }, sl(q.serviceLevel)),
          h("td", { "data-k": "waiting" }, waiting.get(q.queue)?.waiting ?? 0),
        ),
      ),
    ),
  );
  const charts = doc.queues.map((q) =>
    h(
      "figure",
      {},
      h("figcaption", {}, `${q.queue}: offered (dark) and answered (light) per hour, ${doc.day}`),
      hourChart(q.queue, doc.hours[q.queue] ?? []),
    ),
  );
  const hourTables = doc.queues.map((q) =>
    h(
      "details",
      {},
      h("summary", {}, `${q.queue} per hour`),
      h(
        "table",
        { class: "hours", "data-queue": q.queue },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ...["hour", "offered", "answered", "abandoned", "SL"].map((t) => h("th", {}, t)),
          ),
        ),
        h(
          "tbody",
          {},
          ...(doc.hours[q.queue] ?? [])
            .filter((r) => r.offered > 0)
            .map((r) =>
              h(
                "tr",
                {},
                h("td", {}, `${r.hour}:00`),
                h("td", {}, r.offered),
                h("td", {}, r.answered),
                h("td", {}, r.abandoned),
                h("td", {}, sl(r.serviceLevel)),
              ),
            ),
        ),
      ),
    ),
  );
  fill(
    "queues-body",
    h("p", { id: "agents-now" }, `Agents logged in now: ${loggedIn}, paused: ${paused}`),
    doc.queues.length === 0 ? h("p", { class: "muted" }, `no calls on ${doc.day}`) : table,
    ...charts,
    ...hourTables,
  );
}
