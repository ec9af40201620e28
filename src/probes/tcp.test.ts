import { type AddressInfo, createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createTcpChecker } from "./tcp.js";

const ctx = { probeName: "ami", hostname: "test", timeoutMs: 1000 };
let server: Server | undefined;

async function listen(): Promise<number> {
  const s = createServer((socket) => socket.on("error", () => {}));
  server = s;
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  return (s.address() as AddressInfo).port;
}

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

describe("tcp probe", () => {
  it("passes when the port accepts and leaves no connection open", async () => {
    const port = await listen();
    const result = await createTcpChecker({ kind: "tcp", host: "127.0.0.1", port }, ctx).check(
      new AbortController().signal,
    );
    expect(result.status).toBe("ok");
    expect(result.message).toMatch(new RegExp(`^connected to 127\\.0\\.0\\.1:${port} in \\d+ ms$`));
    await expect
      .poll(() => new Promise((resolve) => server?.getConnections((_e, n) => resolve(n))))
      .toBe(0);
  });

  it("fails with ECONNREFUSED on a closed port", async () => {
    const port = await listen();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
    const result = await createTcpChecker({ kind: "tcp", host: "127.0.0.1", port }, ctx).check(
      new AbortController().signal,
    );
    expect(result).toEqual({ status: "fail", message: `connect ECONNREFUSED 127.0.0.1:${port}` });
  });

  it("fails at once when already aborted", async () => {
    const result = await createTcpChecker({ kind: "tcp", host: "127.0.0.1", port: 9 }, ctx).check(
      AbortSignal.abort(),
    );
    expect(result.status).toBe("fail");
  });
});
