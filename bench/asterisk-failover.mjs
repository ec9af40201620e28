// `npm run bench:asterisk`: call admission on real Asterisks around a failover, three checks
// side by side (docs/integrations/asterisk.md): the agent's pushed lease over AMI ("push"),
// chan_sip qualify of the silent responder ("chansip"), pjsip qualify_2xx_only of the reject
// responder ("pjsip").
//
// Each run starts a pair of agents (profile fast, heartbeat fall 6, each with both responders
// and the AMI push) and an Asterisk 20 per node with the recipe as printed. SIPp calls each
// check's extension on both Asterisks every 100 ms for 20 s. 3 s in, node a's agent is paused for
// 200 ms (SIGSTOP/SIGCONT); 3–4 s later (at random, so the kill falls anywhere between two
// qualifies) it is killed with SIGKILL; Asterisk a stays up. Figures per check, from SIPp's
// clock when the final answer arrived:
//   new accepts  kill → first call b's Asterisk accepts
//   old rejects  kill → a's Asterisk refuses for good
//   both refuse  longest time both nodes' latest answers were refusals
//   pause        calls a's Asterisk refused around the 200 ms pause
//
//   node bench/asterisk-failover.mjs [--runs 3]
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startRecipeAsterisk } from "./asterisk.mjs";
import { exited, freePort, SIPP, stopAll, until } from "./lib.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const arg = (name, fallback) =>
  process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback;
const RUNS = arg("--runs", 3);
const CHECKS = ["push", "chansip", "pjsip"];
const CALLS = 200;
const SECRET = "bench-asterisk-failover-secret-0123";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function json(port, path) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2000) });
  return { status: res.status, body: await res.json().catch(() => null) };
}

function outcomes(log) {
  let text = "";
  try {
    text = readFileSync(log, "latin1");
  } catch {
    return [];
  }
  return [...text.matchAll(/^\S+\t\S+\t(\d+\.\d+) (ACCEPT|REJECT)$/gm)]
    .map((m) => ({ at: Number(m[1]) * 1000, accepted: m[2] === "ACCEPT" }))
    .sort((x, y) => x.at - y.at);
}

function figures(oldNode, newNode, killedAt) {
  const after = (o) => o.filter((c) => c.at >= killedAt);
  const firstNew = after(newNode).find((c) => c.accepted);
  const oldAfter = after(oldNode);
  const lastAccept = oldAfter.reduce((i, c, n) => (c.accepted ? n : i), -1);
  const merged = [
    ...oldAfter.map((c) => ({ ...c, node: 0 })),
    ...after(newNode).map((c) => ({ ...c, node: 1 })),
  ].sort((x, y) => x.at - y.at);
  const state = [true, false];
  let since = null;
  let both = 0;
  for (const c of merged) {
    state[c.node] = c.accepted;
    const refusing = !state[0] && !state[1];
    if (refusing && since === null) since = c.at;
    if (!refusing && since !== null) {
      both = Math.max(both, c.at - since);
      since = null;
    }
  }
  if (since !== null) both = Math.max(both, merged.at(-1).at - since);
  return {
    newAccepts: firstNew ? firstNew.at - killedAt : null,
    oldRejects:
      lastAccept === oldAfter.length - 1 || !oldAfter[lastAccept + 1]
        ? null
        : oldAfter[lastAccept + 1].at - killedAt,
    bothRefuse: both,
  };
}

