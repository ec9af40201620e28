/**
 * A real pair over TLS: two agent processes whose APIs serve HTTPS with certificates made by
 * `openssl` at run time, client certificates required between them. The pair settles and
 * fails over as over HTTP; the CLI verifies the agents against the configured CA and refuses
 * one signed by another CA with a clear error.
 */
import { request } from "node:https";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeCa, makeCert } from "./helpers/certs.js";
import { useCleanups } from "./helpers/cleanups.js";
import {
  freePort,
  type RunningTandem,
  runTandem,
  startTandem,
  tempDir,
  waitFor,
  writeFile,
} from "./helpers/processes.js";

const cleanups = useCleanups();

/** GET `path` over HTTPS trusting `ca`: the status and body. */
function get(port: number, path: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, ca, agent: false }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => {
        body += d.toString();
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: body.trim() }));
    });
    req.setTimeout(2000, () => req.destroy(new Error("no answer within 2000 ms")));
    req.on("error", reject);
    req.end();
  });
}

describe("a pair over TLS with client certificates", () => {
  it("settles, fails over, and the CLI verifies the agents against the CA", async () => {
    const { dir, remove } = tempDir("tandem-tls-pair-");
    const ca = makeCa(dir, "ca");
    const other = makeCa(dir, "other-ca");
    const ports = { a: await freePort(), b: await freePort() };
    const config = (name: "a" | "b") => {
      const cert = makeCert(dir, ca, name);
      return writeFile(
        dir,
        `${name}.yaml`,
        `node: { name: ${name}, stateDir: ${join(dir, `state-${name}`)} }
api:
  listen: "127.0.0.1:${ports[name]}"
  tls: { cert: ${cert.crt}, key: ${cert.key}, ca: ${ca.crt}, requireClientCert: true }
log: { file: ${join(dir, `${name}.log`)} }
cluster:
  secret: tls-pair-secret-0123456789
  profile: lan
  nodes:
    - { name: a, rank: 1, api: "https://127.0.0.1:${ports.a}" }
    - { name: b, rank: 2, api: "https://127.0.0.1:${ports.b}" }
`,
      );
    };
    const configs = { a: config("a"), b: config("b") };
    const running: RunningTandem[] = [];
    cleanups.push(async () => {
      for (const r of running) r.child.kill("SIGKILL");
      await Promise.all(running.map((r) => r.exited.catch(() => undefined)));
      remove();
    });
    const a = startTandem(["agent", "--config", configs.a]);
    const b = startTandem(["agent", "--config", configs.b]);
    running.push(a, b);
    const role = (n: "a" | "b") => get(ports[n], "/monitor/role", ca.pem);
    const status = async (n: "a" | "b") =>
      JSON.parse((await get(ports[n], "/v1/status", ca.pem)).body) as {
        node: { mode: string };
        cluster: { term: number; peers: Array<{ reachable: boolean }> };
      };

    await waitFor(async () => (await role("a")).status === 200, 60_000, "a ACTIVE");
    await waitFor(
      async () => (await status("b")).cluster.peers[0]?.reachable === true,
      10_000,
      "b hears a over TLS",
    );
    expect(await role("b")).toEqual({ status: 503, body: "STANDBY" });

    // The CLI with the node's configuration: https, verified against api.tls.ca.
    const viaConfig = await runTandem(["status", "--config", configs.b, "--json"]);
    expect(viaConfig.code, viaConfig.stderr).toBe(0);
    expect(JSON.parse(viaConfig.stdout).node.name).toBe("b");
    // With --url and the right CA, and with a CA that did not sign the agent's certificate.
    const url = `https://127.0.0.1:${ports.a}`;
    const right = await runTandem(["status", "--url", url, "--ca", ca.crt]);
    expect(right.code, right.stderr).toBe(0);
    const wrong = await runTandem(["status", "--url", url, "--ca", other.crt]);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(
      new RegExp(
        `^tandem: Cannot trust the agent at ${url.replace(/\./g, "\\.")}: its certificate does not verify against the CA of --ca ${other.crt.replace(/\./g, "\\.")} \\([A-Z_]+: .+\\); check that this is the CA that signed the agent's certificate\\n$`,
      ),
    );

    // Fail over: the active agent dies, b takes over through its TLS heartbeats.
    a.child.kill("SIGKILL");
    await a.exited.catch(() => undefined);
    await waitFor(async () => (await role("b")).status === 200, 10_000, "b ACTIVE after a died");
    expect((await status("b")).node.mode).toBe("ACTIVE");
  }, 180_000);
});
