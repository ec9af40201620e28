/**
 * `tandem report servers`: the same figures per partition, so a cluster report shows which
 * server took (and answered) which share of the calls.
 */
import { type CallFigures, type CallSums, callAggregates, figures, round } from "./metrics.js";
import { type Scope, scopedCalls } from "./scope.js";

/** One server's figures. */
export interface ServerRow extends CallFigures {
  server: string;
  /** Percent of all answered calls of the source that this server answered. */
  answeredShare: number | null;
}

/** The servers report, one row per partition of the source (including idle ones). */
export async function serversReport(s: Scope): Promise<ServerRow[]> {
  const rows = await scopedCalls(s)
    .select("partition")
    .select(callAggregates(s))
    .groupBy("partition")
    .execute();
  const byName = new Map(rows.map((r) => [r.partition, figures(r as unknown as CallSums)]));
  const empty = figures({} as CallSums);
  const total = [...byName.values()].reduce((a, f) => a + f.answered, 0);
  return s.partitions.map((p) => {
    const f = byName.get(p.name) ?? empty;
    return {
      server: p.name,
      ...f,
      answeredShare: total > 0 ? round((100 * f.answered) / total) : null,
    };
  });
}
