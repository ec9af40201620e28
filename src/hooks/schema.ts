/**
 * The `hooks` section of the configuration file: commands and webhooks to run when the node
 * changes mode or loses or finds its peer. Follows the conventions of `config/schema.ts`
 * (a description on every field, durations as milliseconds or `"10s"`, defaults in input form).
 */
import { z } from "zod";
import { durationField } from "../config/duration-field.js";
import type { HookEvent } from "../engine/types.js";

const timeout = durationField(
  "Longest time the hook may take; a command's whole process group is then killed.",
).prefault("10s");

const commandHook = z
  .strictObject({
    command: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .meta({ description: "A string run by `/bin/sh -c`, or an argument list run directly." }),
    cwd: z.string().min(1).optional().meta({
      description: "Working directory of the command. Default: the configuration file's directory.",
    }),
    timeout,
  })
  .meta({
    title: "command hook",
    description:
      "A command run with TANDEM_EVENT, TANDEM_NODE, TANDEM_FROM, TANDEM_TO, TANDEM_TERM, TANDEM_REASON and TANDEM_TIME in its environment; exit 0 is success.",
  });

const webhook = z
  .strictObject({
    url: z
      .url({ protocol: /^https?$/, error: 'expected a URL starting with "http://" or "https://"' })
      .meta({ description: "URL that receives the event as JSON." }),
    method: z.enum(["POST", "PUT"]).default("POST").meta({ description: "HTTP method." }),
    timeout,
  })
  .meta({
    title: "webhook",
    description:
      "An HTTP request with the JSON body `{event, node, from, to, term, reason, time}`; a 2xx answer is success.",
  });

const hookList = (description: string) =>
  z
    .array(z.union([commandHook, webhook]))
    .default([])
    .meta({ description: `${description} Run in order, each after the previous one ended.` });

/**
 * The `hooks` section, ready to be placed in the main config schema as `hooks: hooksSchema`.
 * Every event is present in the output, with an empty list when none is configured.
 *
 * @example
 * ```ts
 * const hooks = hooksSchema.parse({ active: [{ command: "/etc/tandem/vip-up", timeout: "5s" }] });
 * hooks.active[0]; // { command: "/etc/tandem/vip-up", timeout: 5000 }
 * hooks.standby;   // []
 * ```
 */
export const hooksSchema = z
  .strictObject({
    active: hookList("On entering ACTIVE."),
    standby: hookList("On entering STANDBY."),
    "self-fenced": hookList("On fencing itself (a critical probe failed, or an operator)."),
    "peer-fenced": hookList("On being fenced by the peer."),
    "peer-lost": hookList("When the peer stops answering heartbeats."),
    "peer-found": hookList("When a lost peer answers again."),
    "queues-paused": hookList(
      "Asked by `tandem recover` on the node being recovered: every hook must succeed (exit 0 / 2xx) when no queue member on this node can be offered a call, e.g. `asterisk -rx 'queue show'` shows every member paused.",
    ),
  } satisfies Record<HookName, unknown>)
  .prefault({})
  .meta({ description: "Commands and webhooks run on mode changes and peer events." });

/**
 * Everything hooks can be configured for: the engine's events and the recovery check.
 *
 * @example
 * ```ts
 * const h: HookName = "queues-paused";
 * ```
 */
export type HookName = HookEvent | "queues-paused";

/** The validated `hooks` section: every event with its list, timeouts in milliseconds. */
export type HooksConfig = z.output<typeof hooksSchema>;
/** One validated hook: a command or a webhook. */
export type HookConfig = HooksConfig[HookName][number];
