/**
 * Test helpers: `tandem report` run in this process, as a user runs it, with what it printed.
 */
import { Command } from "commander";
import { vi } from "vitest";
import { registerReport } from "../cli/commands/report.js";

/**
 * What `tandem report …args` printed on stdout.
 *
 * @example
 * ```ts
 * const csv = await reportStdout(["queues", "--source", "file:/tmp/queue_log", "--format", "csv"]);
 * ```
 */
export async function reportStdout(args: string[]): Promise<string> {
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((s) => {
    out.push(String(s));
    return true;
  });
  try {
    const program = new Command().exitOverride();
    registerReport(program);
    await program.parseAsync(["report", ...args], { from: "user" });
  } finally {
    spy.mockRestore();
  }
  return out.join("");
}
