/**
 * What every report query is scoped by: the partitions of the source, the time window and the
 * queue and agent filters, resolved against an open store.
 */
import { type ExpressionBuilder, sql } from "kysely";
import { SourceInvalidError, UsageError } from "../errors.js";
import { runLoader } from "../queuelog/loader.js";
import { openStore, type Store } from "../store/open.js";
import { listPartitions } from "../store/read.js";
import type { StoreSchema } from "../store/schema.js";
import { parseSource, type SourcePartition } from "./source.js";
import { defaultTimeZone } from "./zone.js";

/** The end of time for an open window (fits in bigint and in a double). */
export const END_OF_TIME = 2 ** 52;

/** Filters and options shared by every report. */
export interface ReportOptions {
  /** Window start, Unix seconds, inclusive. @default 0 */
  from?: number;
  /** Window end, Unix seconds, exclusive. @default END_OF_TIME */
  to?: number;
  /** Only these queues. */
  queues?: readonly string[];
  /** Only calls answered by (and sessions of) these agents, as the source names them. */
  agents?: readonly string[];
  /** Service level threshold in seconds. @default 20 */
  sl?: number;
  /** Abandons after at most this many seconds of waiting are short. @default 5 */
  shortAbandon?: number;
  /**
   * How `clustrw:` renames an agent of partition A: `prefix` gives `A-Agent/101`,
   * `queuemetrics` gives `Agent/A-101` (the partition after the technology, as QueueMetrics
   * writes it, so its saved agent filters keep working).
   * @default "prefix"
   */
  agentNames?: AgentNameForm;
  /**
   * IANA time zone whose local hours the `hours` report buckets by (`Asia/Kolkata`).
   * @default the machine's zone, or `TZ`
   */
  timeZone?: string;
}

/** The forms of {@link ReportOptions.agentNames}. */
export const AGENT_NAME_FORMS = ["prefix", "queuemetrics"] as const;

/** One of {@link AGENT_NAME_FORMS}. */
export type AgentNameForm = (typeof AGENT_NAME_FORMS)[number];

/** A source opened for reporting. */
export interface Scope {
  store: Store;
  partitions: SourcePartition[];
  rewrite: boolean;
  /** How a rewriting source (`clustrw:`) renames agents. */
  agentNames: AgentNameForm;
  from: number;
  to: number;
  queues: readonly string[];
  agents: readonly string[];
  sl: number;
  shortAbandon: number;
  timeZone: string;
  /** Lines of a `file:` source kept aside as malformed. */
  malformed: number;
  /** Closes the store if the scope opened it. */
  close(): Promise<void>;
}

/**
 * Opens `source` for reporting. `file:` sources are loaded into a private in-memory store;
 * the others use the store at `storeLocation` and must name partitions it has. Without a
 * source, every partition of the store counts, as one virtual call center.
 *
 * @example
 * ```ts
 * const scope = await openScope("cluster:A|B", "./var/tandem-queuelog.sqlite", { sl: 30 });
 * try { console.log(await queuesReport(scope)); } finally { await scope.close(); }
 * ```
 * @throws SourceInvalidError for a bad source or a partition the store does not have
 */
