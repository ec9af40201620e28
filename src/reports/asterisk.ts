/**
 * `tandem report queues --definitions asterisk`: the counters app_queue keeps per queue and
 * `queue show` prints, worked out from the calls of the log, so a supervisor can reconcile a
 * report with the PBX. Asterisk's definitions differ from Tandem's (docs/reports.md): a queue
 * timeout and a caller leaving an empty queue are abandons, SL2 counts abandons within the
 * threshold as successes, and hold and talk times are app_queue's running averages.
 */
import { type Scope, scopedCalls } from "./scope.js";

/** One queue as app_queue counts it. Times in whole seconds, as `queue show` prints them. */
export interface AsteriskQueueRow {
  queue: string;
  /** `C:` — answered calls that have ended (COMPLETECALLER, COMPLETEAGENT or a transfer). */
  completed: number;
  /** `A:` — unanswered calls ended by ABANDON, EXITWITHTIMEOUT or EXITEMPTY. */
  abandoned: number;
  /** Completed calls answered within `--sl` seconds. */
  completedInSl: number;
  /** Abandoned calls that ended within `--sl` seconds. */
  abandonedInSl: number;
  /** `SL:` — 100 × completedInSl / completed (0 when nothing completed, as Asterisk prints). */
  serviceLevel: number;
  /** `SL2:` — 100 × (completedInSl + abandonedInSl) / (completed + abandoned). */
  serviceLevel2: number;
  /** `holdtime` — app_queue's running average of the wait of answered calls. */
  holdtime: number;
  /** `talktime` — app_queue's running average of the talk time of completed calls. */
  talktime: number;
}

const COMPLETED = new Set([
  "COMPLETECALLER",
  "COMPLETEAGENT",
  "TRANSFER",
  "BLINDTRANSFER",
  "ATTENDEDTRANSFER",
]);
const ABANDONED = new Set(["ABANDON", "EXITWITHTIMEOUT", "EXITEMPTY"]);

interface Counters {
  completed: number;
  abandoned: number;
  completedInSl: number;
  abandonedInSl: number;
  holdtime: number;
  talktime: number;
}

/** A moment app_queue updates a counter: an answer, or the end of a call. */
interface Step {
  time: number;
  /** Order of steps in one second: ends before answers (an answer's call is not yet done). */
  order: number;
  apply(c: Counters): void;
}

/**
 * app_queue's exponential average with filter coefficient 4, in integer arithmetic as it
 * computes it: new = (3 × old + value) / 4, rounded down.
 */
export function runningAverage(old: number, value: number): number {
  return Math.floor((3 * old + value) / 4);
}

/**
 * The queues report under Asterisk's definitions. The counters start at zero, as Asterisk's do
 * when it starts (or on `queue reset stats`): to match `queue show`, give a window that starts
 * at the server's last QUEUESTART. Calls count in the window they entered, judged as of its
 * end, like every other report.
 *
 * @example
 * ```ts
 * await asteriskQueuesReport(scope);
 * // [{ queue: "support", completed: 12, abandoned: 9, serviceLevel: 66.7, serviceLevel2: 76.2, holdtime: 2, talktime: 36, … }]
 * ```
 */
export async function asteriskQueuesReport(s: Scope): Promise<AsteriskQueueRow[]> {
  const to = s.to;
  const calls = await scopedCalls(s)
    .select(["queue", "enter_time", "connect_time", "end_time", "end_verb", "wait", "talk"])
    .execute();
  const steps = new Map<string, Step[]>();
  for (const c of calls) {
    let list = steps.get(c.queue);
    if (list === undefined) {
      list = [];
      steps.set(c.queue, list);
    }
    const wait = Number(c.wait ?? 0);
    const connect = c.connect_time === null ? null : Number(c.connect_time);
    const end = c.end_time === null ? null : Number(c.end_time);
    const answered = connect !== null && connect < to;
    const inSl = wait <= s.sl;
    if (answered) {
      list.push({
        time: connect,
        order: 1,
        apply: (k) => {
          // The first answer sets the average; Asterisk seeds it while nothing has ended.
          k.holdtime = k.completed + k.abandoned === 0 ? wait : runningAverage(k.holdtime, wait);
        },
      });
      if (end !== null && end < to && COMPLETED.has(c.end_verb ?? "")) {
        const talk = Number(c.talk ?? 0);
        list.push({
          time: end,
          order: 0,
          apply: (k) => {
            k.completed++;
            if (inSl) k.completedInSl++;
            k.talktime = k.completed === 1 ? talk : runningAverage(k.talktime, talk);
          },
        });
      }
    } else if (end !== null && end < to && ABANDONED.has(c.end_verb ?? "")) {
      list.push({
        time: end,
        order: 0,
        apply: (k) => {
          k.abandoned++;
          if (inSl) k.abandonedInSl++;
        },
      });
    }
  }
  const rows: AsteriskQueueRow[] = [];
  for (const [queue, list] of [...steps].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    list.sort((a, b) => a.time - b.time || a.order - b.order);
    const k: Counters = {
      completed: 0,
      abandoned: 0,
      completedInSl: 0,
      abandonedInSl: 0,
      holdtime: 0,
      talktime: 0,
    };
    for (const step of list) step.apply(k);
    const both = k.completed + k.abandoned;
    rows.push({
      queue,
      ...k,
      serviceLevel: k.completed > 0 ? tenth((100 * k.completedInSl) / k.completed) : 0,
      serviceLevel2: both > 0 ? tenth((100 * (k.completedInSl + k.abandonedInSl)) / both) : 0,
    });
  }
  return rows;
}

/** Rounded to 0.1 as `queue show` prints it (`%2.1f`). */
function tenth(x: number): number {
  return Math.round(x * 10) / 10;
}
