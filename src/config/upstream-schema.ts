/**
 * The `upstream` section: upstreams the agent tells about its serving state the moment it
 * changes, instead of waiting for them to poll.
 */
import { z } from "zod";
import { durationField } from "./duration-field.js";

const SIP_URI = /^sips?:[^\s]+$/;
const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

const destination = z.string().regex(SIP_URI, {
  message: 'expected a SIP URI as in the destination list, e.g. "sip:10.0.0.11:5070"',
});

const kamailio = z
  .strictObject({
    url: z
      .url({
        protocol: /^https?$/,
        error: 'expected an http(s) URL such as "http://10.0.0.5:5080/RPC"',
      })
      .meta({ description: "Kamailio's JSON-RPC URL (`jsonrpcs` module over `xhttp`)." }),
    setid: z
      .number()
      .int()
      .min(0)
      .meta({ description: "The dispatcher set holding the nodes (set 1 in the recipe)." }),
    destination: destination.meta({
      description:
        "This node's destination in that set, exactly as in the destination list: set `ap` (active, probing) when the node starts serving, `ip` (inactive) when it stops.",
    }),
    peers: z
      .record(z.string().regex(NODE_NAME, { message: "expected a node name" }), destination)
      .default({})
      .meta({
        description:
          "The other nodes' destinations in that set, by node name: set `ip` when this node takes over (in `hot-standby` whenever it starts serving), since a killed node cannot say it itself. Each name must be another node of `cluster.nodes`.",
      }),
    timeout: durationField("Time one JSON-RPC request may take.").prefault("500ms"),
    attempts: z.number().int().min(1).max(10).default(3).meta({
      description:
        "Tries per state change before the error is logged and left to Kamailio's probing.",
    }),
  })
  .meta({ description: "A Kamailio whose dispatcher routes calls to the nodes." });

/** The `upstream` section. */
export const upstreamSchema = z
  .strictObject({
    kamailio: z.array(kamailio).default([]).meta({
      description:
        "Kamailio dispatchers to push the serving state to over JSON-RPC (`dispatcher.set_state`), so routing switches without waiting for `ds_ping_interval` (see docs/integrations/kamailio.md).",
    }),
  })
  .meta({
    description:
      "Upstreams told of this node's serving state the moment it changes. Errors are logged, never fatal.",
  });

/** The validated `upstream` section. */
export type UpstreamConfig = z.output<typeof upstreamSchema>;
/** One validated `upstream.kamailio` entry. */
export type KamailioTarget = UpstreamConfig["kamailio"][number];
