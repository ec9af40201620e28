/**
 * `tandem report queues`: calls offered, answered, abandoned… per queue.
 */
import { type CallFigures, type CallSums, callAggregates, figures } from "./metrics.js";
import { type Scope, scopedCalls } from "./scope.js";

/** One queue's figures. */
export interface QueueRow extends CallFigures {
  queue: string;
}

/**
 * The queues report: one row per queue with calls entering it in the window, sorted by name.
 *
 * @example
 * ```ts
 * const rows = await queuesReport(scope);
 * rows[0]; // { queue: "sales", offered: 12, answered: 9, abandoned: 2, serviceLevel: 77.8, … }
 * ```
 */
export async function queuesReport(s: Scope): Promise<QueueRow[]> {
  const rows = await scopedCalls(s)
    .select("queue")
    .select(callAggregates(s))
    .groupBy("queue")
    .orderBy("queue")
    .execute();
  return rows.map((r) => ({ queue: r.queue, ...figures(r as unknown as CallSums) }));
}
