/**
 * The queue report store: one schema on embedded SQLite or PostgreSQL, written by the
 * queue_log loader and read by the reports.
 */
export {
  checkStoreLocation,
  DEFAULT_STORE_PATH,
  defaultStoreLocation,
  isMysqlUrl,
  isPostgresUrl,
  type OpenStoreOptions,
  openStore,
  redact,
  type Store,
} from "./open.js";
export {
  listPartitions,
  readCheckpoints,
  readHeartbeats,
  readMalformed,
  readOpenCalls,
  readOpenSessions,
} from "./read.js";
export type {
  CallTable,
  EventTable,
  FileTable,
  LoaderTable,
  MalformedTable,
  SessionTable,
  StoreSchema,
} from "./schema.js";
export {
  commitBatch,
  escapeRaw,
  type LoadBatch,
  type LocatedMalformed,
  writeHeartbeat,
} from "./write.js";
