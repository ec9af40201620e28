/**
 * `GET /ui/api/recover` (the step list and how far the recovery got) and
 * `POST /ui/api/recover` (run the next step): the guided recovery of `tandem recover`, one
 * confirmed step per request, with the same steps and checks (src/control/recover.ts).
 */
import type { FastifyInstance } from "fastify";
import { describePair } from "../control/pair-client.js";
import {
  choosePair,
  RECOVER_STEPS,
  type RecoverProgress,
  recovered,
  runStep,
  type StepReport,
  stepTitle,
} from "../control/recover.js";
import { type ConsoleContext, mayAct, mayView, webActor } from "./context.js";
import { consolePair } from "./pair.js";

/** How long a step waits for the pair to settle after a command, in ms (as `--settle 15`). */
const SETTLE_MS = 15_000;
/** How long the reconnect step waits for identified clients, in ms (less than the CLI's 10 s). */
const CLIENTS_WAIT_MS = 5000;

/**
 * Registers the recovery routes. Progress is kept by this agent while it runs.
 *
 * @example
 * ```ts
 * registerRecoverRoutes(app, ctx);
 * ```
 */
export function registerRecoverRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const pair = consolePair(ctx, 5000);
  let progress: RecoverProgress | null = null;
  const reports: StepReport[] = [];
  let running = false;

  async function plan() {
    if (!pair) return { error: "this node is not part of a pair" };
    const nodes = await pair.read();
    const summary = describePair(nodes);
    const finished = progress?.done.length === RECOVER_STEPS.length;
    // A finished recovery stays on show until the pair needs another one.
    if (progress && finished && !recovered(nodes, progress.recovering)) {
      progress = null;
      reports.length = 0;
    }
    if (progress) {
      const done = steps(progress, progress.done);
      return { pair: summary, recovered: finished, ...progress, steps: done, reports };
    }
    const first = pair.nodes[0]?.name;
    if (first && recovered(nodes, first)) {
      return { pair: summary, recovered: true, steps: [], reports: [] };
    }
    try {
      const chosen = choosePair(nodes, undefined);
      return { pair: summary, recovered: false, ...chosen, steps: steps(chosen, []), reports };
    } catch (err) {
      return { pair: summary, recovered: false, steps: [], reports, error: (err as Error).message };
    }
  }

  app.get("/ui/api/recover", async (req, reply) => {
    if (mayView(ctx, req, reply) !== null) return reply;
    return plan();
  });

  app.post("/ui/api/recover", async (req, reply) => {
    const session = mayAct(ctx, req, reply);
    if (!session) return reply;
    if (!pair) return reply.code(409).send({ error: "this node is not part of a pair" });
    const body = (req.body ?? {}) as { step?: unknown; queuesPaused?: unknown; restart?: unknown };
    if (body.restart === true) {
      progress = null;
      reports.length = 0;
      return plan();
    }
    if (running) return reply.code(409).send({ error: "a recovery step is running already" });
    const by = webActor(session, req);
    running = true;
    // A step may wait for the pair longer than the API's idle timeout allows.
    req.raw.socket.setTimeout(0);
    try {
      if (progress?.done.length === RECOVER_STEPS.length) await plan();
      if (!progress) {
        const chosen = choosePair(await pair.read(), undefined);
        progress = { ...chosen, by, startedAt: new Date().toISOString(), done: [] };
      }
      const next = RECOVER_STEPS.find((s) => !progress?.done.includes(s));
      if (!next) return { ...(await plan()), report: null };
      if (body.step !== next) {
        return reply.code(409).send({
          error: `the next step is "${next}", not ${JSON.stringify(body.step)}: reload the step list`,
        });
      }
      const report = await runStep(next, progress, {
        pair,
        by,
        confirm: async () => body.queuesPaused === true,
        queuesPausedConfirmed: body.queuesPaused === true,
        settleMs: SETTLE_MS,
        clientsWaitMs: CLIENTS_WAIT_MS,
      });
      progress.done.push(next);
      reports.push(report);
      ctx.logger.info(
        { event: "ui_recover_step", step: next, status: report.status, by },
        `console recovery step ${next} by ${by}: ${report.status}`,
      );
      return { ...(await plan()), report };
    } catch (err) {
      const message = (err as Error).message;
      ctx.logger.warn({ event: "ui_recover_stopped", by }, `console recovery stopped: ${message}`);
      return reply.code(409).send({ ...(await plan()), error: message });
    } finally {
      running = false;
    }
  });
}

function steps(who: { recovering: string; survivor: string }, done: readonly string[]) {
  return RECOVER_STEPS.map((step) => ({
    step,
    title: stepTitle(step, who.recovering, who.survivor),
    done: done.includes(step),
  }));
}
