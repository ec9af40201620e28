import { createSocket } from "node:dgram";
import { connect, createServer, type Socket } from "node:net";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { ListenError } from "../errors.js";
import { captureLogger } from "../log/capture.test-helpers.js";
import { SipStreamFramer } from "./framer.js";
import { headerValue } from "./message.js";
import { parseSipMessage } from "./parse.js";
import { type SipListenerOptions, SipResponder, type SipResponderOptions } from "./responder.js";
import { optionsRequest } from "./sip.test-helpers.js";

const responders: SipResponder[] = [];
afterEach(async () => {
  await Promise.all(responders.splice(0).map((r) => r.close()));
});

const LISTENER: SipListenerOptions = {
  address: "127.0.0.1",
  port: 0,
  transports: ["udp", "tcp"],
  whenNotServing: "reject",
  retryAfter: 30,
};

async function startResponder(
  options: Partial<SipResponderOptions> & { listener?: Partial<SipListenerOptions> } = {},
) {
  const state = { serving: true };
  const responder = new SipResponder({
    listeners: [{ ...LISTENER, ...options.listener }],
    availability: () => state,
    ...options,
  });
  responders.push(responder);
  await responder.start();
  const port = (t: "udp" | "tcp") => responder.boundPorts().find((b) => b.transport === t)?.port;
  return { responder, state, udpPort: port("udp") ?? 0, tcpPort: port("tcp") ?? 0 };
}

/** Sends a datagram and resolves with the first reply, or `undefined` after `waitMs`. */
function udpExchange(port: number, data: Buffer, waitMs = 1000): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = createSocket("udp4");
    const done = (reply: Buffer | undefined) => {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    };
    const timer = setTimeout(() => done(undefined), waitMs);
    socket.on("message", (msg) => done(msg));
    socket.on("error", () => done(undefined));
    socket.send(data, port, "127.0.0.1");
  });
}

/** Writes `chunks` on a new TCP connection; resolves with the messages read until `count` or close. */
function tcpExchange(port: number, chunks: Buffer[], count = 1, waitMs = 1000) {
  return new Promise<{ messages: Buffer[]; closed: boolean }>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const framer = new SipStreamFramer();
    const messages: Buffer[] = [];
    let closed = false;
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ messages, closed });
    };
    const timer = setTimeout(done, waitMs);
    socket.on("data", (chunk) => {
      messages.push(...framer.push(chunk).messages);
      if (messages.length >= count) done();
    });
    socket.on("close", () => {
      closed = true;
      done();
    });
    socket.on("error", () => {});
    socket.on("connect", () => {
      for (const c of chunks) socket.write(c);
    });
  });
}

function status(bytes: Buffer | undefined): number | undefined {
  if (!bytes) return undefined;
  const parsed = parseSipMessage(bytes);
  return parsed.ok && parsed.message.kind === "response" ? parsed.message.status : undefined;
}

