/**
 * Activity from AMI events: in `active-active` mode a call that reaches this node's Asterisk
 * (a new channel in a watched context, or a caller joining a watched queue) means the primary
 * rejects calls. The agent reports it to the engine exactly as `POST /v1/activity` does,
 * without any dialplan change; the engine alone decides whether it means a takeover.
 */
import type { Logger } from "../log/logger.js";
import type { AmiClient } from "./ami-client.js";
import type { AmiMessage } from "./ami-message.js";

/** What counts as a call arriving here. */
export interface ActivityMatch {
  /** Dialplan contexts whose new channels (`Newchannel`) are calls arriving. */
  contexts: readonly string[];
  /** Queues whose callers (`QueueCallerJoin`) are calls arriving. */
  queues: readonly string[];
}

/**
 * Says which watched call an AMI event is, or null: a `Newchannel` in one of `contexts`, or a
 * `QueueCallerJoin` to one of `queues`.
 *
 * @example
 * ```ts
 * matchActivity(event, { contexts: ["from-trunk"], queues: [] });
 * // 'Newchannel PJSIP/trunk-00000001 in context "from-trunk"'
 * ```
 */
export function matchActivity(event: AmiMessage, watch: ActivityMatch): string | null {
  // Every AMI event passes here: read the channel only for a watched call.
  const channel = (): string => event.get("Channel") ?? "?";
  if (event.event === "Newchannel") {
    const context = event.get("Context");
    if (context !== undefined && watch.contexts.includes(context)) {
      return `Newchannel ${channel()} in context "${context}"`;
    }
  } else if (event.event === "QueueCallerJoin") {
    const queue = event.get("Queue");
    if (queue !== undefined && watch.queues.includes(queue)) {
      return `QueueCallerJoin ${channel()} to queue "${queue}"`;
    }
  }
  return null;
}

/** Options of {@link watchActivity}. */
export interface ActivityWatchOptions extends ActivityMatch {
  /** An AMI client created with `events: true`. */
  ami: AmiClient;
  logger: Logger;
  /** Feeds `{ type: "activity" }` to the engine. */
  report: () => void;
  /** At most one report (and log line) per this many ms. @default 1000 */
  throttleMs?: number;
  /** @default Date.now */
  now?: () => number;
}

/**
 * Reports activity for each watched call, at most once per `throttleMs`. Returns a function
 * that stops watching.
 *
 * @example
 * ```ts
 * const stop = watchActivity({ ami, logger, contexts: ["from-trunk"], queues: ["reception"],
 *   report: () => node.input({ type: "activity" }) });
 * ```
 */
export function watchActivity(options: ActivityWatchOptions): () => void {
  const throttleMs = options.throttleMs ?? 1000;
  const now = options.now ?? Date.now;
  let last = Number.NEGATIVE_INFINITY;
  const onEvent = (event: AmiMessage): void => {
    const call = matchActivity(event, options);
    if (call === null) return;
    const at = now();
    if (at - last < throttleMs) return;
    last = at;
    options.logger.info(
      { event: "ami_activity", call },
      `call arriving at this node's Asterisk (${call}): reporting activity`,
    );
    options.report();
  };
  options.ami.on("event", onEvent);
  return () => options.ami.off("event", onEvent);
}
