// The command line of `npm run chaos`: options, their checks and the help text.
import { parseArgs } from "node:util";
import { FAULT_KINDS } from "./schedule.mjs";

const KINDS = Object.keys(FAULT_KINDS).join(", ");

/** The help text. */
export const HELP = `Usage: npm run chaos -- --minutes N --seed S [options]

Runs a real pair of agents (each reached through a fault-injecting proxy, each with its own
steppable wall clock) through three phases — no fault, CPU load (stress-ng --cpu 2), then
seeded random faults — sampling both nodes' /monitor/role and SIP responder every 20 ms.

Options:
  --minutes N            length of the run, all phases (default 2; decimals allowed)
  --seed S               seed of the fault schedule (default: from the clock; printed)
  --quorum               start an etcd and give both nodes cluster.quorum on it
  --profile P            the pair's heartbeat timer profile: fast, lan or wan (default fast)
  --faults K1,K2         draw only these fault kinds (${KINDS})
  --no-fault-seconds N   length of the no-fault phase (default 15 % of the run, at least 10)
  --cpu-seconds N        length of the CPU-load phase (default 15 % of the run, at least 10)
  --no-repair            leave the pair as each fault left it (faults then compound)
  --plan                 print the phases and the fault schedule, run nothing
  --keep                 keep the temp dir (configs, agent logs) and print its path
  --json                 print the report as one JSON document
  -h, --help             this text

Exit codes: 0 every invariant held; 1 an invariant was broken (a takeover or a gap over 1 s
in the no-fault or CPU-load phase; with --quorum any double-serving sample); 2 bad usage;
3 the pair (or etcd) could not be started.`;

function usage(message, json) {
  if (json) console.log(JSON.stringify({ error: { code: "CHAOS_USAGE", message } }));
  else console.error(`chaos: ${message}\n\n${HELP}`);
  process.exit(2);
}

/**
 * Parses the arguments; prints help or a usage error and exits when it must.
 *
 * @example
 * parseOptions(["--minutes", "1", "--seed", "7"])
 * // → { minutes: 1, seed: 7, totalMs: 60000, noFaultMs: 10000, cpuMs: 10000, … }
 */
export function parseOptions(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        minutes: { type: "string", default: "2" },
        seed: { type: "string" },
        quorum: { type: "boolean", default: false },
        profile: { type: "string", default: "fast" },
        faults: { type: "string" },
        "no-fault-seconds": { type: "string" },
        "cpu-seconds": { type: "string" },
        keep: { type: "boolean", default: false },
        plan: { type: "boolean", default: false },
        "no-repair": { type: "boolean", default: false },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    usage(error.message, argv.includes("--json"));
  }
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const num = (name, value) => {
    const n = Number(value);
    if (value === "" || !Number.isFinite(n) || n < 0) {
      usage(`--${name}: expected a number ≥ 0, got "${value}"`, values.json);
    }
    return n;
  };
  const minutes = num("minutes", values.minutes);
  if (minutes <= 0) usage(`--minutes: expected a number > 0, got "${values.minutes}"`, values.json);
  const seed = values.seed === undefined ? Date.now() % 1_000_000 : num("seed", values.seed);
  if (!Number.isInteger(seed))
    usage(`--seed: expected an integer, got "${values.seed}"`, values.json);
  if (!["fast", "lan", "wan"].includes(values.profile)) {
    usage(`--profile: expected fast, lan or wan, got "${values.profile}"`, values.json);
  }
  const kinds = values.faults
    ? values.faults.split(",").map((k) => k.trim())
    : Object.keys(FAULT_KINDS);
  for (const k of kinds) {
    if (!(k in FAULT_KINDS))
      usage(`--faults: unknown kind "${k}", expected some of ${KINDS}`, values.json);
  }
  const totalMs = minutes * 60_000;
  const phase = (name) =>
    values[name] === undefined ? Math.max(10_000, 0.15 * totalMs) : num(name, values[name]) * 1000;
  return {
    minutes,
    seed,
    kinds,
    quorum: values.quorum,
    profile: values.profile,
    json: values.json,
    keep: values.keep,
    plan: values.plan,
    repair: !values["no-repair"],
    totalMs,
    noFaultMs: phase("no-fault-seconds"),
    cpuMs: phase("cpu-seconds"),
  };
}