async function oneRun(dir) {
  const children = [];
  const asterisks = [];
  try {
    const api = { a: await freePort(), b: await freePort() };
    const ports = {};
    const ast = {};
    for (const n of ["a", "b"]) {
      ports[n] = { reject: await freePort(), silent: await freePort() };
      ast[n] = await startRecipeAsterisk(join(dir, `asterisk-${n}`), ports[n]);
      asterisks.push(ast[n]);
    }
    for (const n of ["a", "b"]) {
      writeFileSync(
        join(dir, `${n}.yaml`),
        `node: { name: ${n}, stateDir: ${join(dir, `state-${n}`)} }
api: { listen: "127.0.0.1:${api[n]}" }
log: { file: ${join(dir, `${n}.log`)} }
probes:
  mem: { kind: memory, minAvailablePercent: 0, interval: 200ms, timeout: 1s, fall: 3 }
sip:
  listeners:
    - { address: 127.0.0.1, port: ${ports[n].reject}, transports: [udp], whenNotServing: reject }
    - { address: 127.0.0.1, port: ${ports[n].silent}, transports: [udp], whenNotServing: silent }
asterisk:
  ami: { port: ${ast[n].amiPort}, username: ${ast[n].amiUser}, secret: ${ast[n].amiSecret} }
cluster:
  secret: ${SECRET}
  profile: fast
  heartbeat: { fall: 6 }
  nodes:
    - { name: a, rank: 1, api: "http://127.0.0.1:${api.a}" }
    - { name: b, rank: 2, api: "http://127.0.0.1:${api.b}" }
`,
      );
    }
    const start = (cmd, args) => {
      const child = spawn(cmd, args, { cwd: dir, stdio: "ignore" });
      children.push(child);
      return child;
    };
    const agent = (n) =>
      start(process.execPath, [
        join(root, "bin/tandem.js"),
        "agent",
        "--config",
        join(dir, `${n}.yaml`),
      ]);
    const a = agent("a");
    agent("b");
    await until(
      async () => (await json(api.a, "/monitor/role")).status === 200,
      60_000,
      "a serving",
    );
    await until(
      async () =>
        (await json(api.b, "/v1/status")).body?.cluster?.term ===
        (await json(api.a, "/v1/status")).body?.cluster?.term,
      30_000,
      "b knows a's term",
    );
    await until(
      async () =>
        /tandem\s.*OK \(/.test(await ast.a.cli("sip show peers")) &&
        /UNREACHABLE/.test(await ast.b.cli("sip show peers")) &&
        /Avail/.test(await ast.a.cli("pjsip show contacts")) &&
        /Unavail/.test(await ast.b.cli("pjsip show contacts")),
      40_000,
      "qualifies settled",
      200,
    );
    const scenario = join(root, "test/fixtures/sipp/uac-asterisk.xml");
    const callers = [];
    for (const n of ["a", "b"]) {
      for (const check of CHECKS) {
        const log = join(dir, `${n}-${check}.log`);
        const child = start(SIPP, [
          ...["-sf", scenario, "-s", check, "-i", "127.0.0.1", "-p", String(await freePort())],
          ...["-mp", String(await freePort()), "-t", "u1", "-m", String(CALLS), "-r", "10"],
          ...["-rp", "1000", "-recv_timeout", "5000", "-timeout", "120s", "-nostdin"],
          ...["-trace_logs", "-log_file", log, `127.0.0.1:${ast[n].sipPort}`],
        ]);
        callers.push({ n, check, log, child });
      }
    }
    await sleep(3000);
    const pausedAt = Date.now();
    a.kill("SIGSTOP");
    await sleep(200);
    a.kill("SIGCONT");
    await sleep(3000 + Math.random() * 1000);
    const killedAt = Date.now();
    a.kill("SIGKILL");
    await Promise.all(callers.map((c) => exited(c.child)));
    const result = {};
    for (const check of CHECKS) {
      const of = (n) => outcomes(callers.find((c) => c.n === n && c.check === check).log);
      result[check] = {
        ...figures(of("a"), of("b"), killedAt),
        pause: of("a").filter((c) => !c.accepted && c.at >= pausedAt && c.at < killedAt).length,
      };
    }
    return result;
  } finally {
    await stopAll(children);
    await Promise.all(asterisks.map((x) => x.stop()));
  }
}

async function main() {
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const dir = mkdtempSync(join(tmpdir(), "tandem-asterisk-failover-"));
    try {
      const r = await oneRun(dir);
      runs.push(r);
      process.stderr.write(`run ${i + 1}/${RUNS}: ${JSON.stringify(r)}\n`);
    } catch (err) {
      process.stderr.write(`run ${i + 1}/${RUNS}: not measured: ${err.message}\n`);
    } finally {
      if (process.env.TANDEM_BENCH_KEEP) process.stderr.write(`  kept ${dir}\n`);
      else rmSync(dir, { recursive: true, force: true });
    }
  }
  const s = (ms) => (ms === null || ms === undefined ? "never" : `${(ms / 1000).toFixed(2)} s`);
  const stats = (values) => {
    if (values.some((v) => v === null))
      return `at least one run: never (${values.map(s).join(", ")})`;
    const sorted = [...values].sort((x, y) => x - y);
    const median = (sorted[(sorted.length - 1) >> 1] + sorted[sorted.length >> 1]) / 2;
    return `median ${s(median)}, max ${s(sorted.at(-1))}`;
  };
  console.log(
    `Asterisk call admission around a SIGKILL of the active agent (${runs.length} of ${RUNS} runs measured, SIPp calls every 100 ms per node and check):`,
  );
  if (runs.length === 0) process.exit(1);
  for (const check of CHECKS) {
    const col = (k) => runs.map((r) => r[check][k]);
    console.log(`  ${check.padEnd(8)} new node accepts: ${stats(col("newAccepts"))}`);
    console.log(`  ${"".padEnd(8)} old node refuses: ${stats(col("oldRejects"))}`);
    console.log(`  ${"".padEnd(8)} both refuse:      ${stats(col("bothRefuse"))}`);
    console.log(
      `  ${"".padEnd(8)} calls refused by the active around a 200 ms pause of its agent: ${col("pause").reduce((x, y) => x + y, 0)}`,
    );
  }
}

await main();
