/**
 * The role push against a hand-written AMI server on a real loopback socket: what it sets on a
 * transition, that it renews the lease only while serving, and that a reconnect re-asserts.
 */
import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { RoleTransition } from "../agent/transitions.js";
import { captureLogger } from "../log/capture.test-helpers.js";
import { AmiClient } from "./ami-client.js";
import { AmiRolePush } from "./role-push.js";

interface Setvar {
  variable: string;
  value: string;
}

/** An AMI that accepts any login and records every Setvar. */
async function recordingAmi(): Promise<{
  server: Server;
  port: number;
  sets: Setvar[];
  sockets: Socket[];
}> {
  const sets: Setvar[] = [];
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on("error", () => {});
    socket.write("Asterisk Call Manager/9.0.0\r\n");
    let buffer = "";
    socket.on("data", (d) => {
      buffer += d.toString();
      for (let end = buffer.indexOf("\r\n\r\n"); end >= 0; end = buffer.indexOf("\r\n\r\n")) {
        const fields = Object.fromEntries(
          buffer
            .slice(0, end)
            .split("\r\n")
            .map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()]),
        );
        buffer = buffer.slice(end + 4);
        if (fields.Action === "Setvar")
          sets.push({ variable: fields.Variable ?? "", value: fields.Value ?? "" });
        socket.write(`Response: Success\r\nActionID: ${fields.ActionID}\r\n\r\n`);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, port: (server.address() as { port: number }).port, sets, sockets };
}

const transition = (to: RoleTransition["to"], serving: boolean): RoleTransition => ({
  node: "a",
  from: "STANDBY",
  to,
  serving,
  wasServing: !serving,
  term: 1,
  reason: "test",
  at: new Date().toISOString(),
});

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

async function setup() {
  const fake = await recordingAmi();
  const ami = new AmiClient({ port: fake.port, username: "u", secret: "s", reconnectMinMs: 20 });
  const { logger, lines } = captureLogger();
  const push = new AmiRolePush({
    ami,
    logger,
    leaseMs: 700,
    refreshMs: 50,
    deviceState: "Custom:tandem",
    now: () => 1_000_000,
  });
  cleanup.push(async () => {
    push.close();
    await ami.close();
    for (const s of fake.sockets) s.destroy();
    await new Promise<void>((r) => fake.server.close(() => r()));
  });
  ami.start();
  await ami.ready(2000);
  // The push asserts the starting state as soon as AMI is up.
  await expect.poll(() => fake.sets.length).toBe(3);
  return { fake, ami, push, lines };
}

describe("AmiRolePush", () => {
  it("sets the lease first, then the role and the device state, on a transition", async () => {
    const { fake, push, lines } = await setup();
    fake.sets.length = 0;
    await push.onTransition(transition("ACTIVE", true));
    // Renewals of the lease may interleave; the first set is the lease, then role and device.
    expect(fake.sets[0]).toEqual({ variable: "TANDEM_SERVING_UNTIL", value: "1000700" });
    expect(fake.sets.filter((x) => x.variable !== "TANDEM_SERVING_UNTIL")).toEqual([
      { variable: "TANDEM_ROLE", value: "ACTIVE" },
      { variable: "DEVICE_STATE(Custom:tandem)", value: "NOT_INUSE" },
    ]);
    expect(lines.some((l) => l.event === "ami_push" && l.serving === true)).toBe(true);
  });

  it("renews the lease only while serving and sends 0 when serving stops", async () => {
    const { fake, push } = await setup();
    await push.onTransition(transition("ACTIVE", true));
    await expect
      .poll(() => fake.sets.filter((s) => s.value === "1000700").length)
      .toBeGreaterThanOrEqual(3);
    await push.onTransition(transition("SELF_FENCED", false));
    const count = fake.sets.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.sets.slice(count)).toEqual([]);
    expect(fake.sets.filter((s) => s.variable !== "TANDEM_SERVING_UNTIL").slice(-2)).toEqual([
      { variable: "TANDEM_ROLE", value: "SELF_FENCED" },
      { variable: "DEVICE_STATE(Custom:tandem)", value: "UNAVAILABLE" },
    ]);
    expect(fake.sets.findLast((s) => s.variable === "TANDEM_SERVING_UNTIL")?.value).toBe("0");
  });

  it("asserts the state again after AMI reconnects (a restarted Asterisk forgot it)", async () => {
    const { fake, ami, push } = await setup();
    push.close();
    await push.onTransition(transition("STANDBY", false));
    for (const s of fake.sockets) s.destroy();
    fake.sets.length = 0;
    await expect.poll(() => ami.connections, { timeout: 2000 }).toBe(2);
    await expect
      .poll(() => fake.sets)
      .toEqual([
        { variable: "TANDEM_SERVING_UNTIL", value: "0" },
        { variable: "TANDEM_ROLE", value: "STANDBY" },
        { variable: "DEVICE_STATE(Custom:tandem)", value: "UNAVAILABLE" },
      ]);
  });
});
