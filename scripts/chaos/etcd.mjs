// A one-member etcd for `--quorum`: Debian's /usr/bin/etcd on free loopback ports, its data in
// the run's temp dir.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { exited, freePort, until } from "../../bench/lib.mjs";

/** Where Debian's etcd-server package installs etcd. */
export const ETCD = "/usr/bin/etcd";

/** Starts etcd; resolves with its client URL and a stop function once it answers /health. */
export async function startEtcd(dir) {
  const client = await freePort();
  const peer = await freePort();
  const clientUrl = `http://127.0.0.1:${client}`;
  const peerUrl = `http://127.0.0.1:${peer}`;
  let output = "";
  const child = spawn(
    ETCD,
    [
      "--name",
      "chaos",
      "--data-dir",
      join(dir, "etcd"),
      "--listen-client-urls",
      clientUrl,
      "--advertise-client-urls",
      clientUrl,
      "--listen-peer-urls",
      peerUrl,
      "--initial-advertise-peer-urls",
      peerUrl,
      "--initial-cluster",
      `chaos=${peerUrl}`,
      "--log-level",
      "error",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  child.stderr.on("data", (d) => {
    output = (output + d).slice(-2000);
  });
  const stop = async () => {
    child.kill("SIGKILL");
    await exited(child);
  };
  try {
    await until(
      async () => {
        if (child.exitCode !== null) throw new Error("gone");
        const res = await fetch(`${clientUrl}/health`, { signal: AbortSignal.timeout(500) });
        return res.ok;
      },
      20_000,
      "etcd /health",
    );
  } catch {
    await stop();
    throw new Error(`etcd did not become healthy on ${clientUrl}: ${output.trim() || "no output"}`);
  }
  return { url: clientUrl, stop };
}
