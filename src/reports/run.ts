/**
 * Runs one named report over an open scope and returns both its JSON value and its tables.
 */

import { UsageError } from "../errors.js";
import { agentsReport } from "./agents.js";
import { asteriskQueuesReport } from "./asterisk.js";
import { callsReport } from "./calls.js";
import { FIGURE_COLUMNS, type Table } from "./format.js";
import { hoursReport } from "./hours.js";
import { nowReport } from "./now.js";
import { queuesReport } from "./queues.js";
import type { Scope } from "./scope.js";
import { serversReport } from "./servers.js";
import { formatTime } from "./zone.js";

/** The reports `tandem report` knows. */
export const REPORT_NAMES = ["queues", "agents", "hours", "servers", "calls", "now"] as const;

/** One of {@link REPORT_NAMES}. */
export type ReportName = (typeof REPORT_NAMES)[number];

/** Whose definitions the figures follow: Tandem's (docs/reports.md) or app_queue's. */
export const DEFINITIONS = ["tandem", "asterisk"] as const;

/** One of {@link DEFINITIONS}. */
export type Definitions = (typeof DEFINITIONS)[number];

/**
 * The tables of the reports that print more than one, by `--part` name; CSV takes one of them
 * per run (a CSV file holds one table).
 */
export const REPORT_PARTS: Partial<Record<ReportName, readonly string[]>> = {
  calls: ["closed", "open"],
  now: ["waiting", "agents", "loaders"],
};

/**
 * A report's result: the value printed by `--format json` (timestamps in ISO 8601 with the
 * offset of the report's zone), and tables for text and CSV (`part` names each table of a
 * report that has several; `jsonKey` is its member in `json`).
 */
export interface ReportOutput {
  json: unknown;
  tables: (Table & { part?: string; jsonKey?: string })[];
}

/**
 * Keeps one part of a report with several tables: that table, and in the JSON value only that
 * member (and `at`, the moment the live view was taken).
 *
 * @example
 * ```ts
 * const waiting = selectPart(await runReport("now", scope), "waiting"); // one table, { at, queues }
 * ```
 */
export function selectPart(out: ReportOutput, part: string): ReportOutput {
  const table = out.tables.find((t) => t.part === part);
  if (table === undefined || table.jsonKey === undefined) return out;
  const all = out.json as Record<string, unknown>;
  const json: Record<string, unknown> = {};
  if ("at" in all) json.at = all.at;
  json[table.jsonKey] = all[table.jsonKey];
  return { json, tables: [table] };
}

/**
 * Runs report `name`.
 *
 * @example
 * ```ts
 * const { json } = await runReport("queues", scope); // [{ queue: "sales", offered: 12, … }]
 * ```
 */
