/**
 * Asterisk queue_log: parsing every version's lines, deriving calls, and loading files into
 * the report store with checkpoints that survive rotation, crashes and store outages.
 */
export type { LoaderNotice, LoaderStats } from "./batcher.js";
export { CallDeriver, type CallRow, type ChangedCalls, toInt } from "./derive.js";
export { formatEvent, type MalformedLine, type QueueLogEvent } from "./event.js";
export { type GeneratorOptions, generateQueueLog } from "./generate.js";
export { type FileIdentity, HEAD_BYTES, headKey } from "./identity.js";
export { type LineBlock, LineSplitter, type SplitLine } from "./lines.js";
export { type LoaderOptions, runLoader } from "./loader.js";
export {
  hasControl,
  isMalformed,
  MAX_FUTURE_SECONDS,
  MAX_LINE_BYTES,
  type ParseOptions,
  parseLine,
  parseRange,
} from "./parse.js";
export { SESSION_VERBS, SessionDeriver, type SessionRow } from "./sessions.js";
export { namedFields, VERBS, type VerbKind, type VerbSpec, verbKind } from "./verbs.js";
