/**
 * The guided recovery: hands the ACTIVE role back to a repaired node, one checked step at a
 * time. Every step first looks whether its result is already in place (so a run that stopped
 * anywhere can simply be run again), then acts, then checks the result before the next step.
 *
 * The order follows the rule that no moment may leave calls with nowhere to go: the node that
 * carries the calls (the survivor) keeps serving until the recovering node has taken over in a
 * newer term; its takeover and fencing are suspended only so that it cannot fight the handover,
 * and re-armed as soon as the handover is done.
 */
import type { StatusDocument } from "../api/status-types.js";
import { RecoverStepError } from "../errors.js";
import { describeClient, notFollowing, readClients } from "./clients.js";
import { describePair, type NodeReading, type PairClient, soleActive } from "./pair-client.js";

/**
 * The names of the steps, in order.
 *
 * @example
 * ```ts
 * RECOVER_STEPS.indexOf("handback"); // 5
 * ```
 */
export const RECOVER_STEPS = [
  "preflight",
  "probes",
  "queues-paused",
  "suspend",
  "unfence",
  "handback",
  "reconnect",
  "rearm",
  "verify",
] as const;

/** One step's name. */
export type RecoverStepName = (typeof RECOVER_STEPS)[number];

/**
 * What is kept between runs: who is being recovered, and the steps already done.
 *
 * @example
 * ```ts
 * const p: RecoverProgress = { recovering: "a", survivor: "b", by: "alice@console",
 *   startedAt: "2026-11-22T10:00:00.000Z", done: ["preflight", "probes"] };
 * ```
 */
export interface RecoverProgress {
  recovering: string;
  survivor: string;
  by: string;
  startedAt: string;
  done: RecoverStepName[];
}

/** What a step reports. */
export interface StepReport {
  step: RecoverStepName;
  title: string;
  status: "done" | "already" | "stopped";
  messages: string[];
}

/** What the procedure needs from its caller. */
export interface RecoverIO {
  pair: PairClient;
  by: string;
  /** Asks the operator a yes/no question (the queues check without a hook). */
  confirm(question: string): Promise<boolean>;
  /** Operator already confirmed the queues are paused (`--queues-paused`). */
  queuesPausedConfirmed: boolean;
  /** How long to wait for the pair to settle after a command, in ms. */
  settleMs: number;
  /** How long the reconnect step waits for identified clients to follow the node, in ms. @default 10000 */
  clientsWaitMs?: number;
}

/**
 * A one-line description of each step, for `--help`, progress lines and the docs.
 *
 * @example
 * ```ts
 * stepTitle("handback", "a", "b"); // 'hand traffic back: "b" switches over to "a"'
 * ```
 */
export function stepTitle(step: RecoverStepName, r: string, s: string): string {
  const titles: Record<RecoverStepName, string> = {
    preflight: `both agents answer, "${s}" is ACTIVE, "${r}" is the node to recover`,
    probes: `every critical probe on "${r}" is up`,
    "queues-paused": `queues on "${r}" are paused (queues-paused hook, or the operator confirms)`,
    suspend: `suspend takeover and fencing on "${s}"`,
    unfence: `lift the fences: "${s}" stops fencing "${r}", "${r}" clears its flags and stands by`,
    handback: `hand traffic back: "${s}" switches over to "${r}"`,
    reconnect: `tell clients on both nodes to reconnect to "${r}"`,
    rearm: `re-arm takeover and fencing on both nodes`,
    verify: `both nodes agree: "${r}" ACTIVE and serving, "${s}" STANDBY, one term, no flags`,
  };
  return titles[step];
}

/**
 * Chooses the node to recover and the survivor from the pair's state: the survivor is the
 * ACTIVE node, the recovering node the other one (or `wanted`, which must not be ACTIVE).
 * Throws a {@link RecoverStepError} when the pair is in no state to recover.
 */
export function choosePair(
  nodes: NodeReading[],
  wanted: string | undefined,
): { recovering: string; survivor: string } {
  const down = nodes.filter((n) => !n.status);
  if (down.length > 0) {
    throw new RecoverStepError(
      `preflight: ${down.map((n) => `"${n.name}" does not answer (${n.error ?? "no answer"})`).join(", ")}; both agents must run to recover`,
    );
  }
  const active = nodes.filter((n) => n.status?.node.mode === "ACTIVE");
  if (active.length !== 1) {
    throw new RecoverStepError(
      `preflight: expected exactly one ACTIVE node, found ${active.length} (${describePair(nodes)}); ${active.length === 0 ? 'bring one into service with "tandem activate NODE" first' : "wait for the pair to settle"}`,
    );
  }
  const survivor = active[0]?.name ?? "";
  const recovering = wanted ?? nodes.find((n) => n.name !== survivor)?.name ?? "";
  if (recovering === survivor) {
    throw new RecoverStepError(
      `preflight: "${recovering}" is the ACTIVE node; recover hands traffic back to the node that is not ACTIVE`,
    );
  }
  return { recovering, survivor };
}

