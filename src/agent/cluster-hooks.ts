/**
 * The pair's hooks as the agent runs them: the engine's hook effects (with the failure of an
 * `active` hook fed back to the engine), and the `queues-paused` check of `tandem recover`.
 */
import type { QueueControl } from "../asterisk/index.js";
import type { ClusterNode } from "../cluster/cluster-node.js";
import type { Config } from "../config/schema.js";
import type { CheckResult } from "../control/routes.js";
import type { HookEnv, HookEvent, Mode } from "../engine/types.js";
import type { HookOutcome, HookRunner } from "../hooks/index.js";
import type { Logger } from "../log/logger.js";

/**
 * Runs the hooks of one engine event and logs each outcome; a failed `active` hook is
 * reported back to the engine (which may step down, per `onActiveHookFailure`).
 *
 * @example
 * ```ts
 * node.on("hook", (e) => void runClusterHooks(hooks, node, e.event, e.env, logger));
 * ```
 */
export async function runClusterHooks(
  hooks: HookRunner,
  node: ClusterNode,
  event: HookEvent,
  env: HookEnv,
  logger: Logger,
): Promise<void> {
  const outcomes = await hooks.run(event, env);
  for (const o of outcomes) {
    const line = `hook ${o.hook} for "${event}" ${o.ok ? "ok" : `failed: ${failure(o)}`} in ${Math.round(o.durationMs)} ms`;
    logger[o.ok ? "info" : "warn"](
      { event: "hook", hookEvent: event, ok: o.ok, output: o.output },
      line,
    );
  }
  const failed = outcomes.find((o) => !o.ok);
  if (failed && event === "active") {
    node.input({
      type: "hookResult",
      hook: "active",
      ok: false,
      message: `hook ${failed.hook} failed: ${failed.error ?? failed.output.slice(0, 200)}`,
    });
  }
}

/**
 * What {@link checkQueuesPaused} reads.
 *
 * @example
 * ```ts
 * const deps: QueuesPausedDeps = { name: "a", mode: "ACTIVE", term: 4, hooks, config, queues: null, logger };
 * ```
 */
export interface QueuesPausedDeps {
  name: string;
  mode: Mode;
  term: number;
  hooks: HookRunner | null;
  config: Config;
  /** The Asterisk queue control over AMI, when `asterisk.queues.control` is on. */
  queues: QueueControl | null;
  logger: Logger;
}

/**
 * Answers the `queues-paused` step of `tandem recover`: from AMI `QueueStatus` when the
 * Asterisk queue control is on, else by the `queues-paused` hooks (every one must succeed).
 *
 * @example
 * ```ts
 * const r = await checkQueuesPaused(deps, "alice@console"); // { configured: true, ok: true, messages }
 * ```
 */
export async function checkQueuesPaused(deps: QueuesPausedDeps, by: string): Promise<CheckResult> {
  const { logger } = deps;
  if (deps.queues) {
    const result = await deps.queues
      .check()
      .catch((err: Error) => ({ ok: false, messages: [`AMI: ${err.message}`] }));
    logger[result.ok ? "info" : "warn"](
      { event: "check", check: "queues-paused", by, ok: result.ok },
      `queues-paused check asked by ${by} (AMI QueueStatus): ${result.messages.join("; ")}`,
    );
    return { configured: true, ...result };
  }
  const configured = (deps.config.hooks?.["queues-paused"].length ?? 0) > 0;
  if (!deps.hooks || !configured) {
    logger.info(
      { event: "check", check: "queues-paused", by },
      `queues-paused check asked by ${by}: no hook configured, the operator must confirm`,
    );
    return { configured: false, ok: false, messages: ["no queues-paused hook configured"] };
  }
  const outcomes = await deps.hooks.run("queues-paused", {
    TANDEM_NODE: deps.name,
    TANDEM_FROM: deps.mode,
    TANDEM_TO: deps.mode,
    TANDEM_TERM: String(deps.term),
    TANDEM_REASON: `recovery check asked by ${by}`,
  });
  const messages = outcomes.map(
    (o) =>
      `${o.hook}: ${o.ok ? "ok" : failure(o)}${o.output ? ` (${o.output.trim().slice(0, 300)})` : ""}`,
  );
  const ok = outcomes.every((o) => o.ok);
  logger[ok ? "info" : "warn"](
    { event: "check", check: "queues-paused", by, ok },
    `queues-paused check asked by ${by}: ${ok ? "all queues paused" : messages.join("; ")}`,
  );
  return { configured: true, ok, messages };
}

/** Why a hook failed: its error, or its exit code or HTTP status. */
function failure(o: HookOutcome): string {
  return o.error ?? `exit ${String(o.exitCode ?? o.status)}`;
}
