/**
 * The hook runner: one queue for all hook events of a node, so hooks run in the order the
 * engine asked for them, one at a time.
 */
import type { HookEnv } from "../engine/types.js";
import { describeHook } from "./describe.js";
import type { HookOutcome } from "./outcome.js";
import { runCommandHook } from "./run-command.js";
import { runWebhook } from "./run-webhook.js";
import type { HookConfig, HookName, HooksConfig } from "./schema.js";

/**
 * Runs the configured hooks of an event.
 *
 * Hooks of one event run in order, each after the previous one ended (a VIP move must not race
 * a queue pause), and events run in the order `run` was called: a quick ACTIVE → STANDBY →
 * ACTIVE runs the standby scripts between the two active ones, never after. Commands get the
 * {@link HookEnv} variables plus `TANDEM_EVENT` and `TANDEM_TIME` (ISO 8601, when `run` was
 * called); webhooks get the same as a JSON body. `run` never rejects: every failure, timeout or
 * abort is an outcome for the log.
 *
 * @example
 * ```ts
 * const hooks = new HookRunner(config.hooks);
 * if (effect.type === "runHook") {
 *   const outcomes = await hooks.run(effect.event, effect.env, shutdown.signal);
 *   for (const o of outcomes) log.info({ hook: o }, `hook ${o.hook}: ${o.ok ? "ok" : o.error}`);
 * }
 * ```
 */
export class HookRunner {
  private queue: Promise<unknown> = Promise.resolve();

  /** `hooks` is the validated `hooks` section of the configuration. */
  constructor(private readonly hooks: HooksConfig) {}

  /**
   * Runs the hooks of `event` after those of every earlier call, and gives one outcome per
   * configured hook. On `signal` the running hook is stopped (a command's process group is
   * killed) and the hooks after it are reported as not run.
   */
  run(event: HookName, env: HookEnv, signal?: AbortSignal): Promise<HookOutcome[]> {
    const time = new Date().toISOString();
    const done = this.queue.then(() => this.runEvent(event, env, time, signal));
    this.queue = done;
    return done;
  }

  private async runEvent(
    event: HookName,
    env: HookEnv,
    time: string,
    signal: AbortSignal | undefined,
  ): Promise<HookOutcome[]> {
    const outcomes: HookOutcome[] = [];
    for (const hook of this.hooks[event]) {
      outcomes.push(
        signal?.aborted
          ? {
              hook: describeHook(hook),
              ok: false,
              durationMs: 0,
              output: "",
              error: "not run: aborted",
            }
          : await runOne(hook, event, env, time, signal),
      );
    }
    return outcomes;
  }
}

async function runOne(
  hook: HookConfig,
  event: HookName,
  env: HookEnv,
  time: string,
  signal: AbortSignal | undefined,
): Promise<HookOutcome> {
  try {
    if ("command" in hook) {
      return await runCommandHook(hook, { ...env, TANDEM_EVENT: event, TANDEM_TIME: time }, signal);
    }
    const body = {
      event,
      node: env.TANDEM_NODE,
      from: env.TANDEM_FROM,
      to: env.TANDEM_TO,
      term: Number(env.TANDEM_TERM),
      reason: env.TANDEM_REASON,
      time,
    };
    return await runWebhook(hook, body, signal);
  } catch (err) {
    // Both runners settle with an outcome; this only catches a bug, which must not stop the queue.
    const error = err instanceof Error ? err.message : String(err);
    return { hook: describeHook(hook), ok: false, durationMs: 0, output: "", error };
  }
}
