import { describe, expect, it } from "vitest";
import { ConfigInvalidError } from "../errors.js";
import { rejection } from "./config.test-helpers.js";
import { parseConfigText } from "./load.js";
import type { ConfigProblem } from "./problem.js";

/** The message lines of the ConfigInvalidError that `lines` (a YAML file) produces. */
async function problems(...lines: string[]): Promise<string[]> {
  const err = await rejection(parseConfigText(`${lines.join("\n")}\n`, "t.yaml", { env: {} }));
  expect(err).toBeInstanceOf(ConfigInvalidError);
  return err.message.split("\n");
}

const PROBE_KEYS = "kind, severity, interval, timeout, fall, rise, description, restart";
const KINDS = "http, tcp, sql, file, disk, load, memory, process, command, sip, asterisk";

describe("schema problems", () => {
  it("reports an unknown top-level key at the key, with the allowed keys and a suggestion", async () => {
    expect(await problems("probes: {}", "prbes: {}")).toEqual([
      't.yaml:2:1: unknown key "prbes" (expected one of: node, api, log, probeDefaults, probes, cluster, hooks, sip, asterisk, ui, operators, reports, upstream) — did you mean "probes"?',
    ]);
  });

  it("reports an unknown key inside a probe at the key itself, listing that kind's keys", async () => {
    expect(
      await problems("probes:", "  db:", "    kind: tcp", "    port: 5432", "    intervall: 2s"),
    ).toEqual([
      `t.yaml:5:5: probes.db: unknown key "intervall" (expected one of: ${PROBE_KEYS}, host, port) — did you mean "interval"?`,
    ]);
  });

  it("leaves out the suggestion when nothing is close", async () => {
    const [line] = await problems("log:", "  colour: always");
    expect(line).toBe(
      't.yaml:2:3: log: unknown key "colour" (expected one of: level, file, pretty)',
    );
  });

  it("reports a wrong type at the value, with the expectation and the value quoted", async () => {
    expect(await problems("probes:", "  db:", "    kind: tcp", '    port: "abc"')).toEqual([
      't.yaml:4:11: probes.db.port: expected an integer from 1 to 65535, got "abc"',
    ]);
  });

  it("reports values out of range", async () => {
    expect(
      await problems(
        "probes:",
        "  db:",
        "    kind: tcp",
        "    port: 70000",
        "    fall: 0",
        "  m: { kind: memory, minAvailablePercent: 101 }",
      ),
    ).toEqual([
      "t.yaml:4:11: probes.db.port: expected an integer from 1 to 65535, got 70000",
      "t.yaml:5:11: probes.db.fall: expected an integer from 1 to 1000, got 0",
      "t.yaml:6:43: probes.m.minAvailablePercent: expected a number from 0 to 100, got 101",
    ]);
  });

  it("lists the valid kinds for an unknown probe kind, and only reports the kind", async () => {
    expect(await problems("probes:", "  pbx:", "    kind: htp", "    whatever: 1")).toEqual([
      `t.yaml:3:11: probes.pbx.kind: unknown kind "htp" (expected one of: ${KINDS}) — did you mean "http"?`,
    ]);
  });

  it("reports a missing kind at the probe", async () => {
    expect(await problems("probes:", "  pbx:", "    port: 5060")).toEqual([
      `t.yaml:2:3: probes.pbx: missing required key "kind" (expected one of: ${KINDS})`,
    ]);
  });

  it("reports a missing required field at the mapping that lacks it", async () => {
    expect(await problems("probes:", "  db:", "    kind: tcp", "    host: db1")).toEqual([
      't.yaml:2:3: probes.db: missing required key "port"',
    ]);
  });

  it("judges the selected kind's fields, not the whole union", async () => {
    expect(
      await problems(
        "probes:",
        "  web:",
        "    kind: http",
        "    url: ftp://example.com",
        "    port: 80",
      ),
    ).toEqual([
      't.yaml:4:10: probes.web.url: expected a URL starting with "http://" or "https://", got "ftp://example.com"',
      `t.yaml:5:5: probes.web: unknown key "port" (expected one of: ${PROBE_KEYS}, url, method, headers, expectStatus, expectBody, insecure)`,
    ]);
  });

  it("words enum, list, duration, empty and custom problems for people", async () => {
    expect(
      await problems(
        "log:",
        "  level: warning",
        "probes:",
        "  web: { kind: http, url: 'http://x', expectStatus: [200, 99] }",
        "  t: { kind: tcp, port: 1, interval: 5 seconds, timeout: true }",
        "  z: { kind: tcp, port: 1, interval: 0 }",
        "  c: { kind: command, command: [] }",
        "  p: { kind: process }",
        "  w: { kind: load, window: 3 }",
        "  e:",
        "    kind: tcp",
        "    port:",
      ),
    ).toEqual([
      't.yaml:2:10: log.level: expected one of "fatal", "error", "warn", "info", "debug", "trace", got "warning" — did you mean "warn"?',
      "t.yaml:4:59: probes.web.expectStatus[1]: expected an integer from 100 to 599, got 99",
      't.yaml:5:38: probes.t.interval: expected a duration such as "500ms", "2s" or "1m", got "5 seconds"',
      't.yaml:5:58: probes.t.timeout: expected a duration (milliseconds, or a string such as "500ms", "2s", "1m"), got true',
      "t.yaml:6:38: probes.z.interval: expected a duration above 0, got 0",
      "t.yaml:7:23: probes.c.command: expected a non-empty list, each a non-empty string, got an empty list",
      "t.yaml:8:3: probes.p: expected exactly one of pidFile or name",
      "t.yaml:9:28: probes.w.window: expected one of 1, 5, 15, got 3",
      "t.yaml:12:5: probes.e.port: expected an integer from 1 to 65535, got an empty value",
    ]);
  });

  it("reports a bad probe name at the name", async () => {
    expect(await problems("probes:", "  my probe: { kind: memory }")).toEqual([
      `t.yaml:2:3: probes: invalid name "my probe": expected a probe name of letters, digits, '.', '_' or '-'`,
    ]);
  });

  it("quotes path segments that are not plain names", async () => {
    expect(await problems("probes:", "  db.main: { kind: tcp, port: x }")).toEqual([
      't.yaml:2:31: probes["db.main"].port: expected an integer from 1 to 65535, got "x"',
    ]);
  });

  it("reports every problem together, sorted by line, with details as data", async () => {
    const text = [
      "probes:",
      "  b: { kind: tcp, port: 0 }",
      "  a: { kind: tcp }",
      "api:",
      "  listen: nowhere",
      "nodes: {}",
      "",
    ].join("\n");
    const err = await rejection(parseConfigText(text, "t.yaml"));
    expect(err).toBeInstanceOf(ConfigInvalidError);
    expect(err.message.split("\n")).toEqual([
      "t.yaml:2:25: probes.b.port: expected an integer from 1 to 65535, got 0",
      't.yaml:3:3: probes.a: missing required key "port"',
      't.yaml:5:11: api.listen: expected "host:port", e.g. "127.0.0.1:7701" or "[::1]:7701", got "nowhere"',
      't.yaml:6:1: unknown key "nodes" (expected one of: node, api, log, probeDefaults, probes, cluster, hooks, sip, asterisk, ui, operators, reports, upstream) — did you mean "node"?',
    ]);
    const details = err.details as ConfigProblem[];
    expect(details).toHaveLength(4);
    expect(details[0]).toEqual({
      file: "t.yaml",
      line: 2,
      column: 25,
      path: "probes.b.port",
      message: "expected an integer from 1 to 65535, got 0",
    });
    expect(details.map((d) => d.line)).toEqual([2, 3, 5, 6]);
  });

  it("cuts long values to about 60 characters", async () => {
    const [line] = await problems(
      `probes: { w: { kind: http, url: "gopher://${"x".repeat(200)}" } }`,
    );
    const shown = /got (".*")$/.exec(line ?? "")?.[1] ?? "";
    expect(JSON.parse(shown)).toBe(`gopher://${"x".repeat(50)}…`);
  });

  it("never shows values of secret-looking keys, nor a password inside a URL", async () => {
    const lines = await problems(
      "probes:",
      "  db:",
      "    kind: sql",
      "    driver: mysql",
      "    url: mysql://asterisk:hunter2@db/cdr",
      "    password: 1234567",
      "    expect: 5",
      "  web:",
      "    kind: http",
      "    url: ftp://admin:swordfish@host/",
      "    headers: { Authorization: 42, X-Api-Token: [sekrit] }",
    );
    expect(lines).toEqual([
      "t.yaml:6:15: probes.db.password: expected a string, got a number (not shown)",
      "t.yaml:7:13: probes.db.expect: expected a string, got 5",
      't.yaml:10:10: probes.web.url: expected a URL starting with "http://" or "https://", got "ftp://admin:***@host/"',
      "t.yaml:11:31: probes.web.headers.Authorization: expected a string, got a number (not shown)",
      "t.yaml:11:35: probes.web.headers.X-Api-Token: expected a string, got a list (not shown)",
    ]);
    expect(lines.join("\n")).not.toMatch(/1234567|swordfish|sekrit|42/);
  });
});
