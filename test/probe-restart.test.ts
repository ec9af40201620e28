/**
 * Restart in place before failover, on a real pair: the active node's critical `svc` probe
 * watches a small real TCP server; the server is killed; the probe's restart command (an
 * argument list, no shell) starts it again. One restart that brings it back fails nothing
 * over; a server that keeps dying is restarted `attempts` times, then the pair fails over.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useCleanups } from "./helpers/cleanups.js";
import { type Pair, startPair } from "./helpers/pair.js";
import { freePort, runTandem, tempDir, waitFor, writeFile } from "./helpers/processes.js";

const cleanups = useCleanups();

/**
 * `node svc.mjs start PORT PIDFILE LIFE_MS GATE`: waits until the file GATE exists (`-`: does
 * not wait), starts the server in the background (detached) and exits; the server listens on
 * PORT, writes PIDFILE, and dies after LIFE_MS (0: never).
 */
const SERVICE = `
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { existsSync, writeFileSync } from "node:fs";
const [mode, port, pidFile, life, gate] = process.argv.slice(2);
if (mode === "start") {
  const go = () => {
    if (gate !== "-" && !existsSync(gate)) return setTimeout(go, 50);
    spawn(process.execPath, [process.argv[1], "run", port, pidFile, life, "-"], {
      detached: true,
      stdio: "ignore",
    }).unref();
  };
  go();
} else {
  createServer((s) => s.end()).listen(Number(port), "127.0.0.1", () =>
    writeFileSync(pidFile, String(process.pid)),
  );
  if (Number(life) > 0) setTimeout(() => process.exit(1), Number(life));
}
`;

interface Service {
  port: number;
  /** The running server's pid. */
  pid(): number;
  /** A file whose creation lets a waiting restart command go on. */
  gate: string;
  /** The restart command: starts the server once `gate` exists (`-`: at once), living `lifeMs` (0: forever). */
  command(lifeMs: number, gate: string): string;
}

async function service(dir: string): Promise<Service> {
  const script = writeFile(dir, "svc.mjs", SERVICE);
  const port = await freePort();
  const pidFile = join(dir, "svc.pid");
  const svc: Service = {
    port,
    pid: () => Number(readFileSync(pidFile, "utf8")),
    gate: join(dir, "go"),
    command: (lifeMs, gate) =>
      JSON.stringify([process.execPath, script, "start", port, pidFile, lifeMs, gate].map(String)),
  };
  cleanups.push(() => {
    try {
      process.kill(svc.pid(), "SIGKILL");
    } catch {
      // Already gone.
    }
  });
  return svc;
}

async function startService(svc: Service): Promise<void> {
  const before = (() => {
    try {
      return svc.pid();
    } catch {
      return 0;
    }
  })();
  const [file = "", ...args] = JSON.parse(svc.command(0, "-")) as string[];
  const { spawnSync } = await import("node:child_process");
  spawnSync(file, args);
  await waitFor(
    () => {
      try {
        return svc.pid() !== before;
      } catch {
        return false;
      }
    },
    5000,
    "the service listening",
  );
}

async function restartsMetric(p: Pair): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${p.ports.a}/metrics`);
  return (await res.text())
    .split("\n")
    .filter((l) => l.startsWith("tandem_probe_restarts_total"))
    .join("\n");
}

/** A pair whose node a has the critical `svc` probe with the given restart settings. */
async function pairWithService(
  restart: (svc: Service) => string,
): Promise<{ p: Pair; svc: Service }> {
  const { dir, remove } = tempDir("tandem-restart-");
  cleanups.push(remove);
  const svc = await service(dir);
  await startService(svc);
  const p = await startPair({
    probes: (name) =>
      name === "a"
        ? `  svc: { kind: tcp, port: ${svc.port}, interval: 100ms, timeout: 300ms, fall: 2, rise: 1, restart: ${restart(svc)} }\n`
        : "",
  });
  cleanups.push(() => p.close());
  await p.startBoth();
  return { p, svc };
}

const messages = (p: Pair, event: string): string[] =>
  p
    .log("a")
    .filter((l) => l.event === event)
    .map((l) => String(l.msg));

describe("restart in place before failover", () => {
  it("restarts a dead service, shows it in status and metrics, and fails nothing over", async () => {
    const { p, svc } = await pairWithService(
      (s) => `{ command: ${s.command(0, s.gate)}, attempts: 3, within: 1m, grace: 3s }`,
    );
    const term = await p.settled();
    const oldPid = svc.pid();
    process.kill(oldPid, "SIGKILL");

    // While the command runs (it waits for the gate file before starting the server),
    // `tandem status` shows the restart and the node still serves.
    await waitFor(
      async () => {
        const res = await fetch(`http://127.0.0.1:${p.ports.a}/v1/status`);
        const doc = (await res.json()) as {
          probes: Array<{ name: string; restart?: { phase: string } | null }>;
        };
        return doc.probes.find((x) => x.name === "svc")?.restart?.phase === "restarting";
      },
      5000,
      "the restart running",
    );
    const status = await runTandem(["status", "--url", `http://127.0.0.1:${p.ports.a}`]);
    expect(status.stdout, p.dump()).toMatch(/svc\s+tcp\s+critical\s+restarting 1\/3/);
    expect((await p.role("a")).status).toBe(200);
    writeFileSync(svc.gate, "");

    await waitFor(
      () => messages(p, "probe_restart_result").some((m) => m.includes("is up again")),
      10_000,
      "the service back",
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${p.dump()}`);
    });
    expect(svc.pid()).not.toBe(oldPid);
    const restarts = messages(p, "probe_restart");
    expect(restarts, p.dump()).toHaveLength(1);
    expect(restarts[0]).toMatch(
      /^restarting "svc" \(1\/3\): down: connect ECONNREFUSED 127\.0\.0\.1:\d+; running /,
    );
    expect(messages(p, "probe_restart_result")).toEqual([
      'resource "svc" is up again after its restart 1/3',
    ]);
    // No failover: a serves in the same term, b stayed STANDBY throughout.
    expect((await p.role("a")).status).toBe(200);
    const b = await p.status("b");
    expect(b.node.mode).toBe("STANDBY");
    expect(b.cluster.term).toBe(term);
    expect(p.log("b").filter((l) => / → ACTIVE: /.test(String(l.msg)))).toEqual([]);
    expect(await restartsMetric(p)).toContain('tandem_probe_restarts_total{probe="svc"} 1');
  }, 60_000);

  it("after `attempts` restarts that do not hold, lets the failure count: b takes over", async () => {
    const { p, svc } = await pairWithService(
      (s) => `{ command: ${s.command(800, "-")}, attempts: 2, within: 1m, grace: 3s }`,
    );
    await p.settled();
    process.kill(svc.pid(), "SIGKILL");

    await waitFor(async () => (await p.role("b")).status === 200, 20_000, "b ACTIVE").catch(
      (err: Error) => {
        throw new Error(`${err.message}\n${p.dump()}`);
      },
    );
    expect((await p.role("a")).status).toBe(503);
    const restarts = messages(p, "probe_restart");
    expect(
      restarts.map((m) => /\((\d\/\d)\)/.exec(m)?.[1]),
      p.dump(),
    ).toEqual(["1/2", "2/2"]);
    expect(messages(p, "probe_restart_result").at(-1), p.dump()).toMatch(
      /^resource "svc" failed again after 2 restarts within 1 min: no more restarts, its failure counts now/,
    );
    expect(await restartsMetric(p)).toContain('tandem_probe_restarts_total{probe="svc"} 2');
  }, 60_000);
});
