// `npm run bench:e2e-failover`: how long after the active agent dies Kamailio routes the first
// call to the other node.
//
// Each run starts a fresh pair (profile fast, each node with a SIP availability responder), a
// SIPp "PBX" per node, and Kamailio running the dispatcher recipe of
// docs/integrations/kamailio.md as printed there (listen address and destination list
// substituted). A SIPp caller places 100 calls/s through Kamailio; 1–2 s in (at random, so the
// kill falls anywhere between two probes), node a's agent is killed with SIGKILL (a's PBX
// stays up). The figure is the time from the kill to the first call answered by b's PBX
// (SIPp's clock when the 200 OK arrives). Failed calls are counted too. Prints median and max
// over the runs.
//
// Two modes, each with the same runs: `ping`, where Kamailio learns of the failover only by
// probing the responders (ds_ping_interval, fr_timer), and `push`, where each agent also has
// `upstream.kamailio` and the survivor sets itself `ap` and the killed node `ip` over
// Kamailio's JSON-RPC the moment it takes over. `--mode both` (the default) prints them side
// by side.
//
//   node bench/e2e-failover.mjs [--runs 10] [--mode both|push|ping]
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { exited, freePort, KAMAILIO, SIPP, sipOptions, sippStats, stopAll, until } from "./lib.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const arg = (name, fallback) =>
  process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : fallback;
const RUNS = arg("--runs", 10);
const MODE = process.argv.includes("--mode")
  ? process.argv[process.argv.indexOf("--mode") + 1]
  : "both";
if (!["both", "push", "ping"].includes(MODE)) {
  throw new Error(`--mode: expected "both", "push" or "ping", got ${JSON.stringify(MODE)}`);
}
const RATE = 100;
const KILL_AFTER_MS = 1000;
const CALL_SECONDS = 6;
const SECRET = "bench-e2e-failover-secret-0123456789";

/** The stand-in PBX of the end-to-end test: answers INVITE with 200 OK naming its node. */
const PBX_SCENARIO = join(root, "test/fixtures/sipp/uas-pbx.xml");

