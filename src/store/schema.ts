/**
 * Table shapes of the queue report store, as Kysely sees them. The same tables exist in SQLite
 * and PostgreSQL; every table carries the partition (one per telephony server).
 */

/** One queue_log line, keyed by where it is in its file (never by its content). */
export interface EventTable {
  partition: string;
  /** Content key of the file the line came from (see `headKey`). */
  file_key: string;
  /** Byte offset of the line in that file. */
  off: number;
  time: number;
  callid: string;
  queue: string;
  agent: string;
  verb: string;
  data1: string;
  data2: string;
  data3: string;
  data4: string;
  /** Fifth data field and every later one, joined by `|` as written. */
  data5: string;
  /** How many data fields the line had (so it rebuilds exactly). */
  nf: number;
}

/** One call: one ENTERQUEUE of a callid into a queue, up to the event that ended it. */
export interface CallTable {
  partition: string;
  file_key: string;
  /** Offset of the ENTERQUEUE line. */
  off: number;
  callid: string;
  queue: string;
  caller: string;
  enter_time: number;
  connect_time: number | null;
  end_time: number | null;
  /** Verb that ended the call (`ABANDON`, `COMPLETEAGENT`, …; `QUEUESTART`, `REENTER`). */
  end_verb: string | null;
  /** Agent that answered. */
  agent: string | null;
  /** Seconds from entering to answer, or to the end for unanswered calls. */
  wait: number | null;
  /** Seconds of conversation, once known. */
  talk: number | null;
  position: number | null;
}

/**
 * One stretch of an agent's state, derived at load time: a login (AGENTLOGIN or
 * AGENTCALLBACKLOGIN up to its logoff), a membership of one queue (ADDMEMBER up to
 * REMOVEMEMBER) or a pause (PAUSE/PAUSEALL up to UNPAUSE/UNPAUSEALL, or until the agent is
 * neither logged in nor a member of any queue). A QUEUESTART ends every one of its partition.
 */
export interface SessionTable {
  partition: string;
  /** Content key of the file of the line that began it. */
  file_key: string;
  /** Offset of that line. */
  off: number;
  /** Agent as written in the line. */
  agent: string;
  /**
   * `epoch` rows (agent `NONE`) are the partition's runs between QUEUESTART and CONFIGRELOAD
   * lines, which members Asterisk had without an ADDMEMBER are dated back to; not an agent's.
   */
  kind: "login" | "member" | "pause" | "epoch";
  /** The queue of a membership; `""` otherwise. */
  queue: string;
  /** The reason of a pause (PAUSE's data field); `""` otherwise. */
  reason: string;
  start_time: number;
  /** `null` while it lasts. */
  end_time: number | null;
}

/** A line that was not a queue_log event, with why. */
export interface MalformedTable {
  partition: string;
  file_key: string;
  off: number;
  path: string;
  reason: string;
  /** The line, control bytes escaped, cut to 512 characters. */
  raw: string;
  seen_at: number;
}

/** The checkpoint of one file of one partition: how far it is loaded. */
export interface FileTable {
  partition: string;
  file_key: string;
  path: string;
  dev: number;
  ino: number;
  /** Byte offset of the first byte not loaded yet. */
  off: number;
  /** 1 once the file was rotated away and read to its end. */
  complete: number;
  updated_at: number;
}

/** The loader heartbeat of one partition. */
export interface LoaderTable {
  partition: string;
  host: string;
  pid: number;
  path: string;
  off: number;
  size: number;
  last_event_time: number | null;
  /** Milliseconds since the epoch. */
  heartbeat_at: number;
  lines: number;
  malformed: number;
}

/** All tables. */
export interface StoreSchema {
  qlog_events: EventTable;
  qlog_calls: CallTable;
  qlog_sessions: SessionTable;
  qlog_malformed: MalformedTable;
  qlog_files: FileTable;
  qlog_loaders: LoaderTable;
}
