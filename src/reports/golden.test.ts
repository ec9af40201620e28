/**
 * Golden tests: every report in every format, printed by `tandem report` from the fixture logs,
 * compared byte for byte with the files committed under test/fixtures/golden/. Any change of
 * the output — a figure, a column, a header, the alignment, a timestamp — fails here.
 *
 * After an intended change, regenerate the files and review the diff before committing:
 *
 *   UPDATE_GOLDEN=1 npx vitest run src/reports/golden.test.ts
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { runLoader } from "../queuelog/loader.js";
import { openStore } from "../store/open.js";
import { reportStdout as report } from "./cli.test-helpers.js";

// The loaders table of `now` names the host the loader ran on; the machine's own name would
// make the golden files differ from one machine to the next, so it is fixed here.
vi.mock("node:os", async (original) => ({
  ...(await original<typeof import("node:os")>()),
  hostname: () => "pbx1",
}));

const T = 1_700_000_000;
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const goldenDir = fileURLToPath(new URL("../../test/fixtures/golden/", import.meta.url));
const update = process.env.UPDATE_GOLDEN === "1";

/** Compares `text` with the golden file `name`, or writes it there under UPDATE_GOLDEN=1. */
function golden(name: string, text: string): void {
  const path = join(goldenDir, name);
  if (update) {
    mkdirSync(goldenDir, { recursive: true });
    writeFileSync(path, text);
    return;
  }
  expect(existsSync(path), `${path} is missing: run with UPDATE_GOLDEN=1 to write it`).toBe(true);
  expect(text).toBe(readFileSync(path, "utf8"));
}

const FORMATS = [
  ["table", "txt"],
  ["csv", "csv"],
  ["json", "json"],
] as const;

// The window and zone are given, so nothing depends on the machine's zone or clock.
const GOLDEN = ["--source", `file:${fixture("golden.queue_log")}`, "--tz", "Europe/Paris"];
const WINDOW = ["--from", String(T), "--to", String(T + 2000)];

describe("golden output of the one-table reports", () => {
  const cases: [string, string[]][] = [
    ["queues", ["queues", ...GOLDEN, ...WINDOW]],
    ["queues-asterisk", ["queues", ...GOLDEN, ...WINDOW, "--definitions", "asterisk"]],
    ["agents", ["agents", ...GOLDEN, ...WINDOW]],
    ["hours", ["hours", ...GOLDEN, ...WINDOW]],
  ];
  for (const [name, args] of cases) {
    for (const [format, ext] of FORMATS) {
      it(`${name} as ${format}`, async () => {
        golden(`${name}.${ext}`, await report([...args, "--format", format]));
      });
    }
  }
});

describe("golden output of servers on a cluster store", () => {
  let dir = "";
  let store = "";
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "tandem-golden-"));
    store = join(dir, "store.sqlite");
    const s = await openStore(store);
    try {
      for (const p of ["A", "B", "C"]) {
        await runLoader({
          store: s,
          partition: p,
          path: fixture(`cluster-${p}.queue_log`),
          once: true,
        });
      }
    } finally {
      await s.close();
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const [format, ext] of FORMATS) {
    it(`servers as ${format}`, async () => {
      const args = ["servers", "--source", "cluster:A|B|C", "--store", store, "--tz", "UTC"];
      golden(
        `servers.${ext}`,
        await report([...args, "--to", String(T + 3000), "--format", format]),
      );
    });
  }
});

describe("golden output of the reports with several tables", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("calls as table, json, and one CSV per part", async () => {
    const args = ["calls", ...GOLDEN, ...WINDOW];
    golden("calls.txt", await report(args));
    golden("calls.json", await report([...args, "--format", "json"]));
    for (const part of ["closed", "open"]) {
      golden(`calls.${part}.csv`, await report([...args, "--format", "csv", "--part", part]));
    }
  });

  it("now as table, json, and one CSV per part", async () => {
    // `now` reads the clock: fixed (Date only; timers stay real) at T+1150, when c8 is
    // talking, c9 waiting, Agent/101 and Agent/102 are logged in.
    vi.useFakeTimers({ toFake: ["Date"], now: (T + 1150) * 1000 });
    const args = ["now", ...GOLDEN];
    golden("now.txt", await report(args));
    golden("now.json", await report([...args, "--format", "json"]));
    for (const part of ["waiting", "agents", "loaders"]) {
      golden(`now.${part}.csv`, await report([...args, "--format", "csv", "--part", part]));
    }
  });
});
