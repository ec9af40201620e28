/**
 * Capped capture of a command's output. The pipes are read to the end even past the cap, so a
 * chatty hook never blocks on a full pipe and runs into its timeout.
 */
import type { ChildProcess } from "node:child_process";
import { StringDecoder } from "node:string_decoder";

/**
 * Starts collecting `child`'s standard output and error, each up to `limitBytes`, and returns a
 * function that gives the text so far: both streams in the order they arrived, with a note for
 * each stream that was cut.
 *
 * @example
 * ```ts
 * const output = captureOutput(child, 16_384);
 * child.on("close", () => log.info({ output: output() }, "hook ran"));
 * ```
 */
export function captureOutput(child: ChildProcess, limitBytes: number): () => string {
  const parts: string[] = [];
  const cut: string[] = [];
  for (const name of ["stdout", "stderr"] as const) {
    // One decoder per stream: a character split between two chunks is joined again.
    const decoder = new StringDecoder("utf8");
    let kept = 0;
    child[name]?.on("data", (chunk: Buffer) => {
      const room = limitBytes - kept;
      if (chunk.length > room && !cut.includes(name)) cut.push(name);
      if (room <= 0) return;
      const part = chunk.subarray(0, room);
      kept += part.length;
      parts.push(decoder.write(part));
    });
  }
  return () =>
    parts.join("") + cut.map((name) => `\n[${name} cut at ${limitBytes} bytes]`).join("");
}
