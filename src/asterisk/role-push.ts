/**
 * Pushes this node's serving state into the Asterisk beside it over AMI, the moment it
 * changes, so the dialplan's call-admission check never waits for a qualify.
 *
 * What Asterisk gets (global variables and a device state):
 * - `TANDEM_SERVING_UNTIL`: while the node serves, a lease in milliseconds since the epoch
 *   (now + `lease`), renewed every `refresh`; `0` while it does not. The dialplan accepts a
 *   call only while the clock is below it, so a dead or frozen agent, or a broken AMI link,
 *   stops calls within `lease` instead of leaving a stale "yes" behind (fail safe).
 * - `TANDEM_ROLE`: the mode (ACTIVE, STANDBY, …), for logs and people.
 * - `deviceState` (e.g. `Custom:tandem`): NOT_INUSE while serving, UNAVAILABLE otherwise.
 *
 * Everything is asserted again after each AMI (re)connect: an Asterisk restart forgets globals.
 */
import type { RoleTransition, TransitionConsumer } from "../agent/transitions.js";
import type { Logger } from "../log/logger.js";
import type { AmiClient } from "./ami-client.js";

/** The variable the dialplan check reads: lease end in ms since the epoch, 0 when not serving. */
export const SERVING_UNTIL_VARIABLE = "TANDEM_SERVING_UNTIL";
/** The variable that names the node's mode. */
export const ROLE_VARIABLE = "TANDEM_ROLE";

/** Options of {@link AmiRolePush}. */
export interface AmiRolePushOptions {
  ami: AmiClient;
  logger: Logger;
  /** How long one pushed lease lasts, in ms. */
  leaseMs: number;
  /** How often the lease is renewed while serving, in ms. */
  refreshMs: number;
  /** Custom device whose state follows serving, e.g. `Custom:tandem`. */
  deviceState: string;
  /** The transition already published before this consumer was added, if any. */
  initial?: RoleTransition | null;
  /** @default Date.now */
  now?: () => number;
}

/**
 * The AMI role push, a {@link TransitionConsumer}.
 *
 * @example
 * ```ts
 * agent.transitions.add(new AmiRolePush({ ami, logger, leaseMs: 700, refreshMs: 150, deviceState: "Custom:tandem" }));
 * ```
 */
export class AmiRolePush implements TransitionConsumer {
  readonly name = "ami-push";
  readonly #o: AmiRolePushOptions;
  readonly #now: () => number;
  readonly #timer: NodeJS.Timeout;
  #serving = false;
  #mode = "STARTING";
  #failing = false;

  constructor(options: AmiRolePushOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    if (options.initial) {
      this.#serving = options.initial.serving;
      this.#mode = options.initial.to;
    }
    options.ami.on("connected", () => {
      void this.#assert("AMI connected");
    });
    this.#timer = setInterval(() => {
      if (this.#serving && options.ami.connected) void this.#renew();
    }, options.refreshMs);
    this.#timer.unref();
  }

  /** Pushes the new state at once. */
  async onTransition(transition: RoleTransition): Promise<void> {
    this.#serving = transition.serving;
    this.#mode = transition.to;
    await this.#assert(`${transition.from} → ${transition.to}`);
  }

  /** Stops renewing; the lease then runs out in Asterisk on its own. */
  close(): void {
    clearInterval(this.#timer);
  }

  #until(): string {
    return this.#serving ? String(this.#now() + this.#o.leaseMs) : "0";
  }

  async #renew(): Promise<void> {
    try {
      await this.#o.ami.action({
        Action: "Setvar",
        Variable: SERVING_UNTIL_VARIABLE,
        Value: this.#until(),
      });
      this.#recovered();
    } catch (err) {
      this.#failed("renewing the serving lease", err);
    }
  }

  async #assert(why: string): Promise<void> {
    if (!this.#o.ami.connected) return;
    const started = performance.now();
    const serving = this.#serving;
    try {
      // The lease first: it alone decides whether calls are accepted.
      await this.#o.ami.action({
        Action: "Setvar",
        Variable: SERVING_UNTIL_VARIABLE,
        Value: this.#until(),
      });
      await Promise.all([
        this.#o.ami.action({ Action: "Setvar", Variable: ROLE_VARIABLE, Value: this.#mode }),
        this.#o.ami.action({
          Action: "Setvar",
          Variable: `DEVICE_STATE(${this.#o.deviceState})`,
          Value: serving ? "NOT_INUSE" : "UNAVAILABLE",
        }),
      ]);
      this.#recovered();
      this.#o.logger.info(
        {
          event: "ami_push",
          serving,
          mode: this.#mode,
          ms: Math.round(performance.now() - started),
        },
        `role pushed to Asterisk at ${this.#o.ami.address} (${why}): ${this.#mode}, ${serving ? "serving" : "not serving"}, in ${Math.round(performance.now() - started)} ms`,
      );
    } catch (err) {
      this.#failed(`pushing the role (${why})`, err);
    }
  }

  #recovered(): void {
    this.#failing = false;
  }

  #failed(what: string, err: unknown): void {
    // One warning per outage: the lease runs out in Asterisk, which is the fail-safe.
    if (this.#failing) return;
    this.#failing = true;
    this.#o.logger.warn(
      { event: "ami_push_failed", err },
      `${what} to Asterisk at ${this.#o.ami.address} failed: ${(err as Error).message}; its dialplan stops accepting calls when the lease of ${this.#o.leaseMs} ms runs out`,
    );
  }
}
