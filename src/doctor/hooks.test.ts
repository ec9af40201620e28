import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { hooksSchema } from "../hooks/schema.js";
import { hooksCheck, programOf } from "./hooks.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("hook programs", () => {
  it("takes the program a hook starts", () => {
    expect(programOf("/etc/tandem/vip-up eth0")).toBe("/etc/tandem/vip-up");
    expect(programOf("LANG=C ip addr add 10.0.0.5/24 dev eth0")).toBe("ip");
    expect(programOf(["asterisk", "-rx", "queue show"])).toBe("asterisk");
    expect(programOf('echo "$TANDEM_NODE" >> /tmp/x')).toBeNull();
  });

  it("FAILs a missing or non-executable program, OKs one on PATH or by path", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tandem-hooks-"));
    dirs.push(dir);
    const script = join(dir, "vip-up");
    writeFileSync(script, "#!/bin/sh\nexit 0\n");
    chmodSync(script, 0o644);
    const hooks = hooksSchema.parse({
      active: [{ command: `${script} eth0` }, { command: ["sh", "-c", "true"] }],
      standby: [{ url: "http://127.0.0.1:1/hook" }],
    });
    const before = await hooksCheck("a", hooks);
    expect(before.status).toBe("fail");
    expect(before.message).toBe(`hook "active" #1: "${script}" is not an executable file`);
    chmodSync(script, 0o755);
    expect(await hooksCheck("a", hooks)).toMatchObject({
      status: "ok",
      message: "2 command hooks can start, 1 webhook (not called)",
      fix: "",
    });
  });
});
