/**
 * The table of every error Tandem raises on purpose, each with a stable code.
 *
 * Codes are never reused or renamed: scripts and the docs rely on them. Every code here is
 * listed in `docs/errors.md`; `src/errors.test.ts` fails when the two drift apart.
 *
 * @example
 * ```ts
 * throw new ConfigInvalidError(`probes.db.port: expected an integer, got "x"`);
 * ```
 */

/** Options accepted by every Tandem error constructor. */
export interface TandemErrorOptions {
  /** The lower-level error that caused this one. */
  cause?: unknown;
  /** Machine-readable detail (for `--json` output and the API). */
  details?: unknown;
}

/** What every Tandem error carries besides its message. */
export interface TandemErrorShape extends Error {
  /** Stable code, e.g. `TANDEM_ERR_CONFIG_INVALID`. */
  readonly code: string;
  /** Process exit code the CLI uses when this error ends a command. */
  readonly exitCode: number;
  /** Machine-readable detail, if any. */
  readonly details: unknown;
}

/** One row of the error table. */
export interface ErrorSpec {
  code: string;
  exitCode: number;
  base: ErrorConstructor;
  summary: string;
}

/** Every error spec, keyed by code; the docs drift test reads this. */
export const errorTable: Record<string, ErrorSpec> = {};

type TandemErrorClass = new (message: string, options?: TandemErrorOptions) => TandemErrorShape;

function defineError(
  code: string,
  base: ErrorConstructor,
  exitCode: number,
  summary: string,
): TandemErrorClass {
  errorTable[code] = { code, exitCode, base, summary };
  const Base = base as new (message?: string, options?: { cause?: unknown }) => Error;
  const cls = class extends Base implements TandemErrorShape {
    readonly code = code;
    readonly exitCode = exitCode;
    readonly details: unknown;
    constructor(message: string, options: TandemErrorOptions = {}) {
      super(message, options.cause === undefined ? undefined : { cause: options.cause });
      this.details = options.details;
    }
    override get name(): string {
      return `${base.name} [${code}]`;
    }
  };
  return cls;
}

/** The configuration file is not valid (syntax, type, unknown key, bad value). */
export const ConfigInvalidError = defineError(
  "TANDEM_ERR_CONFIG_INVALID",
  TypeError,
  2,
  "The configuration file is not valid: YAML syntax, an unknown key, a wrong type or a value out of range.",
);

/** The configuration file could not be read. */
export const ConfigReadError = defineError(
  "TANDEM_ERR_CONFIG_READ",
  Error,
  2,
  "The configuration file could not be read (missing, unreadable, not a regular file).",
);

/** A `${ENV}` or `${file:PATH}` reference in the configuration could not be resolved. */
export const ConfigSecretError = defineError(
  "TANDEM_ERR_CONFIG_SECRET",
  Error,
  2,
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the text names the config's own reference syntax.
  "A `${VAR}` or `${file:PATH}` reference in the configuration names a variable that is not set or a file that cannot be read.",
);

/** The command line is wrong (unknown option, missing argument). */
export const UsageError = defineError(
  "TANDEM_ERR_USAGE",
  TypeError,
  2,
  "The command line is wrong: an unknown option, a missing argument or a bad value.",
);

/** The agent's API could not be reached. */
export const AgentUnreachableError = defineError(
  "TANDEM_ERR_AGENT_UNREACHABLE",
  Error,
  3,
  "The CLI could not reach the agent's API (not running, wrong address, or timed out).",
);

/** The agent answered with something the CLI did not expect. */
export const AgentResponseError = defineError(
  "TANDEM_ERR_AGENT_RESPONSE",
  Error,
  3,
  "The agent answered with an unexpected HTTP status or a body that is not the expected JSON.",
);

/** A listener (API, SIP) could not bind its address. */
export const ListenError = defineError(
  "TANDEM_ERR_LISTEN",
  Error,
  4,
  "A listener could not bind its address: the port is in use, the address does not exist here, or permission was denied.",
);

