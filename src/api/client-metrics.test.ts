import type { ServerResponse } from "node:http";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { registerClientMetrics } from "./client-metrics.js";
import { EventHub } from "./event-hub.js";

/** A stream that only collects what is written: the metrics read the hub, not the socket. */
function fakeStream(): ServerResponse {
  return { write: () => true, end: () => undefined } as unknown as ServerResponse;
}

describe("client metrics", () => {
  it("counts open streams and identified clients by policy and followed node", async () => {
    const hub = new EventHub();
    const registry = new Registry();
    registerClientMetrics(registry, hub);
    const base = { version: "1", remote: "10.0.0.31", since: "2026-11-28T18:00:00.000Z" };
    hub.attach(fakeStream(), null, {
      ...base,
      session: "1",
      name: "c1",
      policy: "follow",
      follows: "a",
    });
    hub.attach(fakeStream(), null, {
      ...base,
      session: "2",
      name: "c2",
      policy: "follow",
      follows: "a",
    });
    hub.attach(fakeStream(), null, {
      ...base,
      session: "3",
      name: "c3",
      policy: "sticky",
      follows: null,
    });
    hub.attach(fakeStream(), null, {
      ...base,
      session: null,
      name: null,
      policy: null,
      follows: null,
    });
    const text = await registry.metrics();
    expect(text).toMatch(/^tandem_event_streams 4$/m);
    expect(text).toMatch(/^tandem_clients\{policy="follow",follows="a"\} 2$/m);
    expect(text).toMatch(/^tandem_clients\{policy="sticky",follows=""\} 1$/m);
  });
});