export async function runReport(
  name: ReportName,
  s: Scope,
  definitions: Definitions = "tandem",
): Promise<ReportOutput> {
  // Every timestamp is read in the report's zone (--tz), with its offset: `2023-11-14
  // 23:13:20+01:00` in tables and CSV, ISO 8601 (`2023-11-14T23:13:20+01:00`) in JSON.
  const local = (t: number | null) => (t === null ? null : formatTime(t, s.timeZone));
  const iso = (t: number | null) => (t === null ? null : formatTime(t, s.timeZone, true));
  if (definitions === "asterisk") {
    if (name !== "queues") {
      throw new UsageError(
        `--definitions asterisk applies to the queues report only, not to "${name}"`,
      );
    }
    const rows = await asteriskQueuesReport(s);
    const columns = [
      { key: "queue", header: "Queue" },
      { key: "completed", header: "Completed (C)" },
      { key: "abandoned", header: "Abandoned (A)" },
      { key: "completedInSl", header: "Completed in SL" },
      { key: "abandonedInSl", header: "Abandoned in SL" },
      { key: "serviceLevel", header: "SL%" },
      { key: "serviceLevel2", header: "SL2%" },
      { key: "holdtime", header: "Holdtime avg", duration: true },
      { key: "talktime", header: "Talktime avg", duration: true },
    ];
    return { json: rows, tables: [{ columns, rows }] };
  }
  switch (name) {
    case "queues": {
      const rows = await queuesReport(s);
      return {
        json: rows,
        tables: [{ columns: [{ key: "queue", header: "Queue" }, ...FIGURE_COLUMNS], rows }],
      };
    }
    case "servers": {
      const rows = await serversReport(s);
      const columns = [
        { key: "server", header: "Server" },
        ...FIGURE_COLUMNS,
        { key: "answeredShare", header: "Share of all answered %" },
      ];
      return { json: rows, tables: [{ columns, rows }] };
    }
    case "hours": {
      const rows = await hoursReport(s);
      return {
        json: rows,
        tables: [{ columns: [{ key: "hour", header: "Hour" }, ...FIGURE_COLUMNS], rows }],
      };
    }
    case "agents": {
      const rows = await agentsReport(s);
      const columns = [
        { key: "agent", header: "Agent" },
        { key: "answered", header: "Answered" },
        { key: "talkTime", header: "Talk", duration: true },
        { key: "avgTalk", header: "AvgTalk", duration: true },
        { key: "ringNoAnswer", header: "RingNoAns" },
        { key: "loggedIn", header: "LoggedIn", duration: true },
        { key: "paused", header: "Paused", duration: true },
        { key: "pauses", header: "Pauses by reason", duration: true },
      ];
      return { json: rows, tables: [{ columns, rows }] };
    }
    case "calls": {
      const r = await callsReport(s);
      const columns = [
        { key: "entered", header: "Entered" },
        { key: "server", header: "Server" },
        { key: "queue", header: "Queue" },
        { key: "callid", header: "Call" },
        { key: "caller", header: "Caller" },
        { key: "outcome", header: "Outcome" },
        { key: "agent", header: "Agent" },
        { key: "wait", header: "Wait", duration: true },
        { key: "talk", header: "Talk", duration: true },
      ];
      const show = (rows: typeof r.closed, at: typeof local) =>
        rows.map((c) => ({ ...c, entered: at(c.entered) }));
      return {
        json: { closed: show(r.closed, iso), open: show(r.open, iso) },
        tables: [
          {
            part: "closed",
            jsonKey: "closed",
            title: "Calls",
            columns,
            rows: show(r.closed, local),
          },
          {
            part: "open",
            jsonKey: "open",
            title: "Open at the end of the window",
            columns,
            rows: show(r.open, local),
          },
        ],
      };
    }
    case "now": {
      const r = await nowReport(s);
      const loaders = (at: typeof local) =>
        r.loaders.map((l) => ({ ...l, lastEventTime: at(l.lastEventTime) }));
      return {
        json: { ...r, at: iso(r.at), loaders: loaders(iso) },
        tables: [
          {
            part: "waiting",
            jsonKey: "queues",
            title: `Queues at ${local(r.at)}`,
            columns: [
              { key: "queue", header: "Queue" },
              { key: "waiting", header: "Waiting" },
              { key: "longestWait", header: "Longest", duration: true },
              { key: "talking", header: "Talking" },
            ],
            rows: r.queues,
          },
          {
            part: "agents",
            jsonKey: "agents",
            title: "Agents logged in",
            columns: [
              { key: "agent", header: "Agent" },
              { key: "servers", header: "Servers" },
              { key: "paused", header: "Paused", duration: true },
              { key: "reason", header: "Reason" },
            ],
            rows: r.agents.map((a) => ({ ...a, servers: a.servers.join(",") })),
          },
          {
            part: "loaders",
            jsonKey: "loaders",
            title: "Loaders",
            columns: [
              { key: "server", header: "Server" },
              { key: "host", header: "Host" },
              { key: "heartbeatAge", header: "Beat age s" },
              { key: "lagBytes", header: "Lag bytes" },
              { key: "lastEventTime", header: "Last line" },
            ],
            rows: loaders(local),
          },
        ],
      };
    }
  }
}
