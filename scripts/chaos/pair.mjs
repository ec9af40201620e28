// The pair under test: two real agent processes on loopback, each preloaded with the
// clock-offset hook (its own wall clock, steppable), each reached by its peer and the CLI
// through a FaultProxy, each with a SIP responder. Ports are free ports, files live in a
// temp dir.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "../../bench/lib.mjs";
import { FaultProxy } from "./proxy.mjs";

/** The repository root. */
export const ROOT = new URL("../..", import.meta.url).pathname;
const CLOCK_HOOK = join(ROOT, "scripts/clock-offset.mjs");
const TANDEM = join(ROOT, "bin/tandem.js");
const SECRET = "chaos-suite-secret-0123456789abcdef";
/** The two nodes; a has rank 1. */
export const NODES = ["a", "b"];

function configText(dir, name, ports, quorumUrl, profile) {
  const quorum = quorumUrl ? `  quorum: { kind: etcd, endpoints: ["${quorumUrl}"] }\n` : "";
  return `node: { name: ${name}, stateDir: ${join(dir, `state-${name}`)} }
api: { listen: "127.0.0.1:${ports.api[name]}" }
log: { file: ${join(dir, `${name}.log`)} }
sip:
  listeners:
    - { address: 127.0.0.1, port: ${ports.sip[name]}, transports: [udp] }
probes:
  mem: { kind: memory, minAvailablePercent: 0, interval: 1s, timeout: 800ms, fall: 3, rise: 2 }
cluster:
  secret: ${SECRET}
  profile: ${profile}
${quorum}  nodes:
    - { name: a, rank: 1, api: "http://127.0.0.1:${ports.proxy.a}" }
    - { name: b, rank: 2, api: "http://127.0.0.1:${ports.proxy.b}" }
`;
}

/**
 * Writes both configs and starts the proxies; agents start with `start(name)`.
 * `onExit(name, code, signal, expected)` hears of every agent exit.
 */
export async function createPair({ dir, quorumUrl, profile = "fast", onExit }) {
  const ports = {
    api: { a: await freePort(), b: await freePort() },
    sip: { a: await freePort(), b: await freePort() },
    proxy: {},
  };
  const proxies = {};
  for (const n of NODES) {
    proxies[n] = new FaultProxy(ports.api[n]);
    ports.proxy[n] = await proxies[n].listen();
  }
  const config = {};
  const offsetFile = {};
  for (const n of NODES) {
    config[n] = join(dir, `${n}.yaml`);
    writeFileSync(config[n], configText(dir, n, ports, quorumUrl, profile));
    offsetFile[n] = join(dir, `${n}.clock-offset`);
    writeFileSync(offsetFile[n], "0\n");
  }
  const children = {};
  const expectedExit = new Set();
  const stderr = { a: "", b: "" };

  const pair = {
    dir,
    ports,
    proxies,
    config,
    /** Starts node `name`'s agent (if it is not running). */
    start(name) {
      if (children[name]) return;
      const child = spawn(
        process.execPath,
        ["--import", CLOCK_HOOK, TANDEM, "agent", "--config", config[name]],
        {
          cwd: ROOT,
          env: { ...process.env, NO_COLOR: "1", TANDEM_CLOCK_OFFSET_FILE: offsetFile[name] },
          stdio: ["ignore", "ignore", "pipe"],
        },
      );
      child.stderr.on("data", (d) => {
        stderr[name] = (stderr[name] + d.toString()).slice(-4000);
      });
      children[name] = child;
      child.on("exit", (code, signal) => {
        if (children[name] === child) delete children[name];
        const expected = expectedExit.delete(child);
        onExit?.(name, code, signal, expected);
      });
    },
    running: (name) => Boolean(children[name]),
    /** SIGKILLs node `name` and waits for the process to end. */
    async kill(name) {
      const child = children[name];
      if (!child) return;
      expectedExit.add(child);
      const gone = new Promise((r) => child.once("exit", r));
      child.kill("SIGCONT"); // a stopped process dies on SIGKILL too, but resume keeps it simple
      child.kill("SIGKILL");
      await gone;
    },
    /** Sends SIGSTOP or SIGCONT. */
    signal(name, sig) {
      children[name]?.kill(sig);
    },
    /** Steps node `name`'s wall clock to `offsetMs` from the machine's. */
    setClockOffset(name, offsetMs) {
      writeFileSync(offsetFile[name], `${offsetMs}\n`);
    },
    /** Runs `tandem ARGS --config a.yaml --json`; resolves with exit code and output. */
    cli(args, timeoutMs = 120_000) {
      return new Promise((resolve) => {
        const child = spawn(process.execPath, [TANDEM, ...args, "--config", config.a], {
          cwd: ROOT,
          env: { ...process.env, NO_COLOR: "1" },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        child.stdout.on("data", (d) => {
          out += d;
        });
        child.stderr.on("data", (d) => {
          out += d;
        });
        const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
        child.on("exit", (code) => {
          clearTimeout(timer);
          resolve({ code, out: out.trim() });
        });
      });
    },
    /** The last stderr of node `name` (for a crash report). */
    stderr: (name) => stderr[name],
    /** The agent's JSON log lines. */
    log(name) {
      try {
        return readFileSync(join(dir, `${name}.log`), "utf8")
          .split("\n")
          .filter(Boolean)
          .map((l) => {
            try {
              return JSON.parse(l);
            } catch {
              return {};
            }
          });
      } catch {
        return [];
      }
    },
    /** Kills both agents and closes the proxies. */
    async close() {
      await Promise.all(NODES.map((n) => pair.kill(n)));
      for (const n of NODES) await proxies[n].close();
    },
  };
  return pair;
}
