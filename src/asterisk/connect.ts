/**
 * Wires the Asterisk beside this node into the agent: one AMI connection and the consumers that
 * use it, each added to the agent's transition bus.
 */
import type { TransitionBus } from "../agent/transitions.js";
import type { AsteriskConfig } from "../config/asterisk-schema.js";
import type { Logger } from "../log/logger.js";
import { AmiClient } from "./ami-client.js";
import { AmiRolePush } from "./role-push.js";

/** What {@link connectAsterisk} needs from the agent. */
export interface AsteriskDeps {
  transitions: TransitionBus;
  logger: Logger;
}

/**
 * Opens the AMI connection (reconnecting on its own) and adds the role push to the bus; the
 * bus closes both when the agent stops.
 *
 * @example
 * ```ts
 * const ami = connectAsterisk(config.asterisk, { transitions: agent.transitions, logger });
 * ```
 */
export function connectAsterisk(config: AsteriskConfig, deps: AsteriskDeps): AmiClient {
  const { logger } = deps;
  const ami = new AmiClient({
    host: config.ami.host,
    port: config.ami.port,
    username: config.ami.username,
    secret: config.ami.secret,
    actionTimeoutMs: config.ami.timeout,
    events: false,
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
  deps.transitions.add({ name: "ami", onTransition: () => {}, close: () => ami.close() });
  ami.start();
  return ami;
}
