/**
 * A real Kamailio (Debian's package) in the foreground on loopback, running the dispatcher
 * configuration of `docs/integrations/kamailio.md` exactly as printed there: only its two
 * `#!substdef` values (listen address, destination list) are changed, and the destination
 * list is written for the test's nodes.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, ROOT, waitFor, writeFile } from "./processes.js";
import { sipOptions } from "./sip.js";
import { freeSipPort } from "./sipp.js";

/** Where Debian installs Kamailio. */
export const KAMAILIO = "/usr/sbin/kamailio";

/** A node as the dispatcher sees it. */
export interface DispatchedNode {
  name: string;
  /** Port of the node's SIP availability responder on 127.0.0.1 (UDP). */
  responderPort: number;
  /** Port of the node's PBX on 127.0.0.1 (UDP). */
  pbxPort: number;
  /** Higher first. */
  priority: number;
}

/** The `kamailio.cfg` block of the recipe. */
export function recipeConfig(): string {
  const doc = readFileSync(join(ROOT, "docs/integrations/kamailio.md"), "utf8");
  const block = /```kamailio\n([\s\S]*?)\n```/.exec(doc)?.[1];
  if (!block) throw new Error("docs/integrations/kamailio.md has no ```kamailio block");
  return `${block}\n`;
}

/** The destination list for `nodes`, in the recipe's layout. */
export function destinationList(nodes: DispatchedNode[]): string {
  const line = (set: number, flags: number, n: DispatchedNode) =>
    `${set} sip:127.0.0.1:${n.responderPort} ${flags} ${n.priority} node=${n.name};pbx=sip:127.0.0.1:${n.pbxPort}`;
  return `${[...nodes.map((n) => line(1, 8, n)), ...nodes.map((n) => line(2, 0, n))].join("\n")}\n`;
}

/** A running Kamailio. */
export interface Kamailio {
  /** Its UDP port on 127.0.0.1. */
  port: number;
  /** Its JSON-RPC URL (`jsonrpcs` over `xhttp`). */
  rpcUrl: string;
  child: ChildProcess;
  /** Its log so far (stderr). */
  output(): string;
  /** Kills it and every process it forked. */
  stop(): Promise<void>;
}

/**
 * Writes the configuration and destination list into `dir`, starts Kamailio and waits until
 * it answers OPTIONS.
 */
export async function startKamailio(
  nodes: DispatchedNode[],
  dir: string,
  options: { rpcPort?: number } = {},
): Promise<Kamailio> {
  const port = await freeSipPort();
  const rpcPort = options.rpcPort ?? (await freePort());
  const list = writeFile(dir, "dispatcher.list", destinationList(nodes));
  const config = recipeConfig()
    .replace(
      /^#!substdef "!PROXY_LISTEN!.*$/m,
      `#!substdef "!PROXY_LISTEN!udp:127.0.0.1:${port}!g"`,
    )
    .replace(/^#!substdef "!DISPATCHER_LIST!.*$/m, `#!substdef "!DISPATCHER_LIST!${list}!g"`)
    .replace(
      /^#!substdef "!RPC_LISTEN!.*$/m,
      `#!substdef "!RPC_LISTEN!tcp:127.0.0.1:${rpcPort}!g"`,
    );
  const cfg = writeFile(dir, "kamailio.cfg", config);
  // -DD: stay in the foreground (still forking workers); -E: log to stderr; -Y: runtime
  // directory, so nothing is needed under /run. Its own process group lets stop() reach the
  // workers too.
  const child = spawn(
    KAMAILIO,
    ["-DD", "-E", "-f", cfg, "-Y", dir, "-P", join(dir, "kamailio.pid"), "-m", "64", "-M", "8"],
    { cwd: dir, stdio: ["ignore", "ignore", "pipe"], detached: true },
  );
  let log = "";
  child.stderr?.on("data", (d: Buffer) => {
    log = (log + d.toString("latin1")).slice(-200_000);
  });
  const exited = new Promise<void>((resolve) => {
    child.on("exit", () => resolve());
    child.on("error", (err) => {
      log += `\n${String(err)}`;
      resolve();
    });
  });
  const kamailio: Kamailio = {
    port,
    rpcUrl: `http://127.0.0.1:${rpcPort}/RPC`,
    child,
    output: () => log,
    async stop() {
      // SIGTERM lets Kamailio end its workers itself; whatever is left of the group is killed.
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // The whole group is gone.
        }
      }
      await exited;
    },
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`kamailio exited:\n${log}`);
        return (await sipOptions(port, 300)) === 200;
      },
      10_000,
      "kamailio answering OPTIONS",
    );
  } catch (err) {
    await kamailio.stop();
    throw new Error(`${String(err)}\n${log.slice(-5000)}`);
  }
  return kamailio;
}

/**
 * The flags (`AP`, `IP`, …) of each destination of one dispatcher set, by URI, from
 * `dispatcher.list` over Kamailio's JSON-RPC.
 */
export async function dispatcherFlags(
  kamailio: Kamailio,
  setid: number,
): Promise<Record<string, string>> {
  const res = await fetch(kamailio.rpcUrl, {
    method: "POST",
    body: JSON.stringify({ jsonrpc: "2.0", method: "dispatcher.list", id: 1 }),
    signal: AbortSignal.timeout(2000),
  });
  const body = (await res.json()) as {
    result: {
      RECORDS: Array<{
        SET: { ID: number; TARGETS: Array<{ DEST: { URI: string; FLAGS: string } }> };
      }>;
    };
  };
  const set = body.result.RECORDS.find((r) => r.SET.ID === setid)?.SET;
  return Object.fromEntries((set?.TARGETS ?? []).map((t) => [t.DEST.URI, t.DEST.FLAGS]));
}
