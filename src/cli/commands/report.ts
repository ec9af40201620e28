/**
 * `tandem report`: contact-center reports over the store or a queue_log file.
 */
import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import {
  AGENT_NAME_FORMS,
  type AgentNameForm,
  DEFINITIONS,
  type Definitions,
  defaultTimeZone,
  END_OF_TIME,
  type Format,
  formatTime,
  isTimeZone,
  openScope,
  parseWindow,
  REPORT_NAMES,
  REPORT_PARTS,
  type ReportName,
  render,
  runReport,
  selectPart,
} from "../../reports/index.js";
import { readMalformed } from "../../store/index.js";

/** Options of `tandem report` as commander parses them. */
interface ReportCliOptions {
  source?: string;
  store?: string;
  from?: string;
  to?: string;
  queue?: string[];
  agent?: string[];
  sl: string;
  shortAbandon: string;
  tz?: string;
  agentNames: string;
  definitions: string;
  format: string;
  json?: boolean;
  part?: string;
}

/**
 * Registers `tandem report`.
 *
 * @example
 * ```sh
 * tandem report queues --source cluster:A|B|C --from 2024-03-01 --to 2024-03-02 --format json
 * tandem report agents --source file:/var/log/asterisk/queue_log
 * ```
 */
export function registerReport(program: Command): void {
  program
    .command("report")
    .description("Contact-center reports: queues, agents, hours, servers, calls, now")
    .argument("<report>", `one of ${REPORT_NAMES.join(", ")}`)
    .option(
      "--source <source>",
      "file:PATH, sql:A, cluster:A|B|C, cluster:A|B-|C- or clustrw:A|B|C (default: every partition of the store as one cluster)",
    )
    .option(
      "--store <url|path>",
      "postgres://… or mysql://user@host:port/db URL, or SQLite file (default: $TANDEM_STORE or ./var/tandem-queuelog.sqlite)",
    )
    .option(
      "--from <time>",
      "window start, inclusive: YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS] (local), ISO 8601 or Unix seconds",
    )
    .option("--to <time>", "window end, exclusive (same forms as --from)")
    .option("--queue <names...>", "only these queues")
    .option(
      "--agent <names...>",
      "only these agents (as the source names them, e.g. A-Agent/101 with clustrw:)",
    )
    .option("--sl <seconds>", "service level threshold: answered within this many seconds", "20")
    .option("--short-abandon <seconds>", "abandons within this many seconds are short", "5")
    .option(
      "--tz <zone>",
      "IANA time zone, e.g. Europe/Paris, of every time the report reads (--from, --to) and prints, and of the hours report's hours (default: the machine's, or $TZ)",
    )
    .option(
      "--agent-names <form>",
      "how clustrw: renames Agent/101 of partition A: prefix (A-Agent/101, the default) or queuemetrics (Agent/A-101, as QueueMetrics does)",
      "prefix",
    )
    .option(
      "--definitions <whose>",
      "tandem (docs/reports.md) or asterisk: the queues report as app_queue counts it (C, A, SL, SL2, running hold and talk averages, as queue show prints them)",
      "tandem",
    )
    .option("--format <format>", "table, csv or json", "table")
    .option("--json", "same as --format json")
    .option(
      "--part <table>",
      "only one table of a report that prints several: now waiting|agents|loaders, calls closed|open (required with --format csv)",
    )
    .addHelpText(
      "after",
      `
Reports (exact definitions in docs/reports.md):
  queues   per queue: offered, answered, abandoned (short), timeouts, exit with key, exit
           empty, transferred, open, service level, waits and talk time
  agents   per agent: calls answered, talk time, rings not answered, logged-in and paused time
  hours    the queue figures per hour of the day (local time of --tz, exact for any offset)
  servers  the queue figures per partition: which server took and answered the calls
  calls    every call with its server, outcome, agent, wait and talk; open calls apart
           (tables: closed, open)
  now      calls waiting and talking, agents logged in and paused, loader lag
           (tables: waiting, agents, loaders)

With --format csv, calls and now need --part: one CSV holds one table.

A call belongs to the window it entered the queue in; its outcome is judged at the window end.`,
    )
    .action(async (name: string, o: ReportCliOptions) => {
      await report(name, o);
    });
}

