// Shared by the failover benchmarks: a `fast` pair of agents on free loopback ports, its role
// URL, a one-member etcd, and percentiles.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, until } from "./lib.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const SECRET = "bench-failover-secret-0123456789";
const ETCD = "/usr/bin/etcd";

/** Whether etcd is installed. */
export const hasEtcd = () => existsSync(ETCD);

/**
 * Writes a.yaml and b.yaml for a `fast` pair in `dir`; `extra` is more of the cluster section
 * (indented by two spaces), the same for both nodes or a function of the node's name.
 */
export function writeConfigs(dir, ports, peerUrls, extra = "") {
  for (const name of ["a", "b"]) {
    writeFileSync(
      join(dir, `${name}.yaml`),
      `node: { name: ${name}, stateDir: ${join(dir, `state-${name}`)} }
api: { listen: "127.0.0.1:${ports[name]}" }
log: { file: ${join(dir, `${name}.log`)} }
probes:
  mem: { kind: memory, minAvailablePercent: 0, interval: 1s, timeout: 500ms }
cluster:
  secret: ${SECRET}
  profile: fast
${typeof extra === "function" ? extra(name) : extra}  nodes:
    - { name: a, rank: 1, api: "${peerUrls.a}" }
    - { name: b, rank: 2, api: "${peerUrls.b}" }
`,
    );
  }
}

/** Starts the agent of node `name` from `dir`. */
export function startAgent(dir, name) {
  return spawn(
    process.execPath,
    [join(root, "bin/tandem.js"), "agent", "--config", join(dir, `${name}.yaml`)],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
}

/**
 * Starts a, waits until it serves, then b, and waits until b stands by (up to 60 s each): b
 * always joins a serving a, however slowly the machine starts processes. Kills both when
 * either does not come up. `kill()` ends both (a stopped one too).
 */
export async function startPairInOrder(dir, ports) {
  const a = startAgent(dir, "a");
  let b = null;
  const kill = () => {
    a.kill("SIGCONT");
    a.kill("SIGKILL");
    b?.kill("SIGKILL");
  };
  try {
    await until(async () => (await role(ports.a)) === 200, 60_000, "a ACTIVE", 5);
    b = startAgent(dir, "b");
    await until(async () => (await role(ports.b)) === 503, 60_000, "b STANDBY", 5);
  } catch (err) {
    kill();
    throw err;
  }
  return { a, b, kill };
}

/** The status code of /monitor/role on `port` (0 when nothing answers in time). */
export async function role(port, timeoutMs = 200) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/monitor/role`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel();
    return res.status;
  } catch {
    return 0;
  }
}

/** The p-th percentile of an ascending array. */
export const pct = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** Starts a one-member etcd on free ports; returns its endpoint and a stop function. */
export async function startEtcd() {
  const dir = mkdtempSync(join(tmpdir(), "tandem-bench-etcd-"));
  const [client, peer] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${client}`;
  const child = spawn(
    ETCD,
    [
      ...["--data-dir", join(dir, "data"), "--listen-client-urls", url],
      ...["--advertise-client-urls", url, "--listen-peer-urls", `http://127.0.0.1:${peer}`],
      ...["--initial-advertise-peer-urls", `http://127.0.0.1:${peer}`],
      ...["--initial-cluster", `default=http://127.0.0.1:${peer}`, "--log-level", "error"],
    ],
    { stdio: "ignore" },
  );
  await until(
    async () =>
      (
        await fetch(`${url}/v3/kv/range`, {
          method: "POST",
          body: JSON.stringify({ key: "eA==" }),
          signal: AbortSignal.timeout(1000),
        })
      ).ok,
    20_000,
    "etcd",
  );
  return {
    url,
    stop() {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Median, p90, p99 and max of `times` (ms) as seconds with three decimals. */
export function summary(times) {
  const sorted = [...times].sort((x, y) => x - y);
  const s = (ms) => (ms / 1000).toFixed(3);
  return {
    median: s(pct(sorted, 50)),
    p90: s(pct(sorted, 90)),
    p99: s(pct(sorted, 99)),
    max: s(sorted.at(-1)),
    medianMs: pct(sorted, 50),
  };
}
