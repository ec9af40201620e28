/**
 * `GET /ui/api/queues?day=YYYY-MM-DD`: the queues page's figures for one local day — per queue,
 * per queue and hour, and the live view (waiting now, agents logged in and paused) — from the
 * report functions of `tandem report` over the store of the `reports` section, so the page
 * and the command line show the same numbers.
 */
import type { FastifyInstance } from "fastify";
import type { HourRow, NowReport, QueueRow } from "../reports/index.js";
import { parseTime } from "../reports/window.js";
import { defaultTimeZone, formatTime } from "../reports/zone.js";
import { type ConsoleContext, mayView } from "./context.js";

/**
 * The queues page's document.
 *
 * @example
 * ```ts
 * const d: QueuesDocument = { day: "2026-11-21", from: 1763679600, to: 1763766000, sl: 20, queues: [], hours: {}, now: null };
 * ```
 */
export interface QueuesDocument {
  day: string;
  from: number;
  to: number;
  sl: number;
  queues: QueueRow[];
  /** Per queue, the 24 hours of the day. */
  hours: Record<string, HourRow[]>;
  now: NowReport;
}

/** Answers are kept this long, so many open pages cost the store one query set. */
const CACHE_MS = 5000;

/**
 * Registers `GET /ui/api/queues`.
 *
 * @example
 * ```ts
 * registerQueueRoutes(app, ctx);
 * ```
 */
export function registerQueueRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const cache = new Map<string, { at: number; doc: Promise<QueuesDocument> }>();
  app.get<{ Querystring: { day?: string } }>("/ui/api/queues", async (req, reply) => {
    if (mayView(ctx, req, reply) !== null) return reply;
    const reports = ctx.config.reports;
    if (!reports) {
      return reply.code(404).send({
        error: "no reports section in this agent's configuration: the queues page is off",
      });
    }
    const zone = defaultTimeZone();
    const day = req.query.day ?? formatTime(Math.floor(Date.now() / 1000), zone).slice(0, 10);
    const window = /^\d{4}-\d{2}-\d{2}$/.test(day) ? dayWindow(day, zone) : null;
    if (!window) return reply.code(400).send({ error: `day "${day}" must be a date YYYY-MM-DD` });
    const hit = cache.get(day);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.doc;
    const doc = build(day, window, reports);
    cache.clear();
    cache.set(day, { at: Date.now(), doc });
    try {
      return await doc;
    } catch (err) {
      cache.clear();
      return reply.code(502).send({ error: (err as Error).message });
    }
  });
}

/** The day as `tandem report --from DAY --to DAY` reads it, or null for a date that does not exist. */
function dayWindow(day: string, zone: string): { from: number; to: number } | null {
  try {
    return { from: parseTime("day", day, zone), to: parseTime("day", day, zone, true) };
  } catch {
    return null;
  }
}

async function build(
  day: string,
  { from, to }: { from: number; to: number },
  reports: NonNullable<ConsoleContext["config"]["reports"]>,
): Promise<QueuesDocument> {
  // Loaded on first use: an agent whose console nobody opens does not pay for the store drivers.
  const { hoursReport, nowReport, openScope, queuesReport } = await import("../reports/index.js");
  const scope = await openScope(reports.source, reports.store, { from, to, sl: reports.sl });
  try {
    const queues = await queuesReport(scope);
    const hours: Record<string, HourRow[]> = {};
    for (const q of queues) hours[q.queue] = await hoursReport({ ...scope, queues: [q.queue] });
    return { day, from, to, sl: reports.sl, queues, hours, now: await nowReport(scope) };
  } finally {
    await scope.close();
  }
}
