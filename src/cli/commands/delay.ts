/**
 * `tandem delay`: the failover delay the configured timers imply, and the settings that make
 * it unsafe or slower than it looks.
 */
import { type Command, Option } from "commander";
import { heartbeatTimers } from "../../cluster/heartbeat-timers.js";
import { formatDuration, loadConfig, parseDuration } from "../../config/index.js";
import {
  expectedFailoverDelay,
  type LoadBalancerTimers,
  TIMER_PROFILES,
} from "../../engine/index.js";
import type { HeartbeatTimers } from "../../engine/types.js";
import { UsageError } from "../../errors.js";

interface DelayOptions {
  config?: string;
  profile?: keyof typeof TIMER_PROFILES;
  interval?: string;
  timeout?: string;
  fall?: string;
  lbInterval?: string;
  lbTimeout?: string;
  lbFall?: string;
  json?: boolean;
}

/** Registers `tandem delay`. */
export function registerDelay(program: Command): void {
  program
    .command("delay")
    .description("Compute the typical and worst-case failover delay of the heartbeat timers")
    .option("-c, --config <file>", "take the timers from this config's cluster section")
    .addOption(
      new Option("--profile <name>", "start from a timer profile").choices(
        Object.keys(TIMER_PROFILES),
      ),
    )
    .option("--interval <duration>", "heartbeat interval (e.g. 100ms)")
    .option("--timeout <duration>", "heartbeat timeout")
    .option("--fall <n>", "missed heartbeats that mark the peer lost")
    .option("--lb-interval <duration>", "the load balancer's check interval (HAProxy inter)")
    .option("--lb-timeout <duration>", "the load balancer's check timeout (HAProxy timeout check)")
    .option("--lb-fall <n>", "the load balancer's fall count")
    .option("--json", "print as JSON")
    .addHelpText(
      "after",
      "\nWorst case: fall × interval + timeout (the last missed heartbeat waits its full timeout).\nTypical: half an interval less, as a failure lands anywhere within an interval.\nWith load-balancer timers, the slower of the two decides when calls move.",
    )
    .action(async (opts: DelayOptions) => {
      process.exitCode = await delayCommand(opts);
    });
}

function ms(value: string, option: string): number {
  const parsed = parseDuration(/^\d+$/.test(value) ? Number(value) : value);
  if (parsed === undefined || parsed <= 0) {
    throw new UsageError(`${option} "${value}" is not a duration (expected e.g. "500ms", "2s")`);
  }
  return parsed;
}

function count(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${option} "${value}" must be a whole number of at least 1`);
  return n;
}

async function baseTimers(opts: DelayOptions): Promise<{ timers: HeartbeatTimers; from: string }> {
  if (opts.config) {
    const { config } = await loadConfig(opts.config);
    if (!config.cluster)
      throw new UsageError(`${opts.config} has no cluster section; give --profile or timers`);
    return {
      timers: heartbeatTimers(config.cluster),
      from: `${opts.config} (profile ${config.cluster.profile})`,
    };
  }
  const profile = opts.profile ?? "lan";
  return { timers: { ...TIMER_PROFILES[profile] }, from: `profile ${profile}` };
}

async function delayCommand(opts: DelayOptions): Promise<number> {
  const { timers: base, from } = await baseTimers(opts);
  const timers: HeartbeatTimers = {
    ...base,
    intervalMs: opts.interval ? ms(opts.interval, "--interval") : base.intervalMs,
    timeoutMs: opts.timeout ? ms(opts.timeout, "--timeout") : base.timeoutMs,
    fall: opts.fall ? count(opts.fall, "--fall") : base.fall,
  };
  const lbGiven =
    opts.lbInterval !== undefined || opts.lbTimeout !== undefined || opts.lbFall !== undefined;
  if (lbGiven && (opts.lbInterval === undefined || opts.lbFall === undefined)) {
    throw new UsageError(
      "give at least --lb-interval and --lb-fall for the load balancer's timers",
    );
  }
  const lb: LoadBalancerTimers | undefined =
    lbGiven && opts.lbInterval && opts.lbFall
      ? {
          intervalMs: ms(opts.lbInterval, "--lb-interval"),
          timeoutMs: opts.lbTimeout
            ? ms(opts.lbTimeout, "--lb-timeout")
            : ms(opts.lbInterval, "--lb-interval"),
          fall: count(opts.lbFall, "--lb-fall"),
        }
      : undefined;
  const delay = expectedFailoverDelay(timers, lb);
  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify({ timers, loadBalancer: lb ?? null, ...delay }, null, 2)}\n`,
    );
  } else {
    const lines = [
      `heartbeat: every ${formatDuration(timers.intervalMs)}, timeout ${formatDuration(timers.timeoutMs)}, fall ${timers.fall} (${from})`,
      ...(lb
        ? [
            `load balancer: every ${formatDuration(lb.intervalMs)}, timeout ${formatDuration(lb.timeoutMs)}, fall ${lb.fall}`,
          ]
        : []),
      `failover delay: typical ${formatDuration(delay.typicalMs)}, worst ${formatDuration(delay.worstMs)}`,
      ...delay.warnings.map((w) => `warning: ${w}`),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  }
  return delay.warnings.length > 0 ? 1 : 0;
}
