/**
 * Queues under control over AMI: pauses every member of the configured queues when this node
 * fences itself (or is fenced), unpauses them when it serves again, and answers the
 * `queues-paused` check of `tandem recover` from `QueueStatus` instead of a user hook.
 */
import type { RoleTransition, TransitionConsumer } from "../agent/transitions.js";
import type { Logger } from "../log/logger.js";
import type { AmiClient } from "./ami-client.js";

/** One queue member as QueueStatus lists it. */
export interface QueueMember {
  queue: string;
  /** The member's interface (`Location`), e.g. `PJSIP/desk1`. */
  location: string;
  paused: boolean;
}

/** What a pause, an unpause or a check found. */
export interface QueueCheck {
  ok: boolean;
  messages: string[];
}

/** Options of {@link QueueControl}. */
export interface QueueControlOptions {
  ami: AmiClient;
  logger: Logger;
  /** Queues to control; empty means every queue Asterisk has. */
  queues: string[];
}

const FENCED = new Set(["SELF_FENCED", "PEER_FENCED"]);

/**
 * Pauses and unpauses queue members over AMI, confirmed by `QueueStatus`.
 *
 * @example
 * ```ts
 * const queues = new QueueControl({ ami, logger, queues: ["support"] });
 * agent.transitions.add(queues);
 * await queues.check(); // { ok: true, messages: ["support: 2 members, all paused"] }
 * ```
 */
export class QueueControl implements TransitionConsumer {
  readonly name = "ami-queues";
  readonly #o: QueueControlOptions;

  constructor(options: QueueControlOptions) {
    this.#o = options;
  }

  /** Pauses on a fence, unpauses when serving starts. */
  async onTransition(t: RoleTransition): Promise<void> {
    if (FENCED.has(t.to) && !FENCED.has(t.from)) await this.#apply(true, `${t.from} → ${t.to}`);
    else if (t.serving && !t.wasServing) await this.#apply(false, `${t.from} → ${t.to}, serving`);
  }

  /** The members of the controlled queues now. */
  async members(): Promise<QueueMember[]> {
    const names = this.#o.queues.length > 0 ? this.#o.queues : [undefined];
    const out: QueueMember[] = [];
    for (const queue of names) {
      const { events } = await this.#o.ami.actionList(
        queue === undefined ? { Action: "QueueStatus" } : { Action: "QueueStatus", Queue: queue },
      );
      for (const e of events) {
        if (e.event !== "QueueMember") continue;
        out.push({
          queue: e.get("Queue") ?? "",
          location: e.get("Location") ?? e.get("Interface") ?? "",
          paused: e.get("Paused") === "1",
        });
      }
    }
    return out;
  }

  /** Pauses (or unpauses) every member, then confirms with QueueStatus. */
  async setPaused(paused: boolean): Promise<QueueCheck> {
    for (const m of await this.members()) {
      if (m.paused === paused) continue;
      await this.#o.ami.action({
        Action: "QueuePause",
        Queue: m.queue,
        Interface: m.location,
        Paused: paused ? "true" : "false",
        Reason: paused ? "tandem: node fenced" : "tandem: node serving",
      });
    }
    return this.check(paused);
  }

  /** Whether every member of the controlled queues is paused (or, with false, unpaused). */
  async check(paused = true): Promise<QueueCheck> {
    const members = await this.members();
    const byQueue = new Map<string, QueueMember[]>();
    for (const m of members) byQueue.set(m.queue, [...(byQueue.get(m.queue) ?? []), m]);
    for (const q of this.#o.queues) if (!byQueue.has(q)) byQueue.set(q, []);
    const messages: string[] = [];
    let ok = true;
    for (const [queue, list] of byQueue) {
      const wrong = list
        .filter((m) => m.paused !== paused)
        .map((m) => m.location)
        .sort();
      if (wrong.length > 0) ok = false;
      messages.push(
        wrong.length === 0
          ? `${queue}: ${list.length} members, all ${paused ? "paused" : "unpaused"}`
          : `${queue}: ${wrong.length} of ${list.length} members ${paused ? "not paused" : "still paused"}: ${wrong.join(", ")}`,
      );
    }
    return { ok, messages };
  }

  async #apply(paused: boolean, why: string): Promise<void> {
    try {
      const result = await this.setPaused(paused);
      this.#o.logger[result.ok ? "info" : "warn"](
        { event: "ami_queues", paused, ok: result.ok },
        `queue members ${paused ? "paused" : "unpaused"} over AMI (${why}): ${result.messages.join("; ")}`,
      );
    } catch (err) {
      this.#o.logger.warn(
        { event: "ami_queues_failed", paused, err },
        `could not ${paused ? "pause" : "unpause"} queue members over AMI (${why}): ${(err as Error).message}`,
      );
    }
  }
}
