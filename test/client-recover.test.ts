/**
 * `tandem recover` with clients on the event streams, and `tandem clients`: the reconnect
 * step waits until the identified clients follow the recovered node and names any that do not.
 */
import { describe, expect, it } from "vitest";
import { connect } from "../src/client/index.js";
import { useCleanups } from "./helpers/cleanups.js";
import { startPair } from "./helpers/pair.js";
import { waitFor } from "./helpers/processes.js";
import { openEventStream } from "./helpers/sse.js";

const cleanups = useCleanups();

describe("clients during a recovery", () => {
  it("recover waits for identified clients, names one that stays behind; tandem clients lists them", {
    timeout: 180_000,
  }, async () => {
    // The lan timers tolerate a loaded machine; nothing here depends on them.
    const p = await startPair({ timers: "profile: lan" });
    cleanups.push(() => p.close());
    await p.startBoth();
    await waitFor(async () => (await p.role("a")).status === 200, 40_000, "a ACTIVE");
    await waitFor(async () => (await p.status("b")).node.mode === "STANDBY", 20_000, "b STANDBY");
    const a = `http://127.0.0.1:${p.ports.a}`;
    const b = `http://127.0.0.1:${p.ports.b}`;
    const options = { servers: [a, b], keepAliveMs: 1000, backoff: { initialMs: 100, maxMs: 500 } };
    const follow = connect({
      ...options,
      policy: "follow",
      identity: { name: "wallboard", version: "3.0" },
    });
    const sticky = connect({ ...options, policy: "sticky", identity: { name: "console-7" } });
    cleanups.push(() => follow.close());
    cleanups.push(() => sticky.close());

    await p.kill("a");
    await waitFor(() => follow.current === b && sticky.current === b, 20_000, "clients on b");
    // A client that identifies itself, says it follows b, and never moves.
    const stuck = openEventStream(`${b}/v1/events?session=stuck1&client=old-console&policy=follow`);
    cleanups.push(() => stuck.close());
    await waitFor(() => stuck.frames.length > 0, 5000, "stuck client's hello");
    const said = await fetch(`${b}/v1/clients/follow`, {
      method: "POST",
      body: JSON.stringify({ session: "stuck1", follows: "b" }),
    });
    expect(said.status).toBe(200);

    const listed = await p.cli(["clients", "--json"]);
    // a is down: the list is still printed, and the exit code says a node did not answer.
    expect(listed.code, listed.stderr).toBe(3);
    const doc = JSON.parse(listed.stdout) as {
      nodes: Array<{
        name: string;
        clients: { clients: Array<Record<string, unknown>> } | null;
        error: string | null;
      }>;
    };
    expect(doc.nodes.find((n) => n.name === "a")?.clients).toBeNull();
    const onB = doc.nodes.find((n) => n.name === "b")?.clients?.clients ?? [];
    expect(onB.map((c) => [c.name, c.policy, c.follows]).sort()).toEqual([
      ["console-7", "sticky", "b"],
      ["old-console", "follow", "b"],
      ["wallboard", "follow", "b"],
    ]);
    const table = await p.cli(["clients"]);
    expect(table.code).toBe(3);
    expect(table.stdout).toMatch(/^NODE\s+CLIENT\s+VERSION\s+POLICY\s+FOLLOWS/m);
    expect(table.stdout).toMatch(/b\s+wallboard\s+3\.0\s+follow\s+b/);

    p.start("a");
    await waitFor(async () => (await p.status("a")).node.mode !== "STARTING", 30_000, "a up");
    const r = await p.cli([
      "recover",
      "--yes",
      "--queues-paused",
      "--clients-wait",
      "4",
      "--by",
      "tester",
    ]);
    expect(r.code, `${r.stdout}\n${r.stderr}\n${p.dump()}`).toBe(0);
    // Both library clients moved (the sticky one because the operator said so); the stuck one did not.
    expect(r.stdout).toMatch(
      /1 of 3 identified client\(s\) did not move to "a" within 4 s: old-console \(127\.0\.0\.1, follows b\)/,
    );
    expect(follow.current).toBe(a);
    expect(sticky.current).toBe(a);
  });
});
