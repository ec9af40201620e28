import { describe, expect, it } from "vitest";
import { createDiskChecker } from "./disk.js";

const ctx = { probeName: "disk", hostname: "test", timeoutMs: 1000 };
const check = (path: string, maxUsedPercent: number) =>
  createDiskChecker({ kind: "disk", path, maxUsedPercent }, ctx).check(
    new AbortController().signal,
  );

describe("disk probe", () => {
  it("passes below the threshold", async () => {
    const result = await check("/", 100);
    expect(result.status).toBe("ok");
    expect(result.message).toMatch(/^disk \/ is \d+\.\d% used \(max 100%\)$/);
  });

  it("fails above the threshold", async () => {
    const result = await check("/", 0);
    expect(result.status).toBe("fail");
    expect(result.message).toMatch(/^disk \/ is \d+\.\d% used \(max 0%\)$/);
  });

  it("fails on a path that does not exist", async () => {
    expect(await check("/no/such/dir", 90)).toEqual({
      status: "fail",
      message: "ENOENT: no such file or directory, statfs '/no/such/dir'",
    });
  });
});
