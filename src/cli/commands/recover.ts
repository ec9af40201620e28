/**
 * `tandem recover`: the guided, resumable return of the ACTIVE role to a repaired node.
 */
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { describePair } from "../../control/pair-client.js";
import {
  choosePair,
  RECOVER_STEPS,
  type RecoverProgress,
  type RecoverStepName,
  recovered,
  runStep,
  type StepReport,
  stepTitle,
} from "../../control/recover.js";
import { isTandemError, UsageError } from "../../errors.js";
import { openPair, type PairCommandOptions, withPairOptions } from "../pair-config.js";

interface RecoverOptions extends PairCommandOptions {
  node?: string;
  yes?: boolean;
  step?: boolean;
  queuesPaused?: boolean;
  progress?: string;
  restart?: boolean;
  abort?: boolean;
  plan?: boolean;
  settle: string;
  clientsWait: string;
}

/** Registers `tandem recover`. */
export function registerRecover(program: Command): void {
  withPairOptions(
    program
      .command("recover")
      .description("Hand the ACTIVE role back to a repaired node, one checked step at a time"),
  )
    .option("--node <name>", "the node to recover (default: the node that is not ACTIVE)")
    .option("-y, --yes", "run the steps without asking before each one")
    .option("--step", "run only the next step, then stop (run again to continue)")
    .option(
      "--queues-paused",
      "confirm that the recovering node's queues are paused (when no hook checks it)",
    )
    .option(
      "--progress <file>",
      "where progress is kept (default <stateDir>/recover-progress.json)",
    )
    .option("--restart", "forget earlier progress and start from the first step")
    .option("--abort", "stop a recovery: re-arm takeover on both nodes and forget progress")
    .option("--plan", "print the steps and how far a recovery got, change nothing")
    .option("--settle <seconds>", "how long to wait for the pair after each command", "15")
    .option(
      "--clients-wait <seconds>",
      "how long the reconnect step waits for identified clients to follow the recovered node",
      "10",
    )
    .addHelpText(
      "after",
      `\nSteps:\n${RECOVER_STEPS.map((s, i) => `  ${i + 1}. ${s.padEnd(14)}${stepTitle(s, "R", "S")}`).join("\n")}\n(R: the node being recovered; S: the ACTIVE node that carried the calls.)\n\nEach step checks its result before the next one starts. Interrupt with Ctrl-C between steps;\na step that finds a problem stops the procedure and says what to fix. Running recover again\nresumes at the first step not done. Exit codes: 0 recovered (or nothing to recover),\n1 a step stopped, 2 bad usage or config, 3 an agent unreachable.`,
    )
    .action(async (opts: RecoverOptions) => {
      process.exitCode = await recoverCommand(opts);
    });
}