describe("SipResponder", () => {
  it("answers OPTIONS over UDP and TCP on one shared port, following availability", async () => {
    const { responder, state, udpPort, tcpPort } = await startResponder();
    expect(udpPort).toBeGreaterThan(0);
    expect(tcpPort).toBe(udpPort);
    expect(status(await udpExchange(udpPort, optionsRequest()))).toBe(200);
    expect(status((await tcpExchange(tcpPort, [optionsRequest()])).messages[0])).toBe(200);
    state.serving = false;
    const unavailable = await udpExchange(udpPort, optionsRequest());
    expect(status(unavailable)).toBe(503);
    const parsed = parseSipMessage(unavailable ?? Buffer.alloc(0));
    expect(parsed.ok && headerValue(parsed.message, "Retry-After")).toBe("30");
    expect(responder.counters()).toEqual({
      requests: 3,
      ok200: 2,
      unavailable503: 1,
      otherResponses: 0,
      silent: 0,
      malformed: 0,
    });
  });

  it("sends the UDP reply to the source port when rport is asked for", async () => {
    const { udpPort } = await startResponder();
    const request = optionsRequest({ via: "SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bKr;rport" });
    const reply = await udpExchange(udpPort, request);
    const parsed = parseSipMessage(reply ?? Buffer.alloc(0));
    expect(parsed.ok && headerValue(parsed.message, "Via")).toMatch(
      /^SIP\/2\.0\/UDP 127\.0\.0\.1:1;branch=z9hG4bKr;rport=\d+;received=127\.0\.0\.1$/,
    );
  });

  it("stays silent while not serving when configured so", async () => {
    const { responder, state, udpPort, tcpPort } = await startResponder({
      listener: { whenNotServing: "silent" },
    });
    state.serving = false;
    expect(await udpExchange(udpPort, optionsRequest(), 300)).toBeUndefined();
    const tcp = await tcpExchange(tcpPort, [optionsRequest()], 1, 300);
    expect(tcp.messages).toEqual([]);
    expect(responder.counters()).toMatchObject({ requests: 2, silent: 2 });
  });

  it("answers pipelined requests split at every byte on one TCP connection", async () => {
    const { tcpPort } = await startResponder();
    const stream = Buffer.concat([optionsRequest(), optionsRequest({ method: "REGISTER" })]);
    const chunks = [...stream].map((b) => Buffer.from([b]));
    const { messages } = await tcpExchange(tcpPort, chunks, 2);
    expect(messages.map(status)).toEqual([200, 405]);
  });

  it("closes a TCP connection that sends garbage, and one that stays idle", async () => {
    const { responder, tcpPort } = await startResponder({ limits: { idleTimeoutMs: 200 } });
    const garbage = await tcpExchange(tcpPort, [Buffer.from("GET / HTTP/1.1\r\n\r\n")]);
    expect(garbage).toEqual({ messages: [], closed: true });
    const started = Date.now();
    const idle = await tcpExchange(tcpPort, [Buffer.from("OPTIONS sip:x SIP/2.0\r\n")], 1, 3000);
    expect(idle.closed).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(responder.counters().malformed).toBe(1);
  });

  it("refuses TCP connections beyond the limit", async () => {
    const { tcpPort } = await startResponder({ limits: { maxConnections: 2 } });
    const open: Socket[] = [];
    for (let i = 0; i < 2; i++) {
      const s = connect(tcpPort, "127.0.0.1");
      s.on("error", () => {});
      open.push(s);
      await new Promise((resolve) => s.once("connect", resolve));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    const third = await tcpExchange(tcpPort, [optionsRequest()], 1, 1000);
    expect(third).toEqual({ messages: [], closed: true });
    for (const s of open) s.destroy();
  });

  it("frees its ports on close, and names the port when it cannot bind", async () => {
    const { responder, udpPort } = await startResponder();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const taken = (blocker.address() as { port: number }).port;
    const clash = new SipResponder({
      listeners: [{ ...LISTENER, port: taken, transports: ["tcp"] }],
      availability: () => ({ serving: true }),
    });
    const err = await clash.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ListenError);
    expect((err as Error).message).toBe(
      `Cannot bind the SIP listener: tcp port "${taken}" on 127.0.0.1 is in use`,
    );
    await new Promise((resolve) => blocker.close(resolve));
    await responder.close();
    await responder.close();
    const again = new SipResponder({
      listeners: [{ ...LISTENER, port: udpPort }],
      availability: () => ({ serving: true }),
    });
    responders.push(again);
    await again.start();
    expect(again.boundPorts().map((b) => b.port)).toEqual([udpPort, udpPort]);
  });

  it("logs where it listens, and why it dropped input (at debug level)", async () => {
    const { logger, lines } = captureLogger();
    const { udpPort } = await startResponder({ logger, listener: { transports: ["udp"] } });
    expect(lines.map((l) => l.msg)).toEqual([
      `SIP responder listening on udp 127.0.0.1:${udpPort}`,
    ]);
    await udpExchange(udpPort, Buffer.from("SIP/2.0 200 OK\r\n\r\n"), 200);
    expect(lines[1]).toMatchObject({
      event: "sip_dropped",
      reason: "a 200 response; this responder sends no requests",
      level: 20,
    });
  });

  it("answers as not serving when availability throws", async () => {
    const responder = new SipResponder({
      listeners: [{ ...LISTENER, transports: ["udp"] }],
      availability: () => {
        throw new Error("engine gone");
      },
    });
    responders.push(responder);
    await responder.start();
    const port = responder.boundPorts()[0]?.port ?? 0;
    expect(status(await udpExchange(port, optionsRequest()))).toBe(503);
  });

  it("survives random and mutated input over UDP and TCP, then still answers (3 s fuzz)", async () => {
    const { responder, state, udpPort, tcpPort } = await startResponder({
      limits: { idleTimeoutMs: 100, maxMessageBytes: 4096 },
    });
    const base = optionsRequest();
    const mutated = fc
      .tuple(fc.nat(), fc.uint8Array({ minLength: 0, maxLength: 30 }), fc.nat({ max: 30 }))
      .map(([at, insert, remove]) => {
        const cutAt = at % base.length;
        return Buffer.concat([base.subarray(0, cutAt), insert, base.subarray(cutAt + remove)]);
      });
    const input = fc.oneof(
      fc.uint8Array({ maxLength: 6000 }).map((b) => Buffer.from(b)),
      mutated,
      fc.constant(Buffer.alloc(5000, 0x41)),
    );
    const deadline = Date.now() + 3000;
    await fc.assert(
      fc.asyncProperty(input, fc.boolean(), fc.boolean(), async (bytes, overTcp, serving) => {
        state.serving = serving;
        if (overTcp) {
          // Half-close after writing: the responder answers what it can, then the connection ends.
          await new Promise<void>((resolve) => {
            const s = connect(tcpPort, "127.0.0.1", () => s.end(bytes));
            const timer = setTimeout(() => s.destroy(), 500);
            s.on("error", () => {});
            s.on("data", () => {});
            s.on("close", () => {
              clearTimeout(timer);
              resolve();
            });
          });
        } else {
          await new Promise<void>((resolve) => {
            const s = createSocket("udp4");
            s.send(bytes, udpPort, "127.0.0.1", () => {
              s.close();
              resolve();
            });
          });
        }
      }),
      { interruptAfterTimeLimit: deadline - Date.now(), numRuns: 100_000 },
    );
    state.serving = true;
    expect(status(await udpExchange(udpPort, optionsRequest()))).toBe(200);
    expect(status((await tcpExchange(tcpPort, [optionsRequest()])).messages[0])).toBe(200);
    const c = responder.counters();
    expect(c.requests).toBe(c.ok200 + c.unavailable503 + c.otherResponses + c.silent);
    expect(c.ok200).toBeGreaterThanOrEqual(2);
    expect(c.requests + c.malformed).toBeGreaterThan(10);
  });
});
