// `npm run bench:quorum`: how long before etcd can give the key to another node the holder
// stops serving, when the holder loses etcd but keeps running.
//
// Each run: a one-member etcd; a's agent reaches it through a TCP proxy, b's directly; a holds
// the key and serves. The proxy then goes silent (open connections stay open, nothing is
// forwarded, new ones are accepted and never answered), so a's keep-alives stop reaching etcd
// without any error. Two clocks are watched every 5 ms on this machine's monotonic clock:
// when a's /monitor/role stops answering 200 (a stopped serving), and when etcd no longer has
// the key (its lease expired: from then on b may hold it). The margin is the second minus the
// first; it must always be positive. Lease: ttl 2s, keepAlive 500ms, margin 500ms.
//
//   node bench/quorum-margin.mjs [--runs 10]
import { mkdtempSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, until } from "./lib.mjs";
import { hasEtcd, role, startEtcd, startPairInOrder, summary, writeConfigs } from "./pair-lib.mjs";

const arg = (name, fallback) =>
  process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback;
const RUNS = arg("--runs", 10);
const LEASE = "{ ttl: 2s, keepAlive: 500ms, margin: 500ms }";
const KEY = Buffer.from("/bench/leader").toString("base64");

/** A TCP proxy to `port` that can go silent without closing anything. */
async function silentProxy(port) {
  let silent = false;
  const server = createServer((client) => {
    client.on("error", () => {});
    if (silent) return;
    const upstream = connect(port, "127.0.0.1");
    upstream.on("error", () => client.destroy());
    client.on("data", (d) => {
      if (!silent) upstream.write(d);
    });
    upstream.on("data", (d) => {
      if (!silent) client.write(d);
    });
    client.on("close", () => upstream.destroy());
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: server.address().port,
    silence() {
      silent = true;
    },
    close() {
      server.close();
    },
  };
}

async function keyPresent(url) {
  const res = await fetch(`${url}/v3/kv/range`, {
    method: "POST",
    body: JSON.stringify({ key: KEY }),
    signal: AbortSignal.timeout(500),
  });
  const body = await res.json();
  return (body.kvs ?? []).length > 0;
}

async function once() {
  const etcd = await startEtcd();
  const proxy = await silentProxy(Number(new URL(etcd.url).port));
  const dir = mkdtempSync(join(tmpdir(), "tandem-quorum-margin-"));
  const ports = { a: await freePort(), b: await freePort() };
  const endpoint = (n) => (n === "a" ? `http://127.0.0.1:${proxy.port}` : etcd.url);
  writeConfigs(
    dir,
    ports,
    { a: `http://127.0.0.1:${ports.a}`, b: `http://127.0.0.1:${ports.b}` },
    (n) =>
      `  quorum: { kind: etcd, endpoints: ["${endpoint(n)}"], prefix: /bench/, lease: ${LEASE} }\n`,
  );
  let pair = null;
  try {
    pair = await startPairInOrder(dir, ports);
    await until(() => keyPresent(etcd.url), 5000, "the key in etcd", 5);
    await new Promise((r) => setTimeout(r, 1000));
    const t0 = performance.now();
    proxy.silence();
    let stoppedAt = null;
    let expiredAt = null;
    while (stoppedAt === null || expiredAt === null) {
      if (performance.now() - t0 > 15_000) throw new Error("neither stop nor expiry in 15 s");
      const now = performance.now();
      const [r, present] = await Promise.all([role(ports.a, 100), keyPresent(etcd.url)]);
      if (stoppedAt === null && r !== 200) stoppedAt = now;
      if (expiredAt === null && !present) expiredAt = now;
      await new Promise((res) => setTimeout(res, 5));
    }
    return { stop: stoppedAt - t0, expire: expiredAt - t0, margin: expiredAt - stoppedAt };
  } finally {
    pair?.kill();
    proxy.close();
    etcd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (!hasEtcd()) {
  console.log("quorum margin: not measured: etcd is not installed (apt-get install etcd-server)");
  process.exit(1);
}
const results = [];
for (let i = 0; i < RUNS; i++) {
  const r = await once();
  results.push(r);
  process.stderr.write(
    `run ${i + 1}/${RUNS}: stopped serving ${(r.stop / 1000).toFixed(3)} s, lease expired ${(r.expire / 1000).toFixed(3)} s after etcd went silent: margin ${(r.margin / 1000).toFixed(3)} s\n`,
  );
}
const margins = summary(results.map((r) => r.margin));
const min = Math.min(...results.map((r) => r.margin));
const stops = summary(results.map((r) => r.stop));
console.log(
  `quorum on etcd, lease ${LEASE}, ${RUNS} runs, the holder cut off from etcd (silently):`,
);
console.log(`  stopped serving after: median ${stops.median} s, max ${stops.max} s`);
console.log(
  `  margin before the lease expired: min ${(min / 1000).toFixed(3)} s, median ${margins.median} s, max ${margins.max} s  (must be > 0)`,
);
process.exit(min > 0 ? 0 : 1);