/** True when `err` is one of Tandem's own errors. */
export function isTandemError(err: unknown): err is TandemErrorShape {
  return (
    err instanceof Error &&
    typeof (err as Partial<TandemErrorShape>).code === "string" &&
    ((err as TandemErrorShape).code as string) in errorTable
  );
}

/** A queue_log file (or stream) could not be read as a queue_log at all. */
export const QueueLogMalformedError = defineError(
  "TANDEM_ERR_QUEUELOG_MALFORMED",
  Error,
  1,
  "A file given as a queue_log is not one: none of its first lines has the form `epoch|callid|queue|agent|event[|data…]`, or its gzip stream is truncated or corrupt.",
);

/** The queue report store could not be opened, migrated or written. */
export const StoreUnavailableError = defineError(
  "TANDEM_ERR_STORE_UNAVAILABLE",
  Error,
  1,
  "The queue report store (embedded SQLite file or PostgreSQL URL) could not be opened, migrated, read or written.",
);

/** A report source (`file:`, `sql:`, `cluster:`, `clustrw:`) is not valid. */
export const SourceInvalidError = defineError(
  "TANDEM_ERR_SOURCE_INVALID",
  TypeError,
  2,
  "A report source is not valid: unknown prefix, empty partition list, or a partition the store has never loaded.",
);

/** A queue_log file could not be opened or read. */
export const QueueLogReadError = defineError(
  "TANDEM_ERR_QUEUELOG_READ",
  Error,
  1,
  "A queue_log file could not be opened or read: it does not exist, is not a regular file, or permission was denied.",
);

/** The node state file exists but is not a valid state this version can read. */
export const StateCorruptError = defineError(
  "TANDEM_ERR_STATE_CORRUPT",
  Error,
  1,
  "The node state file (`<stateDir>/node-state.json`) is not a valid state: not JSON, a wrong shape, or written by a newer Tandem. The agent refuses to start rather than forget a fence.",
);

/** The node state file could not be read or written. */
export const StateUnavailableError = defineError(
  "TANDEM_ERR_STATE_UNAVAILABLE",
  Error,
  1,
  "The node state directory or file could not be created, read or written: permission denied, a read-only file system, no space left, or a path that is not a directory.",
);

/** A request or reply between the agents of a pair failed authentication. */
export const PeerAuthError = defineError(
  "TANDEM_ERR_PEER_AUTH",
  Error,
  1,
  "A heartbeat, fence request or reply between the agents of a pair failed authentication: unsigned, a signature that does not match (different `cluster.secret`), a request signed for another node, or a replayed nonce (a request refused only for its timestamp is `TANDEM_ERR_PEER_CLOCK`).",
);

/** A correctly signed peer request came from a node that is not this node's peer. */
export const PeerUnknownError = defineError(
  "TANDEM_ERR_PEER_UNKNOWN",
  Error,
  1,
  "A correctly signed peer request named a node that is not this node's peer in the cluster configuration (or this node's own name).",
);

/** An operator command was refused by the node, or could not be routed to a node. */
export const CommandRefusedError = defineError(
  "TANDEM_ERR_COMMAND_REFUSED",
  Error,
  1,
  "An operator command (activate, deactivate, failover, switchover, suspend, resume, clear-fence) was refused: the node is not healthy, no node can take over, the named node is unknown, or the cluster did not reach the expected state in time.",
);

/** A step of `tandem recover` found the cluster not ready for it; the procedure stopped. */
export const RecoverStepError = defineError(
  "TANDEM_ERR_RECOVER_STEP",
  Error,
  1,
  "A step of `tandem recover` found a condition that must be fixed first (a probe down, queues not paused, a node unreachable); progress is kept and the next run resumes at that step.",
);

