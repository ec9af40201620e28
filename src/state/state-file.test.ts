import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PersistedRecord } from "../engine/types.js";
import { StateCorruptError, StateUnavailableError } from "../errors.js";
import { STATE_FORMAT, StateFile } from "./index.js";

const fenced: PersistedRecord = {
  term: 7,
  mode: "PEER_FENCED",
  flags: {
    selfFenced: null,
    peerFenced: { by: "b", term: 7, since: 1234.5 },
    suspended: null,
    fencingPeer: null,
  },
};

const active = (term: number): PersistedRecord => ({
  term,
  mode: "ACTIVE",
  flags: {
    selfFenced: null,
    peerFenced: null,
    suspended: null,
    fencingPeer: { peer: "a", term, since: term * 10 },
  },
});

let root = "";
let dir = "";
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "tandem-state-"));
  dir = join(root, "state");
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const stateFile = () => join(dir, "node-state.json");

describe("StateFile", () => {
  it("returns null when nothing was ever saved, even without the directory", async () => {
    expect(await new StateFile(dir).load()).toBeNull();
  });

  it("round-trips a record in a versioned, timestamped file in a 0700 directory", async () => {
    const before = Date.now();
    await new StateFile(dir).save(fenced);
    expect(await new StateFile(dir).load()).toEqual(fenced);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const file = JSON.parse(readFileSync(stateFile(), "utf8"));
    expect(file.format).toBe(STATE_FORMAT);
    expect(Date.parse(file.writtenAt)).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(file.writtenAt)).toBeLessThanOrEqual(Date.now());
    expect(readdirSync(dir)).toEqual(["node-state.json"]);
  });

  it.each([
    ["empty", "", /is corrupt: the file is empty\./],
    ["not JSON", '{"format": 1, "rec', /is corrupt: not valid JSON \(.+\)\./],
    ["JSON null", "null", /is corrupt: \(file\): .*expected object/],
    [
      "a wrong shape",
      JSON.stringify({
        format: 1,
        writtenAt: new Date().toISOString(),
        record: { ...fenced, term: "7" },
      }),
      /is corrupt: record\.term: .*expected number/,
    ],
    [
      "an unknown mode",
      JSON.stringify({
        format: 1,
        writtenAt: new Date().toISOString(),
        record: { ...fenced, mode: "SLEEPING" },
      }),
      /is corrupt: record\.mode: /,
    ],
    [
      "a future format",
      JSON.stringify({ format: STATE_FORMAT + 1, whatever: true }),
      /is corrupt: written by a newer Tandem \(format 2; this version reads format 1\)\./,
    ],
  ])("refuses a file that is %s, naming the file", async (_what, text, message) => {
    mkdirSync(dir);
    writeFileSync(stateFile(), text);
    const error = await new StateFile(dir).load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateCorruptError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(`"${stateFile()}"`);
    expect((error as InstanceType<typeof StateCorruptError>).details).toMatchObject({
      path: stateFile(),
    });
  });

  it("refuses to save a record it could not read back, writing nothing", async () => {
    const error = await new StateFile(dir).save({ ...fenced, term: Number.NaN }).catch((e) => e);
    expect(error).toBeInstanceOf(StateCorruptError);
    expect((error as Error).message).toMatch(
      /^Refusing to save an invalid node state to ".+": record\.term: .*NaN$/,
    );
    expect(await new StateFile(dir).load()).toBeNull();
  });

  it("ignores a temporary file left by a crash and removes it on the first save", async () => {
    await new StateFile(dir).save(active(3));
    const leftover = join(dir, "node-state.json.tmp-999999-deadbeef");
    writeFileSync(leftover, '{"format": 1, "wri');
    const file = new StateFile(dir);
    expect(await file.load()).toEqual(active(3));
    await file.save(active(4));
    expect(readdirSync(dir)).toEqual(["node-state.json"]);
    expect(await file.load()).toEqual(active(4));
  });

  it("serializes concurrent saves and ends with the last record", async () => {
    const file = new StateFile(dir);
    const saves = Array.from({ length: 50 }, (_, i) => file.save(active(i + 1)));
    await Promise.all(saves);
    expect(await file.load()).toEqual(active(50));
    await Promise.all([file.save(active(51)), file.save(fenced)]);
    expect(await file.load()).toEqual(fenced);
    expect(readdirSync(dir)).toEqual(["node-state.json"]);
  });

  it("keeps a snapshot of the record at the time of the call", async () => {
    const file = new StateFile(dir);
    const record = active(5);
    const saved = file.save(record);
    record.term = 6;
    await saved;
    expect((await file.load())?.term).toBe(5);
  });

  it("names the path when the state directory is not a directory", async () => {
    writeFileSync(join(root, "file"), "");
    const inside = join(root, "file", "state");
    const error = await new StateFile(inside).save(fenced).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateUnavailableError);
    expect((error as Error).message).toMatch(
      new RegExp(`^Cannot save node state in "${inside}": .*\\(ENOTDIR\\)$`),
    );
    const itself = join(root, "file");
    const again = await new StateFile(itself).save(fenced).catch((e: unknown) => e);
    expect((again as Error).message).toBe(
      `Cannot save node state in "${itself}": "${itself}" is not a directory: file already exists (EEXIST)`,
    );
  });

  it("says the directory is not writable (run as an unprivileged user: root ignores permissions)", async () => {
    const { spawnSync } = await import("node:child_process");
    const open = mkdtempSync("/tmp/tandem-state-perm-");
    chmodSync(open, 0o755);
    const locked = join(open, "state");
    mkdirSync(locked, { mode: 0o755 });
    const stateModule = new URL("../../dist/state/index.js", import.meta.url).href;
    const script = `import(${JSON.stringify(stateModule)}).then((m) => new m.StateFile(${JSON.stringify(locked)}).save(${JSON.stringify(fenced)})).then(() => console.log("saved"), (e) => console.log(e.code + " " + e.message))`;
    const run = spawnSync(
      "setpriv",
      ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, "-e", script],
      {
        encoding: "utf8",
        cwd: "/",
      },
    );
    rmSync(open, { recursive: true, force: true });
    expect(run.stdout.trim()).toBe(
      `TANDEM_ERR_STATE_UNAVAILABLE Cannot save node state in "${locked}": the directory is not writable: permission denied (EACCES)`,
    );
  });

  it("reports an unreadable state file as unavailable, not absent", async () => {
    mkdirSync(stateFile(), { recursive: true });
    const error = await new StateFile(dir).load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateUnavailableError);
    expect((error as Error).message).toBe(
      `Cannot read node state "${stateFile()}": illegal operation on a directory (EISDIR)`,
    );
  });
});
