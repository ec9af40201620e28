/**
 * Tandem's queue reports against a real Asterisk 20: calls placed into a queue with SIPp
 * (members are Local channels to an Answer()/Wait() dialplan, two of them static members from
 * queues.conf and one added from the CLI), pauses from the CLI, and then what `queue show`
 * prints compared with `tandem report queues --definitions asterisk` over the queue_log that
 * Asterisk wrote, and each member's pause time with `tandem report agents`.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type AsteriskInstance, startAsterisk } from "../helpers/asterisk.js";
import { TANDEM_BIN, tempDir } from "../helpers/processes.js";
import { freeSipPort, SIPP } from "../helpers/sipp.js";

const run = promisify(execFile);
const scenario = (name: string) =>
  fileURLToPath(new URL(`../fixtures/sipp/${name}`, import.meta.url));
const SL = 2;

let ast: AsteriskInstance;
const tmp = tempDir("tandem-ast-queue-");

beforeAll(async () => {
  ast = await startAsterisk({
    configs: {
      "queues.conf": [
        "[general]",
        "persistentmembers = no",
        "[support]",
        "strategy = ringall",
        `servicelevel = ${SL}`,
        "timeout = 5",
        "retry = 1",
        "wrapuptime = 0",
        "member => Local/agent1@agents/n,0,agent1",
        "member => Local/agent2@agents/n,0,agent2",
        "",
      ].join("\n"),
      "extensions.conf": [
        "[default]",
        "exten => answered,1,Queue(support,r)",
        " same => n,Hangup(17)",
        "exten => timeout,1,Queue(support,r,,,2)",
        " same => n,Hangup(17)",
        "[agents]",
        ...["agent1", "agent2", "agent3"].flatMap((a) => [
          `exten => ${a},1,Answer()`,
          " same => n,Wait(2)",
          " same => n,Hangup()",
        ]),
        "",
      ].join("\n"),
      "pjsip.conf": "[anonymous]\ntype = endpoint\ncontext = default\nallow = ulaw\n",
    },
  });
}, 120_000);

afterAll(async () => {
  await ast?.stop();
  tmp.remove();
});

/** Places `calls` calls, one at a time, to extension `exten` with a SIPp scenario. */
async function call(file: string, exten: string, calls: number): Promise<void> {
  const local = await freeSipPort();
  const args = [
    ...["-sf", scenario(file), "-s", exten, "-i", "127.0.0.1", "-p", String(local), "-t", "u1"],
    ...["-m", String(calls), "-l", "1", "-r", "1", "-rp", "1000"],
    ...["-recv_timeout", "15000", "-timeout", "90s", "-timeout_error", "-nostdin"],
    `127.0.0.1:${ast.sipPort}`,
  ];
  try {
    await run(SIPP, args, { cwd: tmp.dir, timeout: 100_000 });
  } catch (e) {
    throw new Error(
      `sipp ${file} to ${exten} failed: ${(e as Error).message}\nqueue show:\n${await ast.cli("queue show support")}\nAsterisk said:\n${ast.output()}`,
    );
  }
}

const pause = (member: string, on: boolean) =>
  ast.cli(
    `queue ${on ? "pause" : "unpause"} member Local/${member}@agents/n queue support reason Break`,
  );
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function tandem(args: string[]): Promise<unknown> {
  const { stdout } = await run(process.execPath, [TANDEM_BIN, ...args, "--format", "json"]);
  return JSON.parse(stdout);
}

it("reproduces queue show with --definitions asterisk, and static members' pauses", {
  timeout: 300_000,
}, async () => {
  // agent3 joins from the CLI (an ADDMEMBER line); agent1 and agent2 never get one.
  await ast.cli("queue add member Local/agent3@agents/n to support penalty 0 as agent3");
  await call("queue-caller.xml", "answered", 3);
  // agent2 pauses twice while calls go on to the others.
  await pause("agent2", true);
  await call("queue-caller.xml", "answered", 2);
  await pause("agent2", false);
  await pause("agent2", true);
  await sleep(2000);
  await pause("agent2", false);
  // Nobody free: two callers time out in the queue, two give up.
  for (const m of ["agent1", "agent2", "agent3"]) await pause(m, true);
  await call("queue-caller.xml", "timeout", 2);
  await call("queue-abandon.xml", "answered", 2);
  for (const m of ["agent1", "agent2", "agent3"]) await pause(m, false);
  await call("queue-caller.xml", "answered", 1);
  await sleep(1500);

  const shown = await ast.cli("queue show support");
  const m =
    /\((\d+)s holdtime, (\d+)s talktime\), W:\d+, C:(\d+), A:(\d+), SL:([\d.]+)%, SL2:([\d.]+)% within (\d+)s/.exec(
      shown,
    );
  if (m === null) throw new Error(`queue show printed:\n${shown}`);
  const [, hold, talk, completed, abandoned, sl, sl2, within] = m.map(Number);
  expect(within).toBe(SL);

  const log = join(ast.logDir, "queue_log");
  const text = readFileSync(log, "utf8");
  const now = Math.floor(Date.now() / 1000) + 1;
  const rows = (await tandem([
    "report",
    "queues",
    "--source",
    `file:${log}`,
    "--definitions",
    "asterisk",
    "--sl",
    String(SL),
    "--to",
    String(now),
  ])) as Record<string, number | string>[];
  const support = rows.find((r) => r.queue === "support");
  expect(support, `queue_log:\n${text}`).toMatchObject({
    completed,
    abandoned,
    serviceLevel: sl,
    serviceLevel2: sl2,
    holdtime: hold,
    talktime: talk,
  });
  // What was placed: 6 answered and completed, 2 timeouts + 2 abandons = 4 to Asterisk.
  expect([completed, abandoned]).toEqual([6, 4]);

  // agent2's two pauses, as the PAUSE and UNPAUSE lines date them.
  const marks = [...text.matchAll(/^(\d+)\|NONE\|support\|agent2\|(PAUSE|UNPAUSE)\|/gm)].map(
    (x) => [Number(x[1]), x[2]] as const,
  );
  let paused = 0;
  for (let i = 0; i + 1 < marks.length; i += 2) {
    const [start, verb] = marks[i] as readonly [number, string];
    const [end] = marks[i + 1] as readonly [number, string];
    expect(verb).toBe("PAUSE");
    paused += end - start;
  }
  const start = Number(/^(\d+)\|NONE\|NONE\|NONE\|QUEUESTART\|/m.exec(text)?.[1]);
  const agents = (await tandem([
    "report",
    "agents",
    "--source",
    `file:${log}`,
    "--from",
    String(start),
    "--to",
    String(now),
  ])) as { agent: string; loggedIn: number; paused: number; answered: number }[];
  const byName = new Map(agents.map((a) => [a.agent, a]));
  expect(text).not.toMatch(/\|agent2\|ADDMEMBER\|/);
  // A member of queues.conf is logged in from the QUEUESTART, and paused as the lines say.
  expect(byName.get("agent2")).toMatchObject({ paused, loggedIn: now - start });
  expect(byName.get("agent1")?.loggedIn).toBe(now - start);
  // Asterisk 20 names the member of an ADDMEMBER by its interface, not its member name.
  const add = /^(\d+)\|[^|]*\|support\|([^|]*)\|ADDMEMBER\|/m.exec(text);
  expect(add?.[2], `queue_log:\n${text}`).toBe("Local/agent3@agents/n");
  expect(byName.get("Local/agent3@agents/n")?.loggedIn).toBe(now - Number(add?.[1]));
  expect(marks.length).toBeGreaterThanOrEqual(4);
});
