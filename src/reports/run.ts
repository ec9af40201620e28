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

/** A report's result: the value printed by `--format json`, and tables for text and CSV. */
export interface ReportOutput {
  json: unknown;
  tables: Table[];
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
  // Every timestamp of a table is read in the report's zone (--tz), with its offset.
  const iso = (t: unknown) => (typeof t === "number" ? formatTime(t, s.timeZone) : t);
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
      const show = (rows: typeof r.closed) => rows.map((c) => ({ ...c, entered: iso(c.entered) }));
      return {
        json: r,
        tables: [
          { title: "Calls", columns, rows: show(r.closed) },
          { title: "Open at the end of the window", columns, rows: show(r.open) },
        ],
      };
    }
    case "now": {
      const r = await nowReport(s);
      return {
        json: r,
        tables: [
          {
            title: `Queues at ${iso(r.at)}`,
            columns: [
              { key: "queue", header: "Queue" },
              { key: "waiting", header: "Waiting" },
              { key: "longestWait", header: "Longest", duration: true },
              { key: "talking", header: "Talking" },
            ],
            rows: r.queues,
          },
          {
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
            title: "Loaders",
            columns: [
              { key: "server", header: "Server" },
              { key: "host", header: "Host" },
              { key: "heartbeatAge", header: "Beat age s" },
              { key: "lagBytes", header: "Lag bytes" },
              { key: "lastEventTime", header: "Last line" },
            ],
            rows: r.loaders.map((l) => ({ ...l, lastEventTime: iso(l.lastEventTime) })),
          },
        ],
      };
    }
  }
}
