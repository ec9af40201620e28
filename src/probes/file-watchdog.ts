/**
 * The watchdog of the `file` probe: keeps one long-lived child process that runs the file
 * checks, and kills it when a check is aborted (a hung mount), so the agent's own event loop
 * and thread pool never wait on the file system.
 */
import { type ChildProcess, fork } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { FileCheckReply, FileCheckRequest } from "./file-protocol.js";

/** Runs file checks in a child process. */
export interface FileCheckRunner {
  /**
   * Runs one check in the child, forking it first if needed. Never rejects: an abort, a child
   * that died or one that is still hung all resolve as a `fail` reply.
   */
  run(request: Omit<FileCheckRequest, "id">, signal: AbortSignal): Promise<FileCheckReply>;
  /** Kills the child; waits briefly for it to exit. Idempotent. */
  close(): Promise<void>;
}

/** How long `close()` waits for a killed child to be reaped. */
const CLOSE_WAIT_MS = 1000;

interface Pending {
  child: ChildProcess;
  resolve: (reply: FileCheckReply) => void;
}

/**
 * Creates a runner whose child is forked on first use and replaced after it is killed.
 *
 * A killed child may not die at once: a process blocked in the kernel on a hard NFS mount
 * ignores even SIGKILL until the call returns. Such a child is remembered until it exits, and
 * while it lives every check fails at once rather than piling up one more stuck process per
 * check.
 *
 * @example
 * ```ts
 * const runner = createFileCheckRunner();
 * const reply = await runner.run({ stamp: "/mnt/rec/.tandem-stamp", testDir: "/mnt/rec", write: true, hostname: "pbx1" }, signal);
 * await runner.close();
 * ```
 */
export function createFileCheckRunner(): FileCheckRunner {
  let child: ChildProcess | undefined;
  let hung: ChildProcess | undefined;
  let closed = false;
  let nextId = 1;
  const pending = new Map<number, Pending>();

  const settleAll = (of: ChildProcess, message: string): void => {
    for (const [id, p] of pending) {
      if (p.child !== of) continue;
      pending.delete(id);
      p.resolve({ id, status: "fail", message });
    }
    holdLoop(of);
  };

  // While a reply is awaited the channel keeps the agent alive; idle, it must not.
  const holdLoop = (of: ChildProcess): void => {
    const waiting = [...pending.values()].some((p) => p.child === of);
    if (waiting) of.channel?.ref();
    else of.channel?.unref();
  };

  const spawnChild = (script: string): ChildProcess => {
    const spawned = fork(script, [], {
      // The parent's flags (inspector, loaders, vitest's) are no business of the child.
      execArgv: [],
      stdio: ["ignore", "ignore", "inherit", "ipc"],
      serialization: "json",
    });
    spawned.unref();
    spawned.on("message", (message: FileCheckReply) => {
      const p = pending.get(message.id);
      if (p === undefined) return;
      pending.delete(message.id);
      holdLoop(spawned);
      p.resolve(message);
    });
    spawned.on("error", (err) => {
      if (child === spawned) child = undefined;
      settleAll(spawned, `file-check child failed: ${err.message}`);
    });
    spawned.once("exit", (code, signal) => {
      if (child === spawned) child = undefined;
      if (hung === spawned) hung = undefined;
      const how = signal === null ? `with code ${code}` : `by ${signal}`;
      settleAll(spawned, `file-check child (pid ${spawned.pid}) exited ${how}`);
    });
    return spawned;
  };

  const run = (
    request: Omit<FileCheckRequest, "id">,
    signal: AbortSignal,
  ): Promise<FileCheckReply> => {
    const id = nextId++;
    const failed = (message: string): Promise<FileCheckReply> =>
      Promise.resolve({ id, status: "fail", message });
    if (closed) return failed("file probe is closed");
    if (hung !== undefined) return failed(`previous check still hung (pid ${hung.pid})`);
    if (signal.aborted) return failed("aborted");
    if (child === undefined) {
      const script = childScript();
      // A local file of the agent's own install, checked only when forking: safe to stat here.
      if (!existsSync(script)) {
        return failed(`file-check child script missing: ${script} (run "npm run build")`);
      }
      child = spawnChild(script);
    }
    const current = child;
    return new Promise<FileCheckReply>((resolve) => {
      const stop = (): void => {
        if (!pending.delete(id)) return;
        kill(current);
        resolve({
          id,
          status: "fail",
          message: `check did not finish (stamp ${request.stamp}); killed file-check child (pid ${current.pid})`,
        });
      };
      pending.set(id, {
        child: current,
        resolve: (reply) => {
          signal.removeEventListener("abort", stop);
          resolve(reply);
        },
      });
      signal.addEventListener("abort", stop, { once: true });
      holdLoop(current);
      current.send({ id, ...request } satisfies FileCheckRequest, (err) => {
        if (err) settleAll(current, `cannot send to file-check child: ${err.message}`);
      });
    });
  };

  const kill = (target: ChildProcess): void => {
    if (child === target) child = undefined;
    if (target.exitCode === null && target.signalCode === null) {
      hung = target;
      target.kill("SIGKILL");
    }
    settleAll(target, `file-check child (pid ${target.pid}) was killed`);
  };

  const close = async (): Promise<void> => {
    closed = true;
    const targets = [child, hung].filter((c): c is ChildProcess => c !== undefined);
    for (const target of targets) kill(target);
    await Promise.all(targets.map(waitForExit));
  };

  return { run, close };
}

function waitForExit(target: ChildProcess): Promise<void> {
  if (target.exitCode !== null || target.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, CLOSE_WAIT_MS);
    timer.unref();
    target.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * The child's script. Compiled, it sits beside this module in `dist/probes/`. Run from the
 * TypeScript sources (vitest), it cannot be forked as `.ts`: Node 20 has no type stripping,
 * and vitest transforms only modules loaded into its own process, never a forked one. So from
 * sources we fork the compiled twin in `dist/probes/`, which the test global setup builds
 * before every run. A loader hook or an inlined script would avoid the build, at the price of
 * shipping test-only machinery or code that the type checker and linter never see.
 */
function childScript(): string {
  const here = import.meta.url;
  const script = here.endsWith(".ts")
    ? new URL("../../dist/probes/file-check-child.js", here)
    : new URL("./file-check-child.js", here);
  return fileURLToPath(script);
}
