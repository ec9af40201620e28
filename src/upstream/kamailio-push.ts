/**
 * Pushes this node's serving state into Kamailio dispatchers the moment it changes, so the
 * routing switches without waiting for the dispatcher's next probe (`ds_ping_interval`).
 *
 * A killed node cannot push anything: the node that takes over pushes both states, its own
 * `ap` and the lost peer's `ip`.
 */
import type { RoleTransition, TransitionConsumer } from "../agent/transitions.js";
import type { KamailioTarget } from "../config/upstream-schema.js";
import type { Logger } from "../log/logger.js";
import { type SetState, setDispatcherState } from "./kamailio-rpc.js";

/** Options of {@link KamailioPush}. */
export interface KamailioPushOptions {
  targets: readonly KamailioTarget[];
  logger: Logger;
  /**
   * In `hot-standby` only one node serves, so a node that starts serving marks every peer
   * inactive; in `active-active` only a takeover does.
   */
  hotStandby: boolean;
  /** Pause between tries. @default 100 */
  retryDelayMs?: number;
  /** The JSON-RPC call. @default {@link setDispatcherState} */
  send?: typeof setDispatcherState;
}

/**
 * The Kamailio push, a {@link TransitionConsumer}.
 *
 * @example
 * ```ts
 * agent.transitions.add(new KamailioPush({ targets: config.upstream.kamailio, logger, hotStandby: true }));
 * ```
 */
export class KamailioPush implements TransitionConsumer {
  readonly name = "kamailio-push";
  readonly #o: KamailioPushOptions;
  readonly #send: typeof setDispatcherState;
  readonly #abort = new AbortController();
  /** Changes run one transition after another, so an older state never lands last. */
  #queue: Promise<void> = Promise.resolve();

  constructor(options: KamailioPushOptions) {
    this.#o = options;
    this.#send = options.send ?? setDispatcherState;
  }

  /** Queues the state changes of a change of serving state. */
  onTransition(transition: RoleTransition): Promise<void> {
    if (transition.serving === transition.wasServing) return Promise.resolve();
    const why = `${transition.from} → ${transition.to}`;
    const peersDown = transition.serving && (this.#o.hotStandby || transition.cause === "takeover");
    this.#queue = this.#queue.then(() =>
      Promise.all(
        this.#o.targets.flatMap((target) => {
          const own: SetState = {
            state: transition.serving ? "ap" : "ip",
            setid: target.setid,
            destination: target.destination,
          };
          const peers: SetState[] = peersDown
            ? Object.values(target.peers).map((destination) => ({
                state: "ip",
                setid: target.setid,
                destination,
              }))
            : [];
          return [own, ...peers].map((change) => this.#push(target, change, why));
        }),
      ).then(() => undefined),
    );
    return this.#queue;
  }

  /** Stops retrying. */
  close(): void {
    this.#abort.abort();
  }

  async #push(target: KamailioTarget, change: SetState, why: string): Promise<void> {
    const started = performance.now();
    let lastError: Error | null = null;
    for (let attempt = 1; attempt <= target.attempts; attempt++) {
      if (this.#abort.signal.aborted) return;
      try {
        await this.#send(target.url, change, target.timeout);
        const ms = Math.round(performance.now() - started);
        this.#o.logger.info(
          { event: "kamailio_push", url: target.url, ...change, attempt, ms },
          `Kamailio dispatcher at ${target.url}: ${change.destination} in set ${change.setid} set ${change.state} (${why}) in ${ms} ms`,
        );
        return;
      } catch (err) {
        lastError = err as Error;
        if (attempt < target.attempts) {
          await new Promise((r) => setTimeout(r, this.#o.retryDelayMs ?? 100));
        }
      }
    }
    this.#o.logger.warn(
      { event: "kamailio_push_failed", url: target.url, ...change, err: lastError },
      `${lastError?.message ?? "push failed"} (${target.attempts} tries, ${why}); Kamailio's own probing still corrects it`,
    );
  }
}
