/**
 * Process inspection for the probe tests, through `/proc` (Linux).
 */
import { readdirSync, readFileSync } from "node:fs";

interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  pgrp: number;
}

function readStat(pid: number | string): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  const close = text.lastIndexOf(")");
  const [state = "", ppid = "0", pgrp = "0"] = text.slice(close + 2).split(" ");
  return {
    pid: Number(pid),
    comm: text.slice(text.indexOf("(") + 1, close),
    state,
    ppid: Number(ppid),
    pgrp: Number(pgrp),
  };
}

/**
 * True while `pid` runs. A zombie counts as gone: a killed grandchild is reparented to an
 * init that may reap it late, and `kill(pid, 0)` still succeeds on it until then.
 */
export function isRunning(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== undefined && stat.state !== "Z";
}

/** The live processes matching `where`. */
export function findProcesses(where: (p: ProcStat) => boolean): ProcStat[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map(readStat)
    .filter((p): p is ProcStat => p !== undefined && p.state !== "Z" && where(p));
}
