import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import type { CommandOutcome } from "../cluster/cluster-node.js";
import type { CommandName } from "../engine/types.js";
import { signRequest } from "../peer/signing.js";
import { OperatorClient } from "./client.js";
import { CONTROL_PATHS, registerControlRoutes } from "./routes.js";

const SECRET = "control-test-secret-0123456789";
const apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

interface Recorded {
  commands: Array<{ command: CommandName; target: string | undefined; by: string }>;
  notices: Array<{ to: string; reason: string; by: string }>;
  activity: string[];
  checks: string[];
}

async function start(
  options: { checkConfigured?: boolean; trustProxy?: boolean } = {},
): Promise<{ url: string; app: FastifyInstance; seen: Recorded }> {
  const seen: Recorded = { commands: [], notices: [], activity: [], checks: [] };
  const app = Fastify({ trustProxy: options.trustProxy ?? false });
  registerControlRoutes(app, {
    secret: SECRET,
    selfName: "a",
    command: (command, target, by): CommandOutcome => {
      seen.commands.push({ command, target, by });
      return command === "activate"
        ? {
            outcome: "refused",
            messages: ["refused: local health not known yet"],
            mode: "STANDBY",
            serving: false,
            term: 1,
          }
        : {
            outcome: "changed",
            messages: [`${command} by ${by}: done`],
            mode: "STANDBY",
            serving: false,
            term: 1,
          };
    },
    check: async (_name, by) => {
      seen.checks.push(by);
      return options.checkConfigured
        ? { configured: true, ok: false, messages: ["hook: exit 1 (sales: SIP/101 not paused)"] }
        : { configured: false, ok: false, messages: ["no queues-paused hook configured"] };
    },
    notify: (_event, data) => seen.notices.push(data),
    activity: (from) => {
      seen.activity.push(from);
      return { mode: "ACTIVE", serving: true };
    },
    readLog: async (limit) =>
      Array.from({ length: Math.min(limit, 3) }, (_, i) => ({
        time: new Date(1_700_000_000_000 + i).toISOString(),
        node: "a",
        level: "info" as const,
        event: "command",
        message: `entry ${i}`,
        mode: "ACTIVE",
        term: 1,
        cause: {},
      })),
  });
  apps.push(app);
  await app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, app, seen };
}

function client(url: string, secret = SECRET): OperatorClient {
  return new OperatorClient({ name: "a", url, secret });
}

describe("operator endpoints", () => {
  it("apply a signed command and log who asked, with the address it came from", async () => {
    const { url, seen } = await start();
    const reply = await client(url).command("suspend", "a", "alice@console");
    expect(reply).toMatchObject({ node: "a", command: "suspend", outcome: "changed" });
    expect(seen.commands).toEqual([
      { command: "suspend", target: "a", by: "alice@console from 127.0.0.1" },
    ]);
  });

  it("refuse unsigned, wrongly signed and replayed commands before anything runs", async () => {
    const { url, seen } = await start();
    const body = JSON.stringify({ command: "deactivate", target: "a", by: "mallory" });
    const unsigned = await fetch(`${url}${CONTROL_PATHS.command}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(unsigned.status).toBe(401);
    expect(((await unsigned.json()) as { error: string }).error).toMatch(/unsigned/);

    await expect(
      client(url, "another-secret-0123456789").command("deactivate", "a", "mallory"),
    ).rejects.toMatchObject({ code: "TANDEM_ERR_PEER_AUTH" });

    const headers = {
      "content-type": "application/json",
      ...signRequest({
        secret: SECRET,
        node: "operator",
        target: "a",
        method: "POST",
        path: CONTROL_PATHS.command,
        body: Buffer.from(body),
      }),
    };
    const first = await fetch(`${url}${CONTROL_PATHS.command}`, { method: "POST", headers, body });
    expect(first.status).toBe(200);
    const replay = await fetch(`${url}${CONTROL_PATHS.command}`, { method: "POST", headers, body });
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { error: string }).error).toMatch(/replayed nonce/);
    expect(seen.commands).toHaveLength(1);
  });

  it("say precisely what is wrong with a bad command, and route nothing to the wrong node", async () => {
    const { url, seen } = await start();
    const c = client(url);
    await expect(c.command("reboot" as CommandName, "a", "bob")).rejects.toThrow(
      /"command" must be one of activate, deactivate, failover, switchover/,
    );
    await expect(c.command("deactivate", "b", "bob")).rejects.toMatchObject({
      code: "TANDEM_ERR_COMMAND_REFUSED",
      message: expect.stringMatching(/addressed to "b", not to this node "a"; send it to "b"/),
    });
    await expect(c.command("suspend", "a", "")).rejects.toThrow(/"by" must name who asks/);
    // A switchover names the node that takes over, so it goes to the active node as is.
    await c.command("switchover", "b", "bob");
    expect(seen.commands.map((x) => x.command)).toEqual(["switchover"]);
  });

  it("pass the engine's refusal back as an outcome, not an HTTP error", async () => {
    const { url } = await start();
    const reply = await client(url).command("activate", "a", "bob");
    expect(reply.outcome).toBe("refused");
    expect(reply.messages).toEqual(["refused: local health not known yet"]);
  });

  it("run the queues-paused check and say when no hook is configured", async () => {
    const none = await start();
    expect(await client(none.url).checkQueuesPaused("carol")).toMatchObject({
      configured: false,
      ok: false,
    });
    const hooked = await start({ checkConfigured: true });
    const r = await client(hooked.url).checkQueuesPaused("carol");
    expect(r).toMatchObject({ configured: true, ok: false });
    expect(r.messages[0]).toMatch(/SIP\/101 not paused/);
    expect(hooked.seen.checks).toEqual(["carol from 127.0.0.1"]);
  });

  it("publish reconnect notices", async () => {
    const { url, seen } = await start();
    await client(url).notifyReconnect("a", "recovered", "dave");
    expect(seen.notices).toEqual([{ to: "a", reason: "recovered", by: "dave from 127.0.0.1" }]);
  });

  it("take activity reports unsigned from loopback (a dialplan CURL) by GET or POST", async () => {
    const { url, seen } = await start();
    const get = await fetch(`${url}${CONTROL_PATHS.activity}`);
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual({ node: "a", mode: "ACTIVE", serving: true });
    const post = await fetch(`${url}${CONTROL_PATHS.activity}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "queue=sales",
    });
    expect(post.status).toBe(200);
    expect(seen.activity).toEqual(["127.0.0.1", "127.0.0.1"]);
  });

  it("refuse unsigned activity from another address", async () => {
    // The request comes over loopback; a trusted proxy header stands in for a remote PBX.
    const { url, seen } = await start({ trustProxy: true });
    const res = await fetch(`${url}${CONTROL_PATHS.activity}`, {
      headers: { "x-forwarded-for": "192.0.2.7" },
    });
    expect(res.status).toBe(401);
    expect(seen.activity).toEqual([]);
  });

  it("serve the failover log with a bounded limit", async () => {
    const { url } = await start();
    expect(await client(url).log(2)).toHaveLength(2);
    const bad = await fetch(`${url}${CONTROL_PATHS.log}?limit=0`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/limit "0" must be an integer/);
  });

  it("report an agent that does not answer as unreachable", async () => {
    const { url, app } = await start();
    await app.close();
    await expect(client(url).command("suspend", "a", "x")).rejects.toMatchObject({
      code: "TANDEM_ERR_AGENT_UNREACHABLE",
    });
  });
});
