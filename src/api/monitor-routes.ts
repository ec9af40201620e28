/**
 * The load-balancer monitor URLs. They answer in plain text with no detail beyond probe names,
 * so they can be exposed to a balancer without revealing anything sensitive.
 *
 * - `/monitor/live`: 200 while the process runs.
 * - `/monitor/app`:  200 `APP=OK`, or 503 `APP=FAIL <probes>` / `APP=STARTING <probes>`.
 * - `/monitor/role`: 200 `ACTIVE`, or 503 with the mode (`STANDBY`, `STARTING`).
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import type { StatusDocument } from "./status-types.js";

function plain(reply: FastifyReply, code: number, body: string): FastifyReply {
  return reply
    .code(code)
    .header("content-type", "text/plain; charset=utf-8")
    .header("cache-control", "no-store")
    .send(`${body}\n`);
}

/** The monitor body and status for application health. */
export function appMonitor(status: StatusDocument): { code: number; body: string } {
  const { node } = status;
  if (node.healthy) return { code: 200, body: "APP=OK" };
  const pending = status.probes
    .filter((p) => p.severity === "critical" && p.state === "pending")
    .map((p) => p.name);
  if (node.mode === "STARTING") {
    return {
      code: 503,
      body: `APP=STARTING ${[...node.criticalDown, ...pending].join(",")}`.trimEnd(),
    };
  }
  return { code: 503, body: `APP=FAIL ${[...node.criticalDown, ...pending].join(",")}`.trimEnd() };
}

/** The monitor body and status for the node's role. */
export function roleMonitor(status: StatusDocument): { code: number; body: string } {
  const { mode, serving } = status.node;
  if (mode === "ACTIVE" && serving) return { code: 200, body: "ACTIVE" };
  // ACTIVE but holding back (just woke from a freeze, or waiting for the peer to see its new
  // term): the body must not contain "ACTIVE", which load balancers match as a string.
  return { code: 503, body: mode === "ACTIVE" ? "HOLD" : mode };
}

/**
 * Registers the three monitor routes (GET and HEAD).
 *
 * @example
 * ```ts
 * registerMonitorRoutes(app, () => agent.status());
 * // curl -i http://127.0.0.1:7701/monitor/role  →  200 ACTIVE
 * ```
 */
export function registerMonitorRoutes(app: FastifyInstance, getStatus: () => StatusDocument): void {
  app.get("/monitor/live", async (_req, reply) => plain(reply, 200, "LIVE"));
  app.get("/monitor/app", async (_req, reply) => {
    const { code, body } = appMonitor(getStatus());
    return plain(reply, code, body);
  });
  app.get("/monitor/role", async (_req, reply) => {
    const { code, body } = roleMonitor(getStatus());
    return plain(reply, code, body);
  });
}