const CALLER_SCENARIO = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="caller">
  <send retrans="500">
    <![CDATA[

      INVITE sip:reception@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:caller@[local_ip]:[local_port]>;tag=[pid]sipp[call_number]
      To: <sip:reception@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:caller@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="200" rrs="true">
    <action>
      <ereg regexp="[a-z]+" search_in="hdr" header="X-Node:" check_it="true" assign_to="node"/>
      <log message="[timestamp] [$node]"/>
    </action>
  </recv>
  <send>
    <![CDATA[

      ACK [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      [routes]
      From: <sip:caller@[local_ip]:[local_port]>;tag=[pid]sipp[call_number]
      To: <sip:reception@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <send retrans="500">
    <![CDATA[

      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      [routes]
      From: <sip:caller@[local_ip]:[local_port]>;tag=[pid]sipp[call_number]
      To: <sip:reception@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 2 BYE
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200" crlf="true"/>
  <Reference variables="node"/>
</scenario>
`;

async function json(port, path) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(1000) });
  return res.json();
}

/** The recipe's kamailio.cfg with this run's listen addresses and destination list. */
function kamailioConfig(port, rpcPort, list) {
  const doc = readFileSync(join(root, "docs/integrations/kamailio.md"), "utf8");
  const block = /```kamailio\n([\s\S]*?)\n```/.exec(doc)?.[1];
  if (!block) throw new Error("docs/integrations/kamailio.md has no ```kamailio block");
  return `${block}\n`
    .replace(
      /^#!substdef "!PROXY_LISTEN!.*$/m,
      `#!substdef "!PROXY_LISTEN!udp:127.0.0.1:${port}!g"`,
    )
    .replace(/^#!substdef "!DISPATCHER_LIST!.*$/m, `#!substdef "!DISPATCHER_LIST!${list}!g"`)
    .replace(
      /^#!substdef "!RPC_LISTEN!.*$/m,
      `#!substdef "!RPC_LISTEN!tcp:127.0.0.1:${rpcPort}!g"`,
    );
}

async function oneRun(dir, push) {
  const api = { a: await freePort(), b: await freePort() };
  const sip = { a: await freePort(), b: await freePort() };
  const pbx = { a: await freePort(), b: await freePort() };
  const rpcPort = await freePort();
  const upstream = (name) => {
    if (!push) return "";
    const other = name === "a" ? "b" : "a";
    return `upstream:
  kamailio:
    - url: http://127.0.0.1:${rpcPort}/RPC
      setid: 1
      destination: "sip:127.0.0.1:${sip[name]}"
      peers: { ${other}: "sip:127.0.0.1:${sip[other]}" }
`;
  };
  for (const name of ["a", "b"]) {
    writeFileSync(
      join(dir, `${name}.yaml`),
      `node: { name: ${name}, stateDir: ${join(dir, `state-${name}`)} }
api: { listen: "127.0.0.1:${api[name]}" }
log: { file: ${join(dir, `${name}.log`)} }
probes:
  mem: { kind: memory, minAvailablePercent: 0, interval: 100ms, timeout: 80ms }
sip:
  listeners:
    - { address: 127.0.0.1, port: ${sip[name]}, transports: [udp] }
${upstream(name)}cluster:
  secret: ${SECRET}
  profile: fast
  nodes:
    - { name: a, rank: 1, api: "http://127.0.0.1:${api.a}" }
    - { name: b, rank: 2, api: "http://127.0.0.1:${api.b}" }
`,
    );
  }
  const children = [];
  const start = (cmd, args, options = {}) => {
    const child = spawn(cmd, args, { cwd: dir, stdio: "ignore", ...options });
    children.push(child);
    return child;
  };
  const agent = (name) =>
    start(process.execPath, [
      join(root, "bin/tandem.js"),
      "agent",
      "--config",
      join(dir, `${name}.yaml`),
    ]);
  try {
    const a = agent("a");
    agent("b");
    await until(async () => (await sipOptions(sip.a)) === 200, 60_000, "a serving");
    await until(async () => (await sipOptions(sip.b)) === 503, 5000, "b standing by");
    // A settled pair: b has heard a as ACTIVE in its term (a kill before that is a start-up race).
    const term = (await json(api.a, "/v1/status")).cluster.term;
    await until(
      async () => (await json(api.b, "/v1/status")).cluster?.term === term,
      10_000,
      "b knowing a's term",
    );
    writeFileSync(join(dir, "caller.xml"), CALLER_SCENARIO);
    for (const name of ["a", "b"]) {
      start(SIPP, [
        ...["-sf", PBX_SCENARIO, "-i", "127.0.0.1", "-p", String(pbx[name]), "-t", "u1"],
        ...["-key", "node", name, "-nostdin"],
      ]);
    }
    const kamPort = await freePort();
    const list = join(dir, "dispatcher.list");
    const line = (set, flags, name, priority) =>
      `${set} sip:127.0.0.1:${sip[name]} ${flags} ${priority} node=${name};pbx=sip:127.0.0.1:${pbx[name]}`;
    writeFileSync(
      list,
      [line(1, 8, "a", 10), line(1, 8, "b", 5), line(2, 0, "a", 10), line(2, 0, "b", 5), ""].join(
        "\n",
      ),
    );
    writeFileSync(join(dir, "kamailio.cfg"), kamailioConfig(kamPort, rpcPort, list));
    const kamailio = start(
      KAMAILIO,
      ["-DD", "-E", "-f", "kamailio.cfg", "-Y", dir, "-P", join(dir, "k.pid")],
      { detached: true, stdio: ["ignore", "ignore", "pipe"] },
    );
    let kamailioLog = "";
    kamailio.stderr.on("data", (d) => {
      kamailioLog = (kamailioLog + d).slice(-4000);
    });
    await until(async () => (await sipOptions(kamPort)) === 200, 10_000, "Kamailio").catch(
      (err) => {
        throw new Error(`${err.message}; its log ends:\n${kamailioLog}`);
      },
    );
    // Kamailio has probed both responders: a answered 200, b 503.
    await until(
      async () =>
        ((await json(api.a, "/v1/status")).sip?.counters?.ok200 ?? 0) >= 1 &&
        ((await json(api.b, "/v1/status")).sip?.counters?.unavailable503 ?? 0) >= 1,
      10_000,
      "Kamailio probing",
    );

    const callerPort = await freePort();
    const log = join(dir, "calls.log");
    const stat = join(dir, "calls.csv");
    const caller = start(SIPP, [
      ...["-sf", "caller.xml", "-i", "127.0.0.1", "-p", String(callerPort), "-t", "u1"],
      ...["-m", String(RATE * CALL_SECONDS), "-r", String(RATE), "-rp", "1000"],
      ...["-recv_timeout", "5000", "-timeout", "60s", "-timeout_error", "-nostdin"],
      ...["-trace_logs", "-log_file", log, "-trace_stat", "-stf", stat],
      `127.0.0.1:${kamPort}`,
    ]);
    // A random moment within one probe interval, so the kill falls anywhere between two probes.
    await new Promise((r) => setTimeout(r, KILL_AFTER_MS + Math.random() * 1000));
    const killedAt = Date.now();
    a.kill("SIGKILL");
    await exited(caller);

    // SIPp's [timestamp]: date, time and seconds since the epoch, tab-separated.
    const answers = [...readFileSync(log, "utf8").matchAll(/^\S+\t\S+\t(\d+\.\d+) (\S+)$/gm)].map(
      (m) => ({
        at: Number(m[1]) * 1000,
        node: m[2],
      }),
    );
    const firstB = answers
      .filter((x) => x.node === "b" && x.at >= killedAt)
      .sort((x, y) => x.at - y.at)[0];
    const failed = Number(sippStats(stat)("FailedCall(C)"));
    // When b's agent took over, from its own log line.
    const bLog = readFileSync(join(dir, "b.log"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .map((l) => ({ ...l, at: typeof l.time === "number" ? l.time : Date.parse(l.time) }));
    // A takeover before the kill (heartbeats missed on a saturated machine) measures nothing.
    const early = bLog.find((l) => l.at < killedAt && / → ACTIVE: /.test(l.msg));
    if (early) throw new Error(`b took over before the kill: ${early.msg}`);
    const takeover = bLog.find((l) => l.at >= killedAt && / → ACTIVE: /.test(l.msg));
    return {
      ms: firstB ? firstB.at - killedAt : null,
      takeoverMs: takeover ? takeover.at - killedAt : null,
      failed,
      calls: answers.length,
    };
  } finally {
    await stopAll(children);
  }
}

async function measure(push) {
  const times = [];
  const setupErrors = [];
  let failed = 0;
  const mode = push ? "push" : "ping";
  for (let i = 0; i < RUNS; i++) {
    const dir = mkdtempSync(join(tmpdir(), "tandem-e2e-failover-"));
    try {
      const r = await oneRun(dir, push).catch((err) => {
        setupErrors.push(err.message);
        return null;
      });
      if (r === null) {
        process.stderr.write(`${mode} run ${i + 1}/${RUNS}: not measured: ${setupErrors.at(-1)}\n`);
        continue;
      }
      failed += r.failed;
      if (r.ms !== null) times.push(r.ms);
      process.stderr.write(
        `${mode} run ${i + 1}/${RUNS}: ${r.ms === null ? "no call reached b" : `${(r.ms / 1000).toFixed(3)} s`}, ` +
          `b took over after ${r.takeoverMs === null ? "?" : `${(r.takeoverMs / 1000).toFixed(3)} s`}, ${r.calls} calls answered, ${r.failed} failed\n`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const sorted = [...times].sort((x, y) => x - y);
  return {
    mode,
    median:
      sorted.length > 0
        ? (sorted[(sorted.length - 1) >> 1] + sorted[sorted.length >> 1]) / 2
        : null,
    max: sorted.at(-1) ?? null,
    min: sorted[0] ?? null,
    measured: sorted.length,
    notMeasured: setupErrors.length,
    noCall: RUNS - setupErrors.length - sorted.length,
    failed,
  };
}

async function main() {
  const modes = MODE === "both" ? [true, false] : [MODE === "push"];
  const results = [];
  for (const push of modes) results.push(await measure(push));
  const s = (ms) => (ms === null ? "-" : `${(ms / 1000).toFixed(3)} s`);
  console.log(
    `kill the active agent → first call Kamailio routes to the other node's PBX (${RUNS} runs each, ${RATE} calls/s, ds_ping_interval 1 s, fr_timer 1 s):`,
  );
  console.log(
    "  mode   median    max       min       failed calls  runs not measured  no call to b",
  );
  for (const r of results) {
    console.log(
      `  ${r.mode.padEnd(6)} ${s(r.median).padEnd(9)} ${s(r.max).padEnd(9)} ${s(r.min).padEnd(9)} ${String(r.failed).padEnd(13)} ${String(r.notMeasured).padEnd(18)} ${r.noCall}`,
    );
  }
}

await main();