async function recoverCommand(opts: RecoverOptions): Promise<number> {
  const settleSeconds = Number(opts.settle);
  if (!(settleSeconds > 0))
    throw new UsageError(`--settle "${opts.settle}" must be a number of seconds above 0`);
  const clientsWaitSeconds = Number(opts.clientsWait);
  if (!(clientsWaitSeconds >= 0))
    throw new UsageError(
      `--clients-wait "${opts.clientsWait}" must be a number of seconds, 0 or more`,
    );
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
  if (!interactive && !opts.yes && !opts.step && !opts.plan && !opts.abort) {
    throw new UsageError(
      "recover asks before each step, but this is not a terminal: pass --yes to run the steps, or --step to run one at a time",
    );
  }
  const { pair, by, stateDir } = await openPair(opts);
  const progressPath = opts.progress ?? join(stateDir, "recover-progress.json");
  const out = (line: string): void => {
    if (!opts.json) process.stdout.write(`${line}\n`);
  };
  let progress = opts.restart ? null : await loadProgress(progressPath);
  if (opts.abort) return abort(progress, progressPath, pair, by, out);

  const nodes = await pair.readAny("recover");
  if (progress && opts.node && progress.recovering !== opts.node) {
    throw new UsageError(
      `a recovery of "${progress.recovering}" is in progress (${progressPath}); finish it, or pass --restart or --abort`,
    );
  }
  if (!progress) {
    const wanted =
      opts.node ?? nodes.find((n) => n.rank === Math.min(...nodes.map((m) => m.rank)))?.name;
    if (wanted && recovered(nodes, wanted)) {
      out(`Nothing to recover: ${describePair(nodes)}.`);
      if (opts.json) process.stdout.write(`${JSON.stringify({ recovered: true, steps: [] })}\n`);
      return 0;
    }
    const chosen = choosePair(nodes, opts.node);
    progress = { ...chosen, by, startedAt: new Date().toISOString(), done: [] };
  }
  const { recovering: r, survivor: s } = progress;
  out(`Recovering "${r}" (traffic is on "${s}"): ${describePair(nodes)}`);
  if (opts.plan) {
    RECOVER_STEPS.forEach((step, i) => {
      const mark = progress?.done.includes(step) ? "done" : "todo";
      out(`  ${i + 1}. [${mark}] ${step}: ${stepTitle(step, r, s)}`);
    });
    return 0;
  }

  // Ctrl-C between steps (or at a prompt) stops cleanly with exit code 130; during a step it
  // lets the step finish and check its result first, and a second Ctrl-C leaves at once.
  let stop = false;
  let current = "";
  const onSigint = (): void => {
    if (stop) {
      process.stderr.write(
        `${interruptLine(`during ${current}`, progressPath, "the step is checked again")}\n`,
      );
      process.exit(130);
    }
    stop = true;
    process.stderr.write(
      `\nCtrl-C: stopping once ${current} has checked its result (Ctrl-C again to leave now).\n`,
    );
  };
  process.on("SIGINT", onSigint);
  const reports: StepReport[] = [];
  let rl: ReturnType<typeof createInterface> | null = null;
  const ask = async (question: string): Promise<boolean> => {
    const controller = new AbortController();
    rl ??= createInterface({ input: process.stdin, output: process.stdout });
    rl.once("SIGINT", () => controller.abort());
    try {
      const answer = (await rl.question(`${question} [y/N] `, { signal: controller.signal }))
        .trim()
        .toLowerCase();
      return answer === "y" || answer === "yes";
    } catch (err) {
      if (controller.signal.aborted) throw new Interrupted();
      throw err;
    } finally {
      rl.removeAllListeners("SIGINT");
    }
  };
  try {
    for (const [i, step] of RECOVER_STEPS.entries()) {
      if (progress.done.includes(step) && step !== "preflight") continue;
      current = `step ${i + 1}/${RECOVER_STEPS.length} (${step})`;
      if (stop) {
        process.stderr.write(
          `${interruptLine(`before ${current}`, progressPath, "it resumes there")}\n`,
        );
        return 130;
      }
      const label = `[${i + 1}/${RECOVER_STEPS.length}] ${step}: ${stepTitle(step, r, s)}`;
      let report: StepReport;
      try {
        if (interactive && !opts.yes && !opts.step && step !== "preflight") {
          if (!(await ask(`${label}\n  Continue?`))) return stopped(progressPath, out);
        } else {
          out(label);
        }
        report = await runStep(step, progress, {
          pair,
          by,
          confirm: interactive ? ask : async () => false,
          queuesPausedConfirmed: opts.queuesPaused === true,
          settleMs: settleSeconds * 1000,
          clientsWaitMs: clientsWaitSeconds * 1000,
        });
      } catch (err) {
        if (err instanceof Interrupted) {
          await saveProgress(progressPath, progress);
          process.stderr.write(
            `\n${interruptLine(`at ${current}`, progressPath, "nothing was done for it; it resumes there")}\n`,
          );
          return 130;
        }
        if (isTandemError(err)) {
          await saveProgress(progressPath, progress);
          if (opts.json) {
            // One document for the script: the steps done and the error that stopped them.
            const error = { code: err.code, message: err.message };
            process.stdout.write(
              `${JSON.stringify({ recovering: r, survivor: s, steps: reports, stoppedAt: step, error }, null, 2)}\n`,
            );
            process.stderr.write(`tandem: ${err.message}\n`);
            return err.exitCode;
          }
        }
        throw err;
      }
      reports.push(report);
      for (const m of report.messages) out(`    ${m}`);
      out(`    ${report.status === "already" ? "already done" : "ok"}`);
      if (!progress.done.includes(step)) progress.done.push(step);
      await saveProgress(progressPath, progress);
      if (stop && i + 1 < RECOVER_STEPS.length) {
        process.stderr.write(
          `${interruptLine(`after ${current}`, progressPath, "it resumes at the next step")}\n`,
        );
        return 130;
      }
      if (opts.step && step !== "preflight" && step !== "verify") {
        return stopped(progressPath, out, 0);
      }
    }
  } finally {
    process.removeListener("SIGINT", onSigint);
    (rl as ReturnType<typeof createInterface> | null)?.close();
  }
  await rm(progressPath, { force: true });
  out(`Recovered: "${r}" is ACTIVE, "${s}" stands by with takeover armed.`);
  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify({ recovering: r, survivor: s, recovered: true, steps: reports }, null, 2)}\n`,
    );
  }
  return 0;
}

/** Thrown by a prompt answered with Ctrl-C. */
class Interrupted extends Error {}

/** The one line an interrupted recovery prints: where it stopped and how to go on. */
function interruptLine(where: string, progressPath: string, resume: string): string {
  return `Interrupted ${where}. Progress is in ${progressPath}; run "tandem recover" again to continue (${resume}).`;
}

function stopped(progressPath: string, out: (line: string) => void, code = 1): number {
  out(`Stopped. Progress is in ${progressPath}; run tandem recover again to continue.`);
  return code;
}

async function abort(
  progress: RecoverProgress | null,
  progressPath: string,
  pair: Awaited<ReturnType<typeof openPair>>["pair"],
  by: string,
  out: (line: string) => void,
): Promise<number> {
  for (const n of pair.nodes) {
    try {
      const reply = await n.client.command("resume", n.name, by);
      out(`${n.name}: ${reply.messages.join("; ")}`);
    } catch (err) {
      out(`${n.name}: ${(err as Error).message}`);
    }
  }
  await rm(progressPath, { force: true });
  out(
    `${progress ? `Recovery of "${progress.recovering}" aborted` : "No recovery in progress"}; takeover re-armed. Now: ${describePair(await pair.read())}`,
  );
  return 0;
}

async function loadProgress(path: string): Promise<RecoverProgress | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return null;
  }
  try {
    const p = JSON.parse(text) as RecoverProgress;
    const known = new Set<string>(RECOVER_STEPS);
    if (
      typeof p.recovering === "string" &&
      typeof p.survivor === "string" &&
      Array.isArray(p.done) &&
      p.done.every((d: string) => known.has(d))
    ) {
      return { ...p, done: p.done as RecoverStepName[] };
    }
  } catch {
    // fall through
  }
  throw new UsageError(`${path} is not a recovery progress file; remove it or pass --restart`);
}

async function saveProgress(path: string, progress: RecoverProgress): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  await writeFile(tmp, `${JSON.stringify(progress, null, 2)}\n`);
  await rename(tmp, path);
}
