/**
 * The `asterisk` section: how the agent reaches the Asterisk beside it over AMI, and the role
 * it pushes there on every change of serving state.
 */
import { z } from "zod";
import { durationField } from "./duration-field.js";

const ami = z
  .strictObject({
    host: z.string().min(1).default("127.0.0.1").meta({
      description: "Address of Asterisk's manager interface (the Asterisk on this node).",
    }),
    port: z
      .number()
      .int()
      .min(1)
      .max(65535)
      .default(5038)
      .meta({ description: "AMI port (`port` in manager.conf)." }),
    username: z
      .string()
      .min(1)
      .meta({ description: "AMI user (a section of manager.conf) with `write = system`." }),
    secret: z.string().min(1).meta({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own reference syntax.
      description: "Its secret; use `${file:/etc/tandem/ami.secret}` to keep it out of the file.",
    }),
    timeout: durationField("Time an AMI action may take before it counts as failed.").prefault(
      "1s",
    ),
  })
  .meta({ description: "The AMI connection. The agent keeps one, reconnecting with backoff." });

const push = z
  .strictObject({
    enabled: z
      .boolean()
      .default(true)
      .meta({ description: "Push the role into Asterisk (global variables and a device state)." }),
    lease: durationField(
      "How long a pushed `TANDEM_SERVING_UNTIL` stays valid: the dialplan stops accepting calls this long after the agent last refreshed it (agent killed, frozen, AMI down).",
    ).prefault("700ms"),
    refresh: durationField(
      "How often the agent renews the lease while the node serves; keep it well under `lease`.",
    ).prefault("150ms"),
    deviceState: z
      .string()
      .regex(/^Custom:[A-Za-z0-9_.-]+$/, {
        message: 'expected a custom device such as "Custom:tandem"',
      })
      .default("Custom:tandem")
      .meta({
        description:
          "Custom device set to NOT_INUSE while the node serves and UNAVAILABLE while it does not (for hints and queue `state_interface`).",
      }),
  })
  .refine((p) => p.refresh * 2 <= p.lease, {
    message: "expected refresh at most half of lease, so one late refresh does not end the lease",
    path: ["refresh"],
  })
  .meta({ description: "The role push: what the dialplan's call-admission check reads." });

const queues = z
  .strictObject({
    control: z.boolean().default(false).meta({
      description:
        "Pause every member of `names` over AMI when this node is fenced, unpause them when it serves again, and answer the `queues-paused` step of `tandem recover` from `QueueStatus` (instead of a hook).",
    }),
    names: z
      .array(z.string().min(1))
      .default([])
      .meta({ description: "Queues to control; empty: every queue Asterisk has." }),
  })
  .meta({ description: "Queue members paused and unpaused over AMI (`QueuePause`)." });

const activity = z
  .strictObject({
    contexts: z.array(z.string().min(1)).default([]).meta({
      description: "Dialplan contexts whose new channels (`Newchannel`) are calls arriving.",
    }),
    queues: z
      .array(z.string().min(1))
      .default([])
      .meta({ description: "Queues whose new callers (`QueueCallerJoin`) are calls arriving." }),
  })
  .refine((a) => a.contexts.length + a.queues.length > 0, {
    message: "expected at least one context or queue to watch",
  })
  .meta({
    description:
      "In `active-active` mode: a call arriving at this node's Asterisk (an AMI event in one of these contexts or queues) reports activity, as `POST /v1/activity` does, with no dialplan change. The AMI user then needs `read = call,agent`.",
  });

/** The `asterisk` section. */
export const asteriskSchema = z
  .strictObject({
    ami,
    push: push.prefault({}),
    queues: queues.prefault({}),
    activity: activity.optional(),
  })
  .meta({
    description:
      "The Asterisk on this node, over AMI: the agent pushes its serving state there the moment it changes (see docs/integrations/asterisk.md).",
  });

/** The validated `asterisk` section. */
export type AsteriskConfig = z.output<typeof asteriskSchema>;
