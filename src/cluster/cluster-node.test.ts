import { describe, expect, it } from "vitest";
import { freePort } from "../../test/helpers/processes.js";
import { useTempDir } from "../config/config.test-helpers.js";
import { parseConfigText } from "../config/load.js";
import { captureLogger } from "../log/capture.test-helpers.js";
import { ClusterNode } from "./cluster-node.js";

describe("ClusterNode.servingAllowedNow", () => {
  const tempDir = useTempDir();

  it("a read after a stall steps the clock first: the node holds back before answering", async () => {
    const dir = await tempDir();
    const { config } = await parseConfigText(
      `node: { name: a, stateDir: ${dir} }
cluster:
  secret: 0123456789abcdef0123
  profile: fast
  nodes:
    - { name: a, rank: 1, api: "http://127.0.0.1:1" }
    - { name: b, rank: 2, api: "http://127.0.0.1:${await freePort()}" }
`,
      "a.yaml",
    );
    const cluster = config.cluster;
    if (!cluster) throw new Error("no cluster section");
    // The engine's clock is this variable: it moves only when the test says so.
    let now = 0;
    const { logger, lines } = captureLogger();
    const node = await ClusterNode.create({
      cluster,
      selfName: "a",
      clusterHash: "00000000",
      stateDir: dir,
      logger,
      now: () => now,
    });
    const modes: { mode: string; serving: boolean }[] = [];
    node.on("mode", (m: { mode: string; serving: boolean }) => modes.push(m));
    node.start();
    node.health({ healthy: true, criticalDown: [], criticalPending: [], warningDown: [] });
    try {
      // b never answers: after the start-up grace (in refused heartbeats, about 3 s), a
      // serves alone.
      for (let i = 0; i < 200 && !node.state.serving; i++) {
        now += 100;
        node.input({ type: "tick" });
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(node.state.serving, JSON.stringify(lines)).toBe(true);
      // The serving mode is carried out once the new term is on disk.
      for (let i = 0; i < 200 && !modes.some((m) => m.serving); i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(modes.at(-1)).toMatchObject({ mode: "ACTIVE", serving: true });
      const seen = modes.length;
      expect(node.servingAllowedNow()).toBe(true);
      expect(modes.length).toBe(seen);

      // The process stood still for a second: no timer has run since.
      now += 1000;
      node.servingAllowedNow();
      expect(node.state.serving).toBe(false);
      expect(modes.at(-1)).toMatchObject({ mode: "ACTIVE", serving: false });
    } finally {
      await node.stop();
    }
  });
});
