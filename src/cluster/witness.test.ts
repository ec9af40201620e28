import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { checkWitness } from "./witness.js";

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((r) => server?.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
}

describe("checkWitness", () => {
  it("is reachable on a 2xx and reports the node the answer came from", async () => {
    const url = await serve((_req, res) => {
      res.setHeader("x-tandem-node", "b");
      res.end("LIVE");
    });
    expect(await checkWitness(url, 500)).toEqual({
      type: "witness",
      reachable: true,
      routesTo: "b",
    });
  });

  it("names the asking node in its request", async () => {
    let asked: string | undefined;
    const url = await serve((req, res) => {
      asked = req.headers["x-tandem-node"] as string | undefined;
      res.end("LIVE");
    });
    await checkWitness(url, 500, "a");
    expect(asked).toBe("a");
  });

  it("is unreachable on a 5xx, a refused connection, or no answer within the timeout", async () => {
    const url = await serve((req, res) => {
      if (req.url === "/hang") return;
      res.statusCode = 503;
      res.end();
    });
    expect(await checkWitness(url, 500)).toEqual({ type: "witness", reachable: false });
    const t0 = Date.now();
    expect(await checkWitness(`${url}hang`, 150)).toEqual({ type: "witness", reachable: false });
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(await checkWitness("http://127.0.0.1:1/", 500)).toEqual({
      type: "witness",
      reachable: false,
    });
  });
});
