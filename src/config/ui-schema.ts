/**
 * The web console's sections: `ui` (who may see what), `operators` (accounts that may act)
 * and `reports` (where the queues page reads its figures).
 */
import { z } from "zod";
import { durationField } from "./duration-field.js";

/**
 * The encoded form `tandem operator add` prints: `scrypt$N=…,r=…,p=…$SALT$HASH` (base64).
 *
 * @example
 * ```ts
 * PASSWORD_HASH_PATTERN.test(config.operators.alice ?? ""); // true
 * ```
 */
export const PASSWORD_HASH_PATTERN =
  /^scrypt\$N=\d+,r=\d+,p=\d+\$[A-Za-z0-9+/]+={0,2}\$[A-Za-z0-9+/]+={0,2}$/;

/**
 * An operator's name: what `tandem operator add NAME` accepts and the `operators` section's keys.
 *
 * @example
 * ```ts
 * OPERATOR_NAME_PATTERN.test("alice"); // true
 * ```
 */
export const OPERATOR_NAME_PATTERN = /^[A-Za-z0-9._-]{1,63}$/;

/**
 * The `ui` section.
 *
 * @example
 * ```ts
 * uiSchema.parse({ public: "none" }).sessionTtl; // 28800000
 * ```
 */
export const uiSchema = z
  .strictObject({
    public: z.enum(["status", "none"]).default("status").meta({
      description:
        "`status`: the console's status view is readable without a login, actions need one; `none`: the console shows nothing but its login form until an operator logs in. `/v1/status` and the monitor URLs stay open either way (load balancers and the CLI read them).",
    }),
    sessionTtl: durationField("How long a console login lasts without use.").prefault("8h"),
    loginFailures: z.number().int().min(1).max(1000).default(5).meta({
      description:
        "Failed logins allowed per client address per minute; further attempts are answered 429 with `Retry-After`.",
    }),
  })
  .prefault({})
  .meta({ description: "The web console served at `/` on the API port." });

/**
 * The `operators` section.
 *
 * @example
 * ```ts
 * operatorsSchema.parse({ alice: await hashPassword("correct horse") });
 * ```
 */
export const operatorsSchema = z
  .record(
    z.string().regex(OPERATOR_NAME_PATTERN, {
      message: "expected an operator name of letters, digits, '.', '_' or '-' (at most 63)",
    }),
    z.string().regex(PASSWORD_HASH_PATTERN, {
      message: 'expected a hash printed by "tandem operator add NAME" (scrypt$N=…,r=…,p=…$…$…)',
    }),
  )
  .default({})
  .meta({
    description:
      "Console accounts that may act (switchover, failover, suspend, resume, clear-fence, recover): name → password hash from `tandem operator add NAME`.",
  });

/**
 * The `reports` section.
 *
 * @example
 * ```ts
 * reportsSchema.parse({ store: "/var/lib/tandem/queuelog.sqlite" }).sl; // 20
 * ```
 */
export const reportsSchema = z
  .strictObject({
    store: z.string().min(1).meta({
      description:
        "The queue report store the console's queues page reads: a `postgres://…` or `mysql://…` URL or an SQLite file, as `tandem report --store`.",
    }),
    source: z.string().min(1).optional().meta({
      description:
        "The report source, as `tandem report --source` (default: every partition of the store as one cluster).",
    }),
    sl: z.number().int().min(0).max(3600).default(20).meta({
      description: "Service level threshold in seconds, as `tandem report --sl`.",
    }),
  })
  .meta({ description: "Where the console's queues page reads its figures." });
