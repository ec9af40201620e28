/**
 * The child process of the `file` probe: runs each check with synchronous `fs` calls.
 *
 * A call on a hung NFS mount or a dying disk can block for minutes. In the agent such a call
 * would hold a libuv thread-pool thread (and the async fs, DNS and crypto work queued behind
 * it); here it only blocks this process, which the parent kills when the check times out.
 * Run by `file-watchdog.ts`; not imported by anything.
 */
import { randomBytes } from "node:crypto";
import {
  closeSync,
  fstatSync,
  fsyncSync,
  openSync,
  readFileSync,
  readSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import type { FileCheckReply, FileCheckRequest, StampIdentity } from "./file-protocol.js";

/** A stamp holds one id; reading more would only let a wrong file cost more. */
const STAMP_READ_LIMIT = 4096;

// Fits the 15 characters the kernel keeps as the process name, so `ps` and `pgrep` see it whole.
process.title = "tandem-filechk";

process.on("message", (message: FileCheckRequest) => {
  const reply = runCheck(message);
  process.send?.(reply, (err: Error | null) => {
    if (err) process.exit(1);
  });
});

// The channel closes when the parent exits or is killed: nothing is left to check for.
process.on("disconnect", () => process.exit(0));

function runCheck(request: FileCheckRequest): FileCheckReply {
  const started = performance.now();
  const { id, stamp } = request;
  let identity: StampIdentity;
  try {
    identity = readStamp(stamp);
  } catch (err) {
    return { id, status: "fail", message: `cannot read stamp: ${errorText(err)}` };
  }
  if (request.stampId !== undefined && identity.content !== request.stampId) {
    const found = JSON.stringify(identity.content.slice(0, 80));
    const message = `stamp ${stamp} has id ${found} (expected ${JSON.stringify(request.stampId)})`;
    return { id, status: "fail", message, identity };
  }
  if (!request.write) {
    return { id, status: "ok", message: `stamp ${stamp} ok in ${elapsed(started)} ms`, identity };
  }
  const testFile = join(request.testDir, `.tandem-${request.hostname}`);
  try {
    const problem = writeAndReadBack(testFile);
    if (problem !== undefined) return { id, status: "fail", message: problem, identity };
  } catch (err) {
    return { id, status: "fail", message: `write test failed: ${errorText(err)}`, identity };
  }
  const message = `stamp ${stamp} ok, wrote and read back ${testFile} in ${elapsed(started)} ms`;
  return { id, status: "ok", message, identity };
}

/** Opens first, then fstat: the identity is that of the very file whose content was read. */
function readStamp(path: string): StampIdentity {
  const fd = openSync(path, "r");
  try {
    const stat = fstatSync(fd, { bigint: true });
    const buffer = Buffer.alloc(STAMP_READ_LIMIT);
    const length = readSync(fd, buffer, 0, STAMP_READ_LIMIT, 0);
    return {
      content: buffer.subarray(0, length).toString("utf8").trim(),
      dev: stat.dev.toString(),
      ino: stat.ino.toString(),
    };
  } finally {
    closeSync(fd);
  }
}

/** Writes a fresh nonce durably and reads it back; returns what went wrong, if anything. */
function writeAndReadBack(path: string): string | undefined {
  const nonce = randomBytes(16).toString("hex");
  const fd = openSync(path, "w", 0o644);
  try {
    writeSync(fd, nonce);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  const back = readFileSync(path, "utf8");
  if (back === nonce) return undefined;
  return `test file ${path} read back ${JSON.stringify(back.slice(0, 40))} instead of the nonce just written`;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
