/**
 * Wires the Asterisk beside this node into the agent: one AMI connection and the consumers that
 * use it, each added to the agent's transition bus.
 */
import type { TransitionBus } from "../agent/transitions.js";
import type { AsteriskConfig } from "../config/asterisk-schema.js";
import type { Logger } from "../log/logger.js";
import { watchActivity } from "./activity.js";
import { AmiClient } from "./ami-client.js";
import { QueueControl } from "./queue-control.js";
import { AmiRolePush } from "./role-push.js";

/** What {@link connectAsterisk} needs from the agent. */
export interface AsteriskDeps {
  transitions: TransitionBus;
  logger: Logger;
  /** Feeds `{ type: "activity" }` to the engine (with `activity` configured). */
  activity?: () => void;
}

/** What {@link connectAsterisk} set up. */
export interface AsteriskLink {
  ami: AmiClient;
  /** The queue control, when `queues.control` is on. */
  queues: QueueControl | null;
}

/**
 * Opens the AMI connection (reconnecting on its own) and adds the role push (and the queue
 * control) to the bus; the bus closes them when the agent stops. With `activity`, calls
 * arriving in the watched contexts or queues are reported through `deps.activity`.
 *
 * @example
 * ```ts
 * const { ami, queues } = connectAsterisk(config.asterisk, { transitions: agent.transitions, logger });
 * ```
 */
export function connectAsterisk(config: AsteriskConfig, deps: AsteriskDeps): AsteriskLink {
  const { logger } = deps;
  const ami = new AmiClient({
    host: config.ami.host,
    port: config.ami.port,
    username: config.ami.username,
    secret: config.ami.secret,
    actionTimeoutMs: config.ami.timeout,
    // Events only for the activity watch: the push alone needs none.
    events: config.activity !== undefined,
  });
  // One line per outage, not one per reconnect attempt.
  let down = false;
  ami.on("connected", ({ version }) => {
    down = false;
    logger.info(
      { event: "ami_connected", address: ami.address, version },
      `AMI connected to Asterisk at ${ami.address} (manager protocol ${version})`,
    );
  });
  ami.on("disconnected", (reason) => {
    if (down) return;
    down = true;
    logger.warn(
      { event: "ami_disconnected", address: ami.address, code: (reason as { code?: string }).code },
      `AMI link to Asterisk at ${ami.address} down: ${reason.message}; reconnecting with backoff`,
    );
  });
  if (config.push.enabled) {
    deps.transitions.add(
      new AmiRolePush({
        ami,
        logger,
        leaseMs: config.push.lease,
        refreshMs: config.push.refresh,
        deviceState: config.push.deviceState,
        initial: deps.transitions.last,
      }),
    );
  }
  const queues = config.queues.control
    ? new QueueControl({ ami, logger, queues: config.queues.names })
    : null;
  if (queues) deps.transitions.add(queues);
  const report = deps.activity;
  const stopActivity =
    config.activity && report
      ? watchActivity({ ami, logger, ...config.activity, report })
      : () => {};
  deps.transitions.add({
    name: "ami",
    onTransition: () => {},
    close: () => {
      stopActivity();
      return ami.close();
    },
  });
  ami.start();
  return { ami, queues };
}
