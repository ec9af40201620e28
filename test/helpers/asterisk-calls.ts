/**
 * Calls at an Asterisk, one every 100 ms, and what they tell about call admission around a
 * failover: when a node stopped or started accepting, and how long both refused at once.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./processes.js";
import { freeSipPort, type SippProcess, spawnSipp } from "./sipp.js";

/** One call's final answer. */
export interface CallOutcome {
  /** Wall-clock ms when the final answer arrived. */
  at: number;
  accepted: boolean;
}

/** A running caller. */
export interface Caller {
  sipp: SippProcess;
  /** The answers so far, in time order. */
  outcomes(): CallOutcome[];
}

/**
 * Calls `service`@127.0.0.1:`port` `rate` times a second (`calls` in all) with
 * test/fixtures/sipp/uac-asterisk.xml; logs go to `dir/NAME.log`.
 */
export async function startCaller(options: {
  port: number;
  service: string;
  calls: number;
  rate?: number;
  dir: string;
  name: string;
}): Promise<Caller> {
  const local = await freeSipPort();
  const log = join(options.dir, `${options.name}.log`);
  const sipp = spawnSipp(
    [
      ...["-sf", join(ROOT, "test/fixtures/sipp/uac-asterisk.xml"), "-s", options.service],
      ...["-i", "127.0.0.1", "-p", String(local), "-t", "u1", "-mp", String(await freeSipPort())],
      ...["-m", String(options.calls), "-r", String(options.rate ?? 10), "-rp", "1000"],
      ...["-recv_timeout", "5000", "-timeout", "120s", "-trace_logs", "-log_file", log],
      `127.0.0.1:${options.port}`,
    ],
    options.dir,
  );
  return { sipp, outcomes: () => readOutcomes(log) };
}

/** Parses a caller's log: SIPp's [timestamp] is date, time and epoch seconds, tab-separated. */
export function readOutcomes(log: string): CallOutcome[] {
  let text = "";
  try {
    text = readFileSync(log, "latin1");
  } catch {
    return [];
  }
  return [...text.matchAll(/^\S+\t\S+\t(\d+\.\d+) (ACCEPT|REJECT)$/gm)]
    .map((m) => ({ at: Number(m[1]) * 1000, accepted: m[2] === "ACCEPT" }))
    .sort((x, y) => x.at - y.at);
}

/** The figures of one check around a kill of the active agent at `killedAt`. */
export interface FailoverFigures {
  /** ms from the kill to the first call the new node accepted (null: none). */
  newAccepts: number | null;
  /** ms from the kill to the old node's first refusal after which it accepted no call (null: it kept accepting). */
  oldRejects: number | null;
  /** Longest time (ms) both nodes' latest answers were refusals, after the kill. */
  bothRejectMs: number;
  /** Calls accepted by both nodes within the same 100 ms after the kill. */
  doubleAccepts: number;
}

/** Works out {@link FailoverFigures} from both nodes' callers. */
export function failoverFigures(
  oldNode: CallOutcome[],
  newNode: CallOutcome[],
  killedAt: number,
): FailoverFigures {
  const after = (o: CallOutcome[]) => o.filter((c) => c.at >= killedAt);
  const firstNew = after(newNode).find((c) => c.accepted);
  const oldAfter = after(oldNode);
  const lastAccept = oldAfter.reduce((i, c, n) => (c.accepted ? n : i), -1);
  const firstRejectForGood = oldAfter[lastAccept + 1];
  const merged = [
    ...oldAfter.map((c) => ({ ...c, node: 0 })),
    ...after(newNode).map((c) => ({ ...c, node: 1 })),
  ].sort((x, y) => x.at - y.at);
  const state = [true, false];
  let since: number | null = null;
  let bothRejectMs = 0;
  for (const c of merged) {
    state[c.node] = c.accepted;
    const both = !state[0] && !state[1];
    if (both && since === null) since = c.at;
    if (!both && since !== null) {
      bothRejectMs = Math.max(bothRejectMs, c.at - since);
      since = null;
    }
  }
  if (since !== null && merged.length > 0)
    bothRejectMs = Math.max(bothRejectMs, (merged.at(-1) as CallOutcome).at - since);
  const newAccepted = after(newNode).filter((c) => c.accepted);
  const doubleAccepts = oldAfter.filter(
    (c) => c.accepted && newAccepted.some((n) => Math.abs(n.at - c.at) < 100),
  ).length;
  return {
    newAccepts: firstNew ? firstNew.at - killedAt : null,
    oldRejects:
      lastAccept === oldAfter.length - 1 || !firstRejectForGood
        ? null
        : firstRejectForGood.at - killedAt,
    bothRejectMs,
    doubleAccepts,
  };
}
