/**
 * The `process` probe: a process, found by pid file or by name, must be running.
 */
import { readdir, readFile } from "node:fs/promises";
import type { ProbeConfig } from "../config/schema.js";
import { describeError, fail, ok, settle } from "./result.js";
import type { CheckerContext, CheckResult, ProbeChecker } from "./types.js";

/** The config of a `process` probe. */
export type ProcessProbeConfig = Extract<ProbeConfig, { kind: "process" }>;

/** The kernel keeps 15 characters of a process name in `/proc/PID/comm`. */
const COMM_LENGTH = 15;

/**
 * Creates the checker of a `process` probe: `pidFile` names a pid that must be alive (a
 * zombie is not), `name` a process name that some process in `/proc` must have exactly.
 * Names longer than the kernel's 15 characters are compared on their first 15.
 *
 * @example
 * ```ts
 * const checker = createProcessChecker({ kind: "process", pidFile: "/run/asterisk/asterisk.pid" }, ctx);
 * await checker.check(signal); // { status: "fail", message: "pid 1234 from /run/asterisk/asterisk.pid is not running" }
 * ```
 */
export function createProcessChecker(
  config: ProcessProbeConfig,
  _ctx: CheckerContext,
): ProbeChecker {
  const { pidFile, name } = config;
  return {
    check: (signal) =>
      settle(signal, () =>
        pidFile !== undefined ? checkPidFile(pidFile) : findByName(name ?? ""),
      ),
    close: async () => {},
  };
}

async function checkPidFile(pidFile: string): Promise<CheckResult> {
  let text: string;
  try {
    text = await readFile(pidFile, "utf8");
  } catch (err) {
    return fail(`cannot read pid file: ${describeError(err)}`);
  }
  const match = /^\s*(\d+)\s*$/.exec(text);
  const pid = Number(match?.[1]);
  if (!Number.isSafeInteger(pid) || pid <= 0) {
    return fail(`pid file ${pidFile} does not hold a pid: ${JSON.stringify(text.slice(0, 40))}`);
  }
  const from = `pid ${pid} from ${pidFile}`;
  if (!isAlive(pid)) return fail(`${from} is not running`);
  if ((await processState(pid)) === "Z")
    return fail(`${from} is a zombie (exited, not yet reaped)`);
  return ok(`${from} is running`);
}

/** `kill(pid, 0)` delivers nothing; EPERM means the process exists but belongs to another user. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The state letter of `/proc/PID/stat` (`R`, `S`, `Z`…), or `undefined` without procfs. */
async function processState(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // The name in parentheses may itself contain spaces and parentheses.
    return stat.slice(stat.lastIndexOf(")") + 2).charAt(0) || undefined;
  } catch {
    return undefined;
  }
}

async function findByName(name: string): Promise<CheckResult> {
  const wanted = name.slice(0, COMM_LENGTH);
  let entries: string[];
  try {
    entries = await readdir("/proc");
  } catch (err) {
    return fail(`cannot list processes: ${describeError(err)}`);
  }
  const pids = entries.filter((entry) => /^\d+$/.test(entry));
  const comms = await Promise.all(
    pids.map((pid) =>
      // A process may exit between readdir and this read.
      readFile(`/proc/${pid}/comm`, "utf8").then(
        (comm) => comm.trimEnd(),
        () => undefined,
      ),
    ),
  );
  const found = pids.filter((_, i) => comms[i] === wanted);
  if (found.length === 0) return fail(`no process named ${JSON.stringify(name)}`);
  const shown = found.length > 3 ? `${found.slice(0, 3).join(", ")}, …` : found.join(", ");
  const count = found.length === 1 ? "1 process" : `${found.length} processes`;
  return ok(`${count} named ${JSON.stringify(name)} (pid ${shown})`);
}
