import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { probeSchema } from "../config/schema.js";
import { createChecker } from "./index.js";

const ctx = { probeName: "p", hostname: hostname(), timeoutMs: 1000 };

describe("createChecker", () => {
  it.each([
    [{ kind: "disk", maxUsedPercent: 100 }, /^disk \/ is /],
    [{ kind: "load", maxPerCore: 1000 }, /^load /],
    [{ kind: "memory", minAvailablePercent: 0 }, /^memory /],
    [{ kind: "process", pidFile: "/proc/self/stat" }, /^pid file /],
    [{ kind: "command", command: "echo fine" }, /^OK: fine$/],
    [{ kind: "tcp", port: 1 }, /ECONNREFUSED/],
    [{ kind: "http", url: "http://127.0.0.1:1/" }, /ECONNREFUSED/],
    [{ kind: "sql", driver: "postgres", url: "postgres://x@127.0.0.1:1/x" }, /ECONNREFUSED/],
    [{ kind: "file", stamp: "/nonexistent/stamp" }, /^cannot read stamp: ENOENT/],
  ])("dispatches %o", async (input, message) => {
    const checker = createChecker(probeSchema.parse(input), ctx);
    try {
      const result = await checker.check(new AbortController().signal);
      expect(result.message).toMatch(message);
    } finally {
      await checker.close();
    }
  });
});
