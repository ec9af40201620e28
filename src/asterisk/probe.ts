/**
 * The `asterisk` probe: Asterisk's manager interface logs in and answers a Ping within the
 * probe's timeout, and, when configured, enough pjsip endpoints are reachable, a queue exists
 * with enough members, and the channel count stays under a limit.
 */
import type { ProbeConfig } from "../config/schema.js";
import { elapsedMs, fail, ok, settle } from "../probes/result.js";
import type { CheckerContext, CheckResult, ProbeChecker } from "../probes/types.js";
import { AmiClient } from "./ami-client.js";

/** The config of an `asterisk` probe. */
export type AsteriskProbeConfig = Extract<ProbeConfig, { kind: "asterisk" }>;

// Device states (PJSIPShowEndpoints `DeviceState`) that mean nobody can be reached.
const UNREACHABLE = new Set(["unavailable", "invalid"]);
// QueueMember `Status` 4 = invalid, 5 = unavailable (Asterisk's device state numbers).
const MEMBER_OUT = new Set(["4", "5"]);

/**
 * Creates the checker of an `asterisk` probe. It keeps one AMI connection (without events)
 * open between checks and reconnects on its own.
 *
 * @example
 * ```ts
 * const checker = createAsteriskChecker({ kind: "asterisk", host: "127.0.0.1", port: 5038, username: "tandem", secret: "s", queue: { name: "support", minMembers: 1 } }, ctx);
 * await checker.check(signal); // { status: "ok", message: "AMI answered in 2 ms; queue support: 3 members" }
 * ```
 */
export function createAsteriskChecker(
  config: AsteriskProbeConfig,
  ctx: CheckerContext,
): ProbeChecker {
  let ami: AmiClient | null = null;
  const client = (): AmiClient => {
    if (!ami) {
      ami = new AmiClient({
        host: config.host,
        port: config.port,
        username: config.username,
        secret: config.secret,
        events: false,
        actionTimeoutMs: ctx.timeoutMs,
        connectTimeoutMs: ctx.timeoutMs,
        pingIntervalMs: 30_000,
        reconnectMaxMs: 1000,
      });
      ami.start();
    }
    return ami;
  };
  return {
    check: (signal) => settle(signal, () => checkOnce(config, client(), ctx.timeoutMs)),
    close: async () => {
      await ami?.close();
      ami = null;
    },
  };
}

async function checkOnce(
  config: AsteriskProbeConfig,
  ami: AmiClient,
  timeoutMs: number,
): Promise<CheckResult> {
  const started = performance.now();
  await ami.ready(timeoutMs);
  await ami.action({ Action: "Ping" });
  const parts = [`AMI at ${ami.address} answered in ${elapsedMs(started)} ms`];
  if (config.minEndpoints !== undefined) {
    const { events } = await ami.actionList({ Action: "PJSIPShowEndpoints" });
    const reachable = events.filter(
      (e) =>
        e.event === "EndpointList" && !UNREACHABLE.has((e.get("DeviceState") ?? "").toLowerCase()),
    ).length;
    if (reachable < config.minEndpoints)
      return fail(
        `${reachable} pjsip endpoints reachable, expected at least ${config.minEndpoints}`,
      );
    parts.push(`${reachable} endpoints reachable`);
  }
  if (config.queue) {
    const { name, minMembers } = config.queue;
    const { events } = await ami.actionList({ Action: "QueueStatus", Queue: name });
    if (!events.some((e) => e.event === "QueueParams" && e.get("Queue") === name))
      return fail(`queue "${name}" does not exist in Asterisk`);
    const members = events.filter(
      (e) =>
        e.event === "QueueMember" &&
        e.get("Queue") === name &&
        !MEMBER_OUT.has(e.get("Status") ?? ""),
    ).length;
    if (members < minMembers)
      return fail(
        `queue "${name}" has ${members} members logged in, expected at least ${minMembers}`,
      );
    parts.push(`queue ${name}: ${members} members`);
  }
  if (config.maxChannels !== undefined) {
    const { events } = await ami.actionList({ Action: "CoreShowChannels" });
    const channels = events.filter((e) => e.event === "CoreShowChannel").length;
    if (channels > config.maxChannels)
      return fail(`${channels} channels active, expected at most ${config.maxChannels}`);
    parts.push(`${channels} channels`);
  }
  return ok(parts.join("; "));
}
