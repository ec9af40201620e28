/**
 * The AMI client against hand-written AMI servers on real loopback sockets: correlation,
 * list replies, events, login failure, keep-alive, reconnect, garbage and half-closed sockets.
 */
import { createServer, type Server, type Socket } from "node:net";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { AmiClient } from "./ami-client.js";

interface FakeAmi {
  server: Server;
  port: number;
  sockets: Socket[];
  close(): Promise<void>;
}

type Handler = (socket: Socket, action: Record<string, string>) => void;

/** Parses actions sent by the client (simple: one `Key: Value` per line, blank line ends). */
function onActions(socket: Socket, handler: Handler): void {
  let buffer = "";
  socket.on("data", (d) => {
    buffer += d.toString("utf8");
    for (;;) {
      const end = buffer.indexOf("\r\n\r\n");
      if (end < 0) return;
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 4);
      const action: Record<string, string> = {};
      for (const line of block.split("\r\n")) {
        const i = line.indexOf(":");
        action[line.slice(0, i)] = line.slice(i + 1).trim();
      }
      handler(socket, action);
    }
  });
}

const reply = (socket: Socket, fields: Record<string, string>) =>
  socket.write(
    `${Object.entries(fields)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join("")}\r\n`,
  );

/** A well-behaved AMI: banner, login with secret "pw", Ping, a list action, UserEvent. */
const standard: Handler = (socket, a) => {
  const id = a.ActionID ?? "";
  if (a.Action === "Login") {
    if (a.Secret === "pw")
      reply(socket, { Response: "Success", ActionID: id, Message: "Authentication accepted" });
    else reply(socket, { Response: "Error", ActionID: id, Message: "Authentication failed" });
  } else if (a.Action === "Logoff") {
    reply(socket, { Response: "Goodbye", ActionID: id });
    socket.end();
  } else if (a.Action === "Ping")
    reply(socket, { Response: "Success", ActionID: id, Ping: "Pong" });
  else if (a.Action === "QueueStatus") {
    reply(socket, {
      Response: "Success",
      ActionID: id,
      EventList: "start",
      Message: "Queue status will follow",
    });
    reply(socket, { Event: "QueueParams", Queue: "support", ActionID: id });
    reply(socket, { Event: "QueueMember", Queue: "support", Paused: "1", ActionID: id });
    reply(socket, {
      Event: "QueueStatusComplete",
      ActionID: id,
      EventList: "Complete",
      ListItems: "2",
    });
  } else if (a.Action === "UserEvent") {
    reply(socket, { Response: "Success", ActionID: id });
    reply(socket, { Event: "UserEvent", UserEvent: a.UserEvent ?? "" });
  } else reply(socket, { Response: "Error", ActionID: id, Message: "Invalid/unknown command" });
};

const servers: FakeAmi[] = [];
const clients: AmiClient[] = [];

async function fakeAmi(handler: Handler = standard, banner = true, port = 0): Promise<FakeAmi> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on("error", () => {});
    if (banner) socket.write("Asterisk Call Manager/9.0.0\r\n");
    onActions(socket, handler);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const fake: FakeAmi = {
    server,
    port: (server.address() as { port: number }).port,
    sockets,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  servers.push(fake);
  return fake;
}

