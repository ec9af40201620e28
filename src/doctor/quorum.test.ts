import { describe, expect, it } from "vitest";
import { startEtcd } from "../../test/helpers/etcd.js";
import { freePort } from "../../test/helpers/processes.js";
import type { ClusterConfig } from "../config/schema.js";
import { quorumCheck } from "./quorum.js";

const base = {
  secret: "x".repeat(32),
  nodes: [
    { name: "a", rank: 1, api: "http://127.0.0.1:1" },
    { name: "b", rank: 2, api: "http://127.0.0.1:2" },
  ],
} as unknown as ClusterConfig;

describe("quorumCheck", () => {
  it("warns that a pair with neither quorum nor witness serves twice during a partition", async () => {
    const c = await quorumCheck("a", base);
    expect(c.status).toBe("warn");
    expect(c.message).toMatch(/both serve until it heals/);
  });

  it("fails when no endpoint answers, warns for a missing one, warns for a single one", async () => {
    const etcd = await startEtcd(1);
    const url = etcd.endpoints[0] ?? "";
    const closed = `http://127.0.0.1:${await freePort()}`;
    try {
      const with_ = (endpoints: string[]) =>
        ({ ...base, quorum: { kind: "etcd", endpoints } }) as unknown as ClusterConfig;
      const none = await quorumCheck("a", with_([closed]), 500);
      expect(none.status).toBe("fail");
      expect(none.message).toMatch(
        /none of 1 endpoints answers \(http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED\)/,
      );
      const some = await quorumCheck("a", with_([url, closed]), 500);
      expect(some).toMatchObject({
        status: "warn",
        message: expect.stringMatching(/^etcd: 1 of 2/),
      });
      const one = await quorumCheck("a", with_([url]), 500);
      expect(one).toMatchObject({ status: "warn", message: expect.stringMatching(/single point/) });
      const two = await quorumCheck("a", with_([url, url]), 500);
      expect(two).toMatchObject({ status: "ok", message: "etcd: 2 of 2 endpoints answer" });
    } finally {
      await etcd.close();
    }
  }, 60_000);
});
