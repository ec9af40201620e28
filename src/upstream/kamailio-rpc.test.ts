/**
 * The JSON-RPC call's time bound against real HTTP servers on loopback that never finish
 * answering: the whole exchange, not only an idle socket, ends at the timeout.
 */
import { createServer, type Server, type ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { KamailioRpcError } from "../errors.js";
import { setDispatcherState } from "./kamailio-rpc.js";

const servers: Server[] = [];
const held: ServerResponse[] = [];
afterEach(async () => {
  for (const res of held.splice(0)) res.destroy();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** A server that hands each response to `answer` and never ends it itself. */
async function stalling(answer: (res: ServerResponse) => void): Promise<string> {
  const server = createServer((_req, res) => {
    held.push(res);
    answer(res);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/RPC`;
}

const change = { state: "ap" as const, setid: 1, destination: "sip:10.0.0.12:5070" };

describe("setDispatcherState", () => {
  it("gives up at the timeout when Kamailio never answers", async () => {
    const url = await stalling(() => {});
    const started = performance.now();
    const error = await setDispatcherState(url, change, 150).catch((err: unknown) => err);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error).toBeInstanceOf(KamailioRpcError);
    expect((error as Error).message).toBe(
      `dispatcher.set_state ap for sip:10.0.0.12:5070 in set 1 at ${url}: no answer within 150 ms`,
    );
  });

  it("gives up at the timeout when an answer starts but trickles on", async () => {
    const url = await stalling((res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"jsonrpc":"2.0",');
      const drip = setInterval(() => res.write(" "), 50);
      res.on("close", () => clearInterval(drip));
    });
    const started = performance.now();
    const error = await setDispatcherState(url, change, 300).catch((err: unknown) => err);
    expect(performance.now() - started).toBeLessThan(1500);
    expect(error).toBeInstanceOf(KamailioRpcError);
    expect((error as Error).message).toMatch(/: no answer within 300 ms$/);
  });
});