function client(port: number, extra: Partial<ConstructorParameters<typeof AmiClient>[0]> = {}) {
  const ami = new AmiClient({ port, username: "u", secret: "pw", ...extra });
  clients.push(ami);
  return ami;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe("AmiClient", () => {
  it("logs in, correlates replies and collects list events", async () => {
    const fake = await fakeAmi();
    const ami = client(fake.port);
    ami.start();
    await ami.ready(2000);
    expect(ami.version).toBe("9.0.0");
    const [pong, list] = await Promise.all([
      ami.action({ Action: "Ping" }),
      ami.actionList({ Action: "QueueStatus" }),
    ]);
    expect(pong.get("Ping")).toBe("Pong");
    expect(list.events.map((e) => e.event)).toEqual(["QueueParams", "QueueMember"]);
    expect(list.events[1]?.get("Paused")).toBe("1");
  });

  it("streams events that belong to no action", async () => {
    const fake = await fakeAmi();
    const ami = client(fake.port);
    const seen: string[] = [];
    ami.on("event", (e) => seen.push(e.get("UserEvent") ?? ""));
    ami.start();
    await ami.ready(2000);
    await ami.action({ Action: "UserEvent", UserEvent: "hello" });
    await expect.poll(() => seen).toEqual(["hello"]);
  });

  it("rejects Response: Error with the server's text", async () => {
    const fake = await fakeAmi();
    const ami = client(fake.port);
    ami.start();
    await ami.ready(2000);
    await expect(ami.action({ Action: "Nope" })).rejects.toMatchObject({
      code: "TANDEM_ERR_AMI_ACTION",
      message: expect.stringContaining("Invalid/unknown command"),
    });
  });

  it("keeps a CR/LF in a value from injecting a header", async () => {
    const got: Array<Record<string, string>> = [];
    const fake = await fakeAmi((socket, a) => {
      got.push(a);
      standard(socket, a);
    });
    const ami = client(fake.port);
    ami.start();
    await ami.ready(2000);
    await ami.action({ Action: "UserEvent", UserEvent: "x\r\nAction: Logoff" });
    expect(got.map((a) => a.Action)).toEqual(["Login", "UserEvent"]);
  });

  it("reports a rejected login as an auth error and never says it is connected", async () => {
    const fake = await fakeAmi();
    const ami = client(fake.port, { secret: "wrong" });
    const reasons: string[] = [];
    ami.on("disconnected", (e) => reasons.push((e as { code?: string }).code ?? ""));
    ami.start();
    await expect(ami.ready(500)).rejects.toThrow(/rejected the login of "u"/);
    expect(ami.connected).toBe(false);
    expect(reasons).toContain("TANDEM_ERR_AMI_AUTH");
  });

  it("fails actions while disconnected and reconnects with backoff when the server returns", async () => {
    const fake = await fakeAmi();
    const port = fake.port;
    const ami = client(port, { reconnectMinMs: 50, reconnectMaxMs: 200 });
    ami.start();
    await ami.ready(2000);
    await fake.close();
    await expect.poll(() => ami.connected).toBe(false);
    await expect(ami.action({ Action: "Ping" })).rejects.toMatchObject({
      code: "TANDEM_ERR_AMI_UNREACHABLE",
    });
    await new Promise((r) => setTimeout(r, 400));
    await fakeAmi(standard, true, port);
    await ami.ready(3000);
    expect(ami.connections).toBe(2);
    expect((await ami.action({ Action: "Ping" })).get("Ping")).toBe("Pong");
  });

  it("drops a silent Asterisk on the keep-alive Ping and logs in again", async () => {
    let silent = false;
    const fake = await fakeAmi((socket, a) => {
      if (!silent || a.Action === "Login") standard(socket, a);
    });
    const ami = client(fake.port, { pingIntervalMs: 50, actionTimeoutMs: 150, reconnectMinMs: 20 });
    const reasons: string[] = [];
    ami.on("disconnected", (e) => reasons.push((e as { code?: string }).code ?? ""));
    ami.start();
    await ami.ready(2000);
    silent = true;
    await expect.poll(() => reasons, { timeout: 2000 }).toContain("TANDEM_ERR_AMI_TIMEOUT");
    silent = false;
    await expect.poll(() => ami.connections, { timeout: 2000 }).toBeGreaterThanOrEqual(2);
  });

  it("rejects pending actions when the server half-closes the socket", async () => {
    const fake = await fakeAmi((socket, a) => {
      if (a.Action === "Login") standard(socket, a);
      else socket.end();
    });
    const ami = client(fake.port, { reconnectMinMs: 1000 });
    ami.start();
    await ami.ready(2000);
    await expect(ami.action({ Action: "Ping" })).rejects.toMatchObject({
      code: "TANDEM_ERR_AMI_UNREACHABLE",
    });
    expect(ami.connected).toBe(false);
  });

  it("refuses a port that does not speak AMI", async () => {
    const fake = await fakeAmi((socket) => socket.write("SSH-2.0-OpenSSH\r\n\r\n"), false);
    const ami = client(fake.port, { reconnectMinMs: 1000 });
    const reasons: string[] = [];
    ami.on("disconnected", (e) => reasons.push((e as { code?: string }).code ?? ""));
    ami.start();
    await expect(ami.ready(300)).rejects.toThrow(/not logged in/);
    expect(reasons).toContain("TANDEM_ERR_AMI_PROTOCOL");
  });

  it("bounds the actions waiting for a reply", async () => {
    const fake = await fakeAmi((socket, a) => {
      if (a.Action === "Login") standard(socket, a);
    });
    const ami = client(fake.port, { maxPendingActions: 2, actionTimeoutMs: 5000 });
    ami.start();
    await ami.ready(2000);
    const waiting = [ami.action({ Action: "Ping" }), ami.action({ Action: "Ping" })];
    for (const w of waiting) w.catch(() => {});
    await expect(ami.action({ Action: "Ping" })).rejects.toThrow(/2 actions waiting \(limit 2\)/);
  });

  it("survives any bytes a server sends after login, split anywhere", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.constant(Buffer.from("\r\n\r\n"))),
          {
            maxLength: 10,
          },
        ),
        async (chunks) => {
          const fake = await fakeAmi((socket, a) => {
            standard(socket, a);
            if (a.Action === "Login") for (const c of chunks) socket.write(c);
          });
          const ami = new AmiClient({
            port: fake.port,
            username: "u",
            secret: "pw",
            reconnectMinMs: 5000,
            actionTimeoutMs: 300,
            maxMessageBytes: 1024,
          });
          ami.on("event", () => {});
          ami.start();
          await ami.ready(2000);
          // Whatever came, the client either still answers or reports the link lost.
          await ami.action({ Action: "Ping" }).then(
            (m) => expect(m.get("Ping")).toBe("Pong"),
            (err: { code?: string }) => expect(err.code).toMatch(/^TANDEM_ERR_AMI_/),
          );
          await ami.close();
          await fake.close();
          servers.splice(servers.indexOf(fake), 1);
        },
      ),
      { numRuns: 30 },
    );
  });
});
