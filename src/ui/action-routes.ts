/**
 * `POST /ui/api/action`: the operator commands from the page. The command is applied by this
 * node's engine when it is addressed here, or sent to the other node signed with the cluster
 * secret, as `tandem switchover|failover|suspend|resume|clear-fence` would.
 */
import type { FastifyInstance } from "fastify";
import type { CommandReply } from "../control/client.js";
import { describePair, type PairClient } from "../control/pair-client.js";
import type { CommandName } from "../engine/types.js";
import { isTandemError } from "../errors.js";
import { type ConsoleContext, mayAct, webActor } from "./context.js";
import { consolePair } from "./pair.js";

/**
 * The actions the page offers.
 *
 * @example
 * ```ts
 * CONSOLE_ACTIONS.includes("clear-fence"); // true
 * ```
 */
export const CONSOLE_ACTIONS = [
  "switchover",
  "failover",
  "suspend",
  "resume",
  "clear-fence",
] as const;

/** One of {@link CONSOLE_ACTIONS}. */
export type ConsoleAction = (typeof CONSOLE_ACTIONS)[number];

/**
 * Registers `POST /ui/api/action` with a JSON body `{"action": A, "node": N}` (`node`: the
 * node acted on; for `switchover` the node that takes over).
 *
 * @example
 * ```ts
 * registerActionRoutes(app, ctx);
 * ```
 */
export function registerActionRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const pair = consolePair(ctx, 5000);
  app.post("/ui/api/action", async (req, reply) => {
    const session = mayAct(ctx, req, reply);
    if (!session) return reply;
    if (!pair) return reply.code(409).send({ error: "this node is not part of a pair" });
    const body = (req.body ?? {}) as { action?: unknown; node?: unknown };
    const action = body.action;
    if (typeof action !== "string" || !(CONSOLE_ACTIONS as readonly string[]).includes(action)) {
      return reply.code(400).send({
        error: `"action" must be one of ${CONSOLE_ACTIONS.join(", ")}, got ${JSON.stringify(action)}`,
      });
    }
    const names = pair.nodes.map((n) => n.name);
    const node = body.node;
    if (action !== "failover" && (typeof node !== "string" || !names.includes(node))) {
      return reply.code(400).send({
        error: `"node" must be one of ${names.map((n) => `"${n}"`).join(", ")}, got ${JSON.stringify(node)}`,
      });
    }
    const by = webActor(session, req);
    try {
      const answer = await run(pair, action as ConsoleAction, node as string, by);
      ctx.logger.info(
        { event: "ui_action", action, node, by, outcome: answer.outcome },
        `console ${action}${node ? ` ${String(node)}` : ""} by ${by}: ${answer.outcome}`,
      );
      return answer;
    } catch (err) {
      const status = isTandemError(err) && err.code === "TANDEM_ERR_COMMAND_REFUSED" ? 409 : 502;
      return reply.code(status).send({ error: (err as Error).message });
    }
  });

  /** Applies the command on `target` (here, or signed to the other node). */
  async function send(
    pair: PairClient,
    command: CommandName,
    at: string,
    target: string,
    by: string,
  ): Promise<CommandReply> {
    const cluster = ctx.cluster();
    if (at === ctx.name && cluster) {
      return { node: ctx.name, command, target, by, ...cluster.command(command, target, by) };
    }
    return pair.client(at).command(command, target, `${by} (through ${ctx.name})`);
  }

  async function run(
    pair: PairClient,
    action: ConsoleAction,
    node: string,
    by: string,
  ): Promise<CommandReply> {
    if (action === "suspend" || action === "resume" || action === "clear-fence") {
      return send(pair, action, node, node, by);
    }
    const nodes = await pair.read();
    const active = nodes.find((n) => n.status?.node.mode === "ACTIVE");
    if (action === "switchover") {
      if (!active)
        return refused(
          "switchover",
          node,
          by,
          `no ACTIVE node to hand over from (${describePair(nodes)})`,
        );
      return send(pair, "switchover", active.name, node, by);
    }
    const standby = nodes.find((n) => n.name !== active?.name && n.status?.node.mode === "STANDBY");
    const to = active ?? standby;
    if (!to)
      return refused(
        "failover",
        ctx.name,
        by,
        `no ACTIVE or STANDBY node can be reached (${describePair(nodes)})`,
      );
    return send(pair, "failover", to.name, to.name, by);
  }

  function refused(command: CommandName, target: string, by: string, why: string): CommandReply {
    const status = ctx.status();
    return {
      node: ctx.name,
      command,
      target,
      by,
      outcome: "refused",
      messages: [`${command} refused: ${why}`],
      mode: status.node.mode,
      serving: status.node.serving,
      term: status.cluster?.term ?? 0,
    };
  }
}
