import { describe, expect, it } from "vitest";
import { ConfigInvalidError } from "../errors.js";
import { rejection } from "./config.test-helpers.js";
import { parseConfigText } from "./load.js";

async function invalid(text: string) {
  const err = await rejection(parseConfigText(text, "t.yaml"));
  expect(err).toBeInstanceOf(ConfigInvalidError);
  expect(err.code).toBe("TANDEM_ERR_CONFIG_INVALID");
  return err;
}

describe("YAML errors", () => {
  it("reports a syntax error with its line and column and yaml's reason", async () => {
    const err = await invalid("probes:\n  web:\n    kind: http\n    url: 'http://x\n");
    expect(err.message).toBe("t.yaml:5:1: Missing closing 'quote");
    expect(err.details).toEqual([
      { file: "t.yaml", line: 5, column: 1, path: "", message: "Missing closing 'quote" },
    ]);
  });

  it("reports bad indentation where it is", async () => {
    const err = await invalid("probes:\n  a:\n    kind: tcp\n   port: 1\n");
    expect(err.message).toBe("t.yaml:4:1: All mapping items must start at the same column");
  });

  it("rejects a duplicate key, naming it, at the second occurrence", async () => {
    const err = await invalid("probes:\n  db:\n    kind: tcp\n    port: 1\n    port: 2\n");
    expect(err.message).toBe('t.yaml:5:5: duplicate key "port"');
  });

  it("rejects an empty file and a file of only comments", async () => {
    const message =
      't.yaml:1:1: the file is empty; expected a mapping of settings such as "probes:"';
    expect((await invalid("")).message).toBe(message);
    expect((await invalid("# all commented out\n\n")).message).toBe(message);
  });

  it("rejects a second document", async () => {
    const err = await invalid("probes: {}\n---\nprobes: {}\n");
    expect(err.message).toBe(
      't.yaml:2:1: expected a single YAML document, found a second one (remove the "---" line)',
    );
  });

  it("rejects an alias without an anchor", async () => {
    const err = await invalid("probes:\n  a: *base\n");
    expect(err.message).toBe(
      't.yaml:2:6: unknown alias "*base" (an anchor "&base" must come before it)',
    );
  });

  it("follows aliases to report problems where the anchor's value is written", async () => {
    const err = await invalid("x-tcp: &tcp { kind: tcp, port: 0 }\nprobes:\n  a: *tcp\n");
    expect(err.message).toBe(
      [
        't.yaml:1:1: unknown key "x-tcp" (expected one of: node, api, log, probeDefaults, probes, cluster, hooks, sip, asterisk, ui, operators, reports, upstream)',
        "t.yaml:1:32: probes.a.port: expected an integer from 1 to 65535, got 0",
      ].join("\n"),
    );
  });

  it("rejects a document that is not a mapping", async () => {
    expect((await invalid("- a\n- b\n")).message).toBe(
      "t.yaml:1:1: expected a mapping, got a list",
    );
  });
});