/** True when nothing is left to recover: `r` serves alone and neither node has a flag set. */
export function recovered(nodes: NodeReading[], r: string): boolean {
  return soleActive(nodes, r) && nodes.every((n) => n.status !== null && noFlags(n.status));
}

function noFlags(s: StatusDocument): boolean {
  const f = s.cluster?.flags;
  return !!f && !f.selfFenced && !f.peerFenced && !f.suspended && !f.fencingPeer;
}

function statusOf(nodes: NodeReading[], name: string): StatusDocument {
  const s = nodes.find((n) => n.name === name)?.status;
  if (!s) {
    const error = nodes.find((n) => n.name === name)?.error ?? "no answer";
    throw new RecoverStepError(`"${name}" does not answer (${error})`);
  }
  return s;
}

/**
 * Runs one step and reports it; throws a {@link RecoverStepError} when the step cannot be
 * done now (nothing after it has been touched).
 */
export async function runStep(
  step: RecoverStepName,
  progress: RecoverProgress,
  io: RecoverIO,
): Promise<StepReport> {
  const { recovering: r, survivor: s } = progress;
  const title = stepTitle(step, r, s);
  const messages: string[] = [];
  const fail = (why: string): never => {
    throw new RecoverStepError(`step ${step} (${title}): ${why}`);
  };
  const report = (status: StepReport["status"]): StepReport => ({ step, title, status, messages });
  const pair = io.pair;

  switch (step) {
    case "preflight": {
      const nodes = await pair.read();
      const chosen = choosePair(nodes, r);
      if (chosen.survivor !== s) {
        fail(
          `"${chosen.survivor}" is ACTIVE now, not "${s}" as when this recovery started; run with --restart`,
        );
      }
      for (const n of nodes) {
        const differs = n.status?.cluster?.peers.some((p) => p.configDiffers);
        if (differs) fail(`"${n.name}" reports that the two nodes' cluster sections differ`);
      }
      messages.push(describePair(nodes));
      return report("done");
    }
    case "probes": {
      const nodes = await pair.read();
      const st = statusOf(nodes, r);
      const down = st.probes.filter((p) => p.severity === "critical" && p.state !== "up");
      if (down.length > 0) {
        fail(
          `critical probes not up on "${r}": ${down.map((p) => `${p.name} ${p.state}${p.last?.message ? ` (${p.last.message})` : ""}`).join(", ")}`,
        );
      }
      const warn = st.probes.filter((p) => p.severity !== "critical" && p.state !== "up");
      if (warn.length > 0)
        messages.push(`warning probes not up: ${warn.map((p) => p.name).join(", ")}`);
      messages.push(`${st.probes.length} probes, all critical ones up`);
      return report("done");
    }
    case "queues-paused": {
      const check = await pair.client(r).checkQueuesPaused(io.by);
      if (check.configured) {
        messages.push(...check.messages);
        if (!check.ok)
          fail(`the queues-paused hook on "${r}" says no: ${check.messages.join("; ")}`);
        return report("done");
      }
      if (io.queuesPausedConfirmed) {
        messages.push(`no queues-paused hook on "${r}"; confirmed by ${io.by} (--queues-paused)`);
        return report("done");
      }
      const yes = await io.confirm(
        `No queues-paused hook is configured on "${r}". Are all queue members on "${r}" paused (asterisk -rx "queue show")?`,
      );
      if (!yes) {
        fail(
          `queues on "${r}" not confirmed paused: pause them (or configure hooks.queues-paused), or pass --queues-paused`,
        );
      }
      messages.push(`confirmed by ${io.by}`);
      return report("done");
    }
    case "suspend": {
      const nodes = await pair.read();
      if (recovered(nodes, r)) return report("already");
      const reply = await pair.client(s).command("suspend", s, io.by);
      messages.push(...reply.messages);
      if (reply.outcome === "refused") fail(reply.messages.join("; "));
      return report(reply.outcome === "changed" ? "done" : "already");
    }
    case "unfence": {
      const nodes = await pair.read();
      if (soleActive(nodes, r)) return report("already");
      const sReply = await pair.client(s).command("clear-fence", s, io.by);
      messages.push(...sReply.messages.map((m) => `${s}: ${m}`));
      const rReply = await pair.client(r).command("clear-fence", r, io.by);
      messages.push(...rReply.messages.map((m) => `${r}: ${m}`));
      const settled = await pair.waitUntil(
        (ns) => {
          const rs = ns.find((n) => n.name === r)?.status;
          // The survivor hands over only to a peer it has itself seen standing by.
          const seen = ns
            .find((n) => n.name === s)
            ?.status?.cluster?.peers.find((p) => p.name === r);
          return (
            rs?.node.mode === "STANDBY" &&
            !rs.cluster?.flags.peerFenced &&
            !rs.cluster?.flags.selfFenced &&
            seen?.mode === "STANDBY" &&
            seen.reachable
          );
        },
        `"${r}" standing by without fences`,
        io.settleMs,
      );
      messages.push(describePair(settled));
      const changed = sReply.outcome === "changed" || rReply.outcome === "changed";
      return report(changed ? "done" : "already");
    }
    case "handback": {
      const nodes = await pair.read();
      if (soleActive(nodes, r)) return report("already");
      const reply = await pair.client(s).command("switchover", r, io.by);
      messages.push(...reply.messages);
      if (reply.outcome === "refused") fail(reply.messages.join("; "));
      const settled = await pair.waitUntil(
        (ns) => soleActive(ns, r),
        `"${r}" serving as ACTIVE`,
        io.settleMs,
      );
      messages.push(describePair(settled));
      return report("done");
    }
    case "reconnect": {
      const reason = `recovery by ${io.by}: "${r}" is ACTIVE again`;
      const results = await Promise.allSettled(
        pair.nodes.map((n) => n.client.notifyReconnect(r, reason, io.by)),
      );
      results.forEach((res, i) => {
        const name = pair.nodes[i]?.name ?? "?";
        messages.push(
          res.status === "fulfilled"
            ? `clients of "${name}" told to reconnect to "${r}"`
            : `"${name}": ${(res.reason as Error).message}`,
        );
      });
      if (results.every((res) => res.status === "rejected"))
        fail("no node could notify its clients");
      messages.push(...(await waitForClients(pair, r, io.clientsWaitMs ?? 10_000)));
      return report("done");
    }
    case "rearm": {
      let changed = false;
      for (const name of [s, r]) {
        const reply = await pair.client(name).command("resume", name, io.by);
        messages.push(...reply.messages.map((m) => `${name}: ${m}`));
        changed ||= reply.outcome === "changed";
      }
      return report(changed ? "done" : "already");
    }
    case "verify": {
      const settled = await pair
        .waitUntil(
          (ns) =>
            recovered(ns, r) &&
            ns.every((n) => n.status?.cluster?.term === statusOf(ns, r).cluster?.term) &&
            ns.every((n) =>
              n.status?.cluster?.peers.every(
                (p) => p.reachable && p.mode === statusOf(ns, p.name).node.mode,
              ),
            ),
          "both nodes agreeing",
          io.settleMs,
        )
        .catch((err: Error) => fail(err.message));
      messages.push(describePair(settled));
      return report("done");
    }
  }
}

/**
 * Waits until every identified client follows `node`, or `timeoutMs` passes; says how many
 * moved and names those that did not. A client that stays behind does not stop the recovery:
 * the calls are already on `node`, and re-arming takeover matters more than one console.
 */
async function waitForClients(
  pair: PairClient,
  node: string,
  timeoutMs: number,
): Promise<string[]> {
  const started = Date.now();
  for (;;) {
    const readings = await readClients(pair);
    const behind = notFollowing(readings, node);
    const sessions = new Set(
      readings.flatMap((x) => x.doc?.clients.map((c) => c.session) ?? []).filter((c) => c !== null),
    );
    if (behind.length === 0) {
      const took = ((Date.now() - started) / 1000).toFixed(1);
      return [`${sessions.size} identified client(s) follow "${node}" (checked in ${took} s)`];
    }
    if (Date.now() - started >= timeoutMs) {
      return [
        `${behind.length} of ${sessions.size} identified client(s) did not move to "${node}" within ${Math.round(timeoutMs / 1000)} s: ${behind.map(describeClient).join(", ")}`,
      ];
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
