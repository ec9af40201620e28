import { describe, expect, it } from "vitest";
import type { ConnectedClient } from "../api/client-wire.js";
import { type ClientsReading, describeClient, notFollowing } from "./clients.js";

function client(session: string | null, follows: string | null): ConnectedClient {
  return {
    session,
    name: session && `console-${session}`,
    version: "1.0.0",
    policy: "follow",
    follows,
    remote: "10.0.0.31",
    since: "2026-11-28T18:00:00.000Z",
  };
}

function reading(name: string, clients: ConnectedClient[]): ClientsReading {
  return { name, doc: { node: name, streams: clients.length, clients }, error: null };
}

describe("notFollowing", () => {
  it("counts each session once, trusting the node that heard it follow the target", () => {
    const readings = [
      reading("a", [client("1", "a"), client("2", "b"), client(null, null)]),
      // Node b has not yet heard that client 1 moved.
      reading("b", [client("1", "b"), client("2", "b")]),
      { name: "c", doc: null, error: "ECONNREFUSED" },
    ];
    expect(notFollowing(readings, "a").map((c) => c.session)).toEqual(["2"]);
    expect(describeClient(client("2", "b"))).toBe("console-2 (10.0.0.31, follows b)");
  });
});
