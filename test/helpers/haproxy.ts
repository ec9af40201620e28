/**
 * A real HAProxy (Debian's package) in the foreground on loopback, running the backend of
 * `docs/integrations/haproxy.md` exactly as printed there except for addresses and ports,
 * behind a minimal `global`/`defaults` section.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { freePort, ROOT, waitFor, writeFile } from "./processes.js";

/** Where Debian installs HAProxy. */
export const HAPROXY = "/usr/sbin/haproxy";

/** A server of the recipe's backend, on loopback. */
export interface BalancedNode {
  /** The `server` name in the recipe (a or b). */
  name: string;
  /** Port of the node's service. */
  port: number;
  /** Port of the node's agent API (where the health check goes). */
  checkPort: number;
}

/** The ```haproxy block of the recipe. */
export function recipeConfig(): string {
  const doc = readFileSync(join(ROOT, "docs/integrations/haproxy.md"), "utf8");
  const block = /```haproxy\n([\s\S]*?)\n```/.exec(doc)?.[1];
  if (!block) throw new Error("docs/integrations/haproxy.md has no ```haproxy block");
  return `${block}\n`;
}

const PREAMBLE = `global
    log stdout format raw local0 info
    maxconn 256

defaults
    mode http
    log global
    timeout connect 2s
    timeout client 10s
    timeout server 10s

`;

/** A running HAProxy. */
export interface Haproxy {
  /** The frontend's port on 127.0.0.1. */
  port: number;
  child: ChildProcess;
  /** Its log so far (server state changes). */
  output(): string;
  stop(): Promise<void>;
}

/** Writes the configuration into `dir`, starts HAProxy and waits until the frontend listens. */
export async function startHaproxy(nodes: BalancedNode[], dir: string): Promise<Haproxy> {
  const port = await freePort();
  let config = recipeConfig().replace(/^(\s*bind )\S+$/m, (_, bind) => `${bind}127.0.0.1:${port}`);
  for (const n of nodes) {
    const line = new RegExp(`^(\\s*server ${n.name} )\\S+( .*check port )\\d+(.*)$`, "m");
    if (!line.test(config)) throw new Error(`the recipe has no "server ${n.name}" line`);
    config = config.replace(
      line,
      (_, server, check, rest) => `${server}127.0.0.1:${n.port}${check}${n.checkPort}${rest}`,
    );
  }
  const cfg = writeFile(dir, "haproxy.cfg", PREAMBLE + config);
  // -db: stay in the foreground, one process.
  const child = spawn(HAPROXY, ["-db", "-f", cfg], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const keep = (d: Buffer) => {
    log = (log + d.toString("utf8")).slice(-100_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => {
    child.on("exit", () => resolve());
    child.on("error", (err) => {
      log += `\n${String(err)}`;
      resolve();
    });
  });
  const haproxy: Haproxy = {
    port,
    child,
    output: () => log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
  try {
    await waitFor(
      () =>
        new Promise<boolean>((resolve) => {
          const socket = connect(port, "127.0.0.1");
          socket.once("connect", () => {
            socket.destroy();
            resolve(true);
          });
          socket.once("error", () => resolve(false));
        }),
      10_000,
      "haproxy listening",
    );
  } catch (err) {
    await haproxy.stop();
    throw new Error(`${String(err)}\n${log}`);
  }
  return haproxy;
}