export async function openScope(
  source: string | undefined,
  storeLocation: string | undefined,
  o: ReportOptions = {},
): Promise<Scope> {
  const common = {
    from: o.from ?? 0,
    to: o.to ?? END_OF_TIME,
    queues: o.queues ?? [],
    agents: o.agents ?? [],
    sl: o.sl ?? 20,
    shortAbandon: o.shortAbandon ?? 5,
    timeZone: o.timeZone ?? defaultTimeZone(),
    agentNames: o.agentNames ?? "prefix",
  };
  if (source === undefined) return openWholeStore(storeLocation, common);
  const parsed = parseSource(source);
  if (parsed.kind === "file") {
    const store = await openStore(":memory:");
    try {
      const stats = await runLoader({ store, partition: "file", path: parsed.path, once: true });
      return {
        ...common,
        store,
        partitions: [{ name: "file", agents: true }],
        rewrite: false,
        malformed: stats.malformed,
        close: () => store.close(),
      };
    } catch (e) {
      await store.close();
      throw e;
    }
  }
  const store = await openStore(storeLocation);
  try {
    const known = await listPartitions(store);
    const unknown = parsed.partitions.filter((p) => !known.includes(p.name));
    if (unknown.length > 0) {
      const names = unknown.map((p) => `"${p.name}"`).join(", ");
      const have =
        known.length === 0
          ? "no partitions yet (run tandem qload first)"
          : `partitions ${known.join(", ")}`;
      throw new SourceInvalidError(
        `source "${source}": unknown partition ${names}; the store at ${store.location} has ${have}`,
      );
    }
  } catch (e) {
    await store.close();
    throw e;
  }
  return {
    ...common,
    store,
    partitions: parsed.partitions,
    rewrite: parsed.rewrite,
    malformed: 0,
    close: () => store.close(),
  };
}

/** Every partition of the store as one virtual call center (what `cluster:` of all gives). */
async function openWholeStore(
  storeLocation: string | undefined,
  common: Omit<Scope, "store" | "partitions" | "rewrite" | "malformed" | "close">,
): Promise<Scope> {
  const store = await openStore(storeLocation);
  try {
    const parts = await listPartitions(store);
    if (parts.length === 0) {
      throw new UsageError(
        `the store at ${store.location} has no partitions yet: load one with tandem qload, or give --source file:PATH`,
      );
    }
    return {
      ...common,
      store,
      partitions: parts.map((name) => ({ name, agents: true })),
      rewrite: false,
      malformed: 0,
      close: () => store.close(),
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}

/** Names of all partitions of the scope. */
export function allPartitions(s: Scope): string[] {
  return s.partitions.map((p) => p.name);
}

/** Names of the partitions whose agent events count (no dash). */
export function agentPartitions(s: Scope): string[] {
  return s.partitions.filter((p) => p.agents).map((p) => p.name);
}

/**
 * The agent column as the source names agents: under `clustrw:`, `A-Agent/101`, or
 * `Agent/A-101` in the QueueMetrics form (the partition after the first `/`; a name without
 * one gets it in front).
 */
export function agentExpr(s: Scope) {
  if (!s.rewrite) return sql<string>`agent`;
  // `partition` is a reserved word on MySQL, where `||` is also "or": quoted, and concat().
  const p = sql.ref("partition");
  const mysql = s.store.dialect === "mysql";
  const cat = (...parts: ReturnType<typeof sql>[]) =>
    mysql ? sql<string>`concat(${sql.join(parts)})` : sql<string>`(${sql.join(parts, sql` || `)})`;
  if (s.agentNames === "prefix") return cat(p, sql`'-'`, sql`agent`);
  const slash = s.store.dialect === "postgres" ? sql`strpos(agent, '/')` : sql`instr(agent, '/')`;
  return cat(sql`substr(agent, 1, ${slash})`, p, sql`'-'`, sql`substr(agent, ${slash} + 1)`);
}

/** Renames one agent as the source does (see {@link agentExpr}). */
export function agentName(s: Scope, partition: string, agent: string): string {
  if (!s.rewrite) return agent;
  if (s.agentNames === "prefix") return `${partition}-${agent}`;
  const i = agent.indexOf("/") + 1;
  return `${agent.slice(0, i)}${partition}-${agent.slice(i)}`;
}

/** The `qlog_calls` rows of the scope: partitions, window on enter time, queue and agent filters. */
export function scopedCalls(s: Scope) {
  let q = s.store.db
    .selectFrom("qlog_calls")
    .where("partition", "in", allPartitions(s))
    .where("enter_time", ">=", s.from)
    .where("enter_time", "<", s.to);
  if (s.queues.length > 0) q = q.where("queue", "in", s.queues);
  if (s.agents.length > 0) {
    const expr = agentExpr(s);
    q = q.where((eb: ExpressionBuilder<StoreSchema, "qlog_calls">) => eb(expr, "in", s.agents));
  }
  return q;
}