/** A peer request or reply carried a body that is not the expected message. */
export const PeerMessageError = defineError(
  "TANDEM_ERR_PEER_MALFORMED",
  TypeError,
  1,
  "A peer request or reply carried a body that is not the expected message: not JSON, not a valid peer view or fence term, or larger than the limit.",
);

/** Something failed that Tandem did not foresee: a bug to report with `tandem bundle`. */
export const InternalError = defineError(
  "TANDEM_ERR_INTERNAL",
  Error,
  1,
  "An error Tandem did not foresee ended the command: a bug. The message carries the original error; please report it with the output of `tandem bundle`.",
);

/** `tandem init` could not write the configuration file or the cluster secret file. */
export const InitWriteError = defineError(
  "TANDEM_ERR_INIT_WRITE",
  Error,
  1,
  "`tandem init` could not write the configuration file or create the cluster secret file (permission denied, a missing or read-only directory).",
);

/** Asterisk's manager interface (AMI) could not be reached or the connection was lost. */
export const AmiUnreachableError = defineError(
  "TANDEM_ERR_AMI_UNREACHABLE",
  Error,
  1,
  "Asterisk's manager interface (AMI) could not be reached: connection refused, lost, not logged in yet, or too many actions waiting on it.",
);

/** Asterisk rejected the AMI login. */
export const AmiAuthError = defineError(
  "TANDEM_ERR_AMI_AUTH",
  Error,
  1,
  "Asterisk rejected the AMI login: wrong username or secret, or the address is not permitted in manager.conf.",
);

/** Asterisk did not answer an AMI action in time. */
export const AmiTimeoutError = defineError(
  "TANDEM_ERR_AMI_TIMEOUT",
  Error,
  1,
  "Asterisk did not answer an AMI action (login, Ping or another action) within its timeout.",
);

/** Asterisk answered an AMI action with `Response: Error`. */
export const AmiActionError = defineError(
  "TANDEM_ERR_AMI_ACTION",
  Error,
  1,
  "Asterisk answered an AMI action with `Response: Error` (unknown action, missing permission, bad argument); the message carries Asterisk's own text.",
);

/** Bytes from the AMI port that are not the manager protocol. */
export const AmiProtocolError = defineError(
  "TANDEM_ERR_AMI_PROTOCOL",
  Error,
  1,
  "The AMI port sent something that is not the manager protocol: no `Asterisk Call Manager` banner, or a message larger than the limit.",
);

/** A TLS connection was refused: an untrusted certificate on either side, or none when one is required. */
export const TlsError = defineError(
  "TANDEM_ERR_TLS",
  Error,
  3,
  "A TLS connection was refused: the agent's certificate is not signed by the CA given (`--ca` or `api.tls.ca`), names another host or has expired; or a client presented no certificate, or one not signed by `api.tls.ca`, where `api.tls.requireClientCert` asks for one.",
);

/** `tandem bundle` could not write its archive. */
export const BundleWriteError = defineError(
  "TANDEM_ERR_BUNDLE_WRITE",
  Error,
  1,
  "`tandem bundle` could not write its archive: the output directory does not exist, is not writable, or the file already exists.",
);

/** A correctly signed peer request carried a timestamp outside the window: the clocks differ. */
export const PeerClockError = defineError(
  "TANDEM_ERR_PEER_CLOCK",
  Error,
  1,
  "A correctly signed heartbeat or fence request carried a timestamp outside the window around this node's clock (corrected by the clock offset learned from the peer's signed replies): one node's wall clock was stepped. The request is refused, but the refusal is signed and carries this node's view, so the sender counts it as an answer, never as a missed heartbeat; both nodes log the skew and `tandem status` shows it.",
);

/** Kamailio's JSON-RPC did not take a dispatcher state change. */
export const KamailioRpcError = defineError(
  "TANDEM_ERR_KAMAILIO_RPC",
  Error,
  1,
  "Kamailio's JSON-RPC did not take a `dispatcher.set_state`: unreachable, no HTTP 200, not JSON-RPC, or an `error` answer.",
);
