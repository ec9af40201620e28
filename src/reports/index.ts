/**
 * Contact-center reports over the queue report store or a queue_log file: per queue, agent,
 * hour, server and call, and the live view, for one server or a cluster of them.
 */
export { type AgentRow, agentsReport } from "./agents.js";
export { type AsteriskQueueRow, asteriskQueuesReport } from "./asterisk.js";
export { type CallLine, type CallsReport, callsReport } from "./calls.js";
export { type Format, render, type Table } from "./format.js";
export { type HourRow, hoursReport } from "./hours.js";
export type { CallFigures } from "./metrics.js";
export { type NowReport, nowReport } from "./now.js";
export { type QueueRow, queuesReport } from "./queues.js";
export {
  DEFINITIONS,
  type Definitions,
  REPORT_NAMES,
  REPORT_PARTS,
  type ReportName,
  type ReportOutput,
  runReport,
  selectPart,
} from "./run.js";
export {
  AGENT_NAME_FORMS,
  type AgentNameForm,
  END_OF_TIME,
  openScope,
  type ReportOptions,
  type Scope,
} from "./scope.js";
export { type ServerRow, serversReport } from "./servers.js";
export { type Interval, replaySessions, unionSeconds } from "./sessions.js";
export { parseSource, type Source, type SourcePartition } from "./source.js";
export { parseTime, parseWindow, type Window, zonedTime } from "./window.js";
export {
  defaultTimeZone,
  formatTime,
  isTimeZone,
  offsetAt,
  type ZoneSegment,
  zoneSegments,
} from "./zone.js";
