/**
 * The `cluster.quorum` section: an etcd cluster that decides which node serves.
 */
import { z } from "zod";
import { durationField } from "./duration-field.js";

/** `cluster.quorum`: the etcd endpoints, the key prefix and the lease timers. */
export const quorumSchema = z
  .discriminatedUnion("kind", [
    z.strictObject({
      kind: z.literal("etcd").meta({ description: "The quorum is an etcd v3 cluster." }),
      endpoints: z
        .array(
          z.url({
            protocol: /^https?$/,
            error: 'expected an etcd client URL such as "http://10.0.0.5:2379"',
          }),
        )
        .min(1, { error: "expected at least one etcd endpoint" })
        .meta({
          description:
            "Client URLs of the etcd members; list every member so the agent can use any that answers.",
        }),
      prefix: z
        .string()
        .regex(/^\/[^\s]*\/$/, { message: 'expected a key prefix such as "/tandem/pbx1/"' })
        .default("/tandem/")
        .meta({
          description:
            "Key prefix of this cluster in etcd; the leader key is `<prefix>leader`. Give each cluster sharing an etcd its own prefix.",
        }),
      lease: z
        .strictObject({
          ttl: durationField(
            "Lease TTL, in whole seconds (etcd counts in seconds): how long a dead holder's key outlives it when its death cannot be proven.",
          ).prefault("2s"),
          keepAlive: durationField("Time between keep-alives of a held lease.").prefault("500ms"),
          margin: durationField(
            "The holder stops serving this long before its lease could expire, measured from when its last confirmed keep-alive was sent.",
          ).prefault("500ms"),
        })
        .prefault({})
        .meta({ description: "Lease timers of the leader key." }),
      fastTakeover: z.boolean().default(true).meta({
        description:
          "Take over at once, without waiting for the lease, when the holder's agent port refuses connections (its process is gone). Turn off if a proxy in front of the agents refuses connections while the agent lives.",
      }),
    }),
  ])
  .meta({
    description:
      "An etcd cluster that arbitrates: a node serves only while it holds the leader key. Needed for more than two nodes; see docs/quorum.md.",
  });

/** The validated `cluster.quorum` section. */
export type QuorumConfig = z.output<typeof quorumSchema>;