async function report(name: string, o: ReportCliOptions): Promise<void> {
  if (!(REPORT_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(`unknown report "${name}": expected one of ${REPORT_NAMES.join(", ")}`);
  }
  const format = (o.json === true ? "json" : o.format) as Format;
  if (!["table", "csv", "json"].includes(format)) {
    throw new UsageError(`--format "${o.format}" is not one of table, csv, json`);
  }
  checkPart(name as ReportName, format, o.part);
  if (o.tz !== undefined && !isTimeZone(o.tz)) {
    throw new UsageError(
      `--tz "${o.tz}" is not a time zone: expected an IANA name such as Asia/Kolkata or UTC`,
    );
  }
  const timeZone = o.tz ?? defaultTimeZone();
  // A bare date as --to means the whole of that day: --from D --to D is day D in --tz.
  const { from, to } = parseWindow(o.from, o.to, timeZone);
  if (!(DEFINITIONS as readonly string[]).includes(o.definitions)) {
    throw new UsageError(
      `--definitions "${o.definitions}" is not one of ${DEFINITIONS.join(", ")}`,
    );
  }
  if (o.definitions === "asterisk" && name !== "queues") {
    throw new UsageError(
      `--definitions asterisk applies to the queues report only, not to "${name}"`,
    );
  }
  if (!(AGENT_NAME_FORMS as readonly string[]).includes(o.agentNames)) {
    throw new UsageError(
      `--agent-names "${o.agentNames}" is not one of ${AGENT_NAME_FORMS.join(", ")}`,
    );
  }
  const scope = await openScope(o.source, o.store, {
    agentNames: o.agentNames as AgentNameForm,
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    queues: splitList(o.queue),
    agents: splitList(o.agent),
    sl: seconds("--sl", o.sl),
    shortAbandon: seconds("--short-abandon", o.shortAbandon),
    timeZone,
  });
  try {
    const all = await runReport(name as ReportName, scope, o.definitions as Definitions);
    const out = o.part === undefined ? all : selectPart(all, o.part);
    if (format === "json") process.stdout.write(`${JSON.stringify(out.json, null, 2)}\n`);
    else {
      if (format === "table") process.stdout.write(`${windowLine(scope)}\n\n`);
      process.stdout.write(render(out.tables, format));
    }
    const malformed = o.source?.startsWith("file:")
      ? scope.malformed
      : (
          await readMalformed(
            scope.store,
            scope.partitions.map((p) => p.name),
            0,
          )
        ).total;
    if (malformed > 0) {
      process.stderr.write(
        `tandem report: note: ${malformed} malformed line(s) of this source were kept aside and are not in the figures\n`,
      );
    }
  } finally {
    await scope.close();
  }
}

/**
 * `--part` names one table of a report that prints several, and CSV needs it there: one CSV
 * holds one table, and three concatenated would not read back.
 */
function checkPart(name: ReportName, format: Format, part: string | undefined): void {
  const parts = REPORT_PARTS[name];
  const known = Object.entries(REPORT_PARTS)
    .map(([r, p]) => `${r}: ${p.join(", ")}`)
    .join("; ");
  if (parts === undefined) {
    if (part !== undefined) {
      throw new UsageError(
        `--part "${part}": the ${name} report prints one table; --part applies to reports with several (${known})`,
      );
    }
    return;
  }
  if (part !== undefined && !parts.includes(part)) {
    throw new UsageError(
      `--part "${part}" is not a table of the ${name} report: expected one of ${parts.join(", ")}`,
    );
  }
  if (part === undefined && format === "csv") {
    throw new UsageError(
      `the ${name} report prints ${parts.length} tables and a CSV holds one: add --part with one of ${parts.join(", ")}`,
    );
  }
}

/** What a text table was computed over: window, time zone and thresholds. */
function windowLine(s: {
  from: number;
  to: number;
  timeZone: string;
  sl: number;
  shortAbandon: number;
}): string {
  const at = (t: number) => formatTime(t, s.timeZone);
  const to = s.to >= END_OF_TIME ? "now" : at(s.to);
  return `Window ${s.from === 0 ? "start of the log" : at(s.from)} to ${to} (end exclusive), time zone ${s.timeZone}, SL ${s.sl} s, short abandon ${s.shortAbandon} s; durations h:mm:ss`;
}

function splitList(v: string[] | undefined): string[] {
  return (v ?? []).flatMap((x) => x.split(",")).filter((x) => x !== "");
}

function seconds(flag: string, v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n)) {
    throw new UsageError(`${flag} "${v}" is not a whole number of seconds`);
  }
  return n;
}
