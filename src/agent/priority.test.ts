import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { getPriority } from "node:os";
import { describe, expect, it } from "vitest";
import { captureLogger } from "../log/capture.test-helpers.js";
import { raisePriority } from "./priority.js";

describe("raisePriority", () => {
  it("sets the nice value it is given and says so (a lower priority is always allowed)", () => {
    const { logger, lines } = captureLogger();
    const target = Math.min(19, getPriority() + 1);
    expect(raisePriority(target, logger)).toBe(target);
    expect(getPriority()).toBe(target);
    expect(lines.at(-1)?.msg).toBe(`scheduling priority: nice ${target}`);
  });

  it("every thread of the process gets it, not only the one that asked (the runtime's GC helpers too)", () => {
    const { logger } = captureLogger();
    const target = Math.min(19, getPriority() + 1);
    raisePriority(target, logger);
    // Read from the kernel's own per-thread record: field 19 of /proc/self/task/<tid>/stat.
    const threads = readdirSync("/proc/self/task").map((tid) => {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
    });
    expect(threads.length).toBeGreaterThan(1);
    expect(new Set(threads)).toEqual(new Set([target]));
  });

  it("a refused raise keeps the current value and says how to grant it", () => {
    // Root may always raise: run the check as "nobody", with no CAP_SYS_NICE.
    const script = `
      import { raisePriority } from ${JSON.stringify(new URL("../../dist/agent/priority.js", import.meta.url).pathname)};
      const lines = [];
      const logger = { info: (_o, m) => lines.push(m), warn: (_o, m) => lines.push(m) };
      console.log(JSON.stringify({ got: raisePriority(-20, logger), lines }));`;
    const r = spawnSync(
      "setpriv",
      [
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        "--inh-caps=-all",
        process.execPath,
        "--input-type=module",
        "-e",
        script,
      ],
      { encoding: "utf8" },
    );
    const out = JSON.parse(r.stdout) as { got: number; lines: string[] };
    expect(out.got).toBe(getPriority());
    expect(out.lines[0]).toMatch(
      /^cannot set scheduling priority to nice -20 \(EACCES\): keeping nice \d+; .* CAP_SYS_NICE \(systemd: Nice=-20\)$/,
    );
  });
});
