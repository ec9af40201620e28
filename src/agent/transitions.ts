/**
 * One place that tells every consumer of a role change (AMI push, Kamailio push, metrics, …)
 * the same transition value, in the order the node changed. Adding a consumer adds a file that
 * implements {@link TransitionConsumer} and one `add` call; the agent grows no branch for it.
 */
import type { Mode } from "../engine/types.js";
import type { Logger } from "../log/logger.js";

/** A change of this node's mode or of whether it serves. */
export interface RoleTransition {
  /** This node's name. */
  node: string;
  from: Mode;
  to: Mode;
  /** Whether the node serves calls after the change (what `/monitor/role` answers 200 for). */
  serving: boolean;
  /** Whether it served before. */
  wasServing: boolean;
  /** The pair's term after the change, or null for a standalone node. */
  term: number | null;
  /** The engine's or the health core's explanation. */
  reason: string;
  /** Wall-clock time of the change (ISO 8601). */
  at: string;
  /**
   * What kind of event caused it: the engine's event (`takeover`, `self-fence`, `command`,
   * `conflict`, `peer-fence`, …) in a pair, `health` for a standalone node.
   */
  cause?: string;
}

/** Something that acts on role changes. */
export interface TransitionConsumer {
  /** Short name for logs, e.g. `ami-push`. */
  readonly name: string;
  /** Called once per transition, in order; a rejection is logged, never thrown. */
  onTransition(transition: RoleTransition): void | Promise<void>;
  /** Releases what the consumer holds (sockets, timers) when the agent stops. */
  close?(): void | Promise<void>;
}

/**
 * Fans a transition out to every consumer; one failing consumer never stops the others.
 *
 * @example
 * ```ts
 * const bus = new TransitionBus(logger);
 * bus.add({ name: "print", onTransition: (t) => console.log(t.from, "→", t.to) });
 * bus.publish(transition);
 * ```
 */
export class TransitionBus {
  readonly #consumers: TransitionConsumer[] = [];
  readonly #logger: Logger;
  #last: RoleTransition | null = null;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** The most recent transition, for a consumer that joins late (e.g. after a reconnect). */
  get last(): RoleTransition | null {
    return this.#last;
  }

  /** Adds a consumer; it sees transitions from now on. */
  add(consumer: TransitionConsumer): void {
    this.#consumers.push(consumer);
  }

  /** Delivers a transition to every consumer in the order they were added. */
  publish(transition: RoleTransition): void {
    this.#last = transition;
    for (const consumer of this.#consumers) {
      try {
        const done = consumer.onTransition(transition);
        if (done instanceof Promise) done.catch((err: unknown) => this.#failed(consumer, err));
      } catch (err) {
        this.#failed(consumer, err);
      }
    }
  }

  /** Closes every consumer; errors are logged. */
  async close(): Promise<void> {
    for (const consumer of this.#consumers) {
      try {
        await consumer.close?.();
      } catch (err) {
        this.#failed(consumer, err);
      }
    }
  }

  #failed(consumer: TransitionConsumer, err: unknown): void {
    this.#logger.warn(
      { event: "transition_consumer_failed", consumer: consumer.name, err },
      `${consumer.name} failed on a role change: ${(err as Error).message ?? String(err)}`,
    );
  }
}
