import { describe, expect, it } from "vitest";
import { EXAMPLE_ENV, exampleConfig } from "./example.js";
import { parseConfigText } from "./load.js";
import { configReference } from "./reference.js";
import { probeSchema } from "./schema.js";

const reference = configReference();

describe("configReference", () => {
  it("has a section per top-level key and per probe kind", () => {
    const prose = reference.split("```yaml")[0] ?? "";
    const headings = prose.split("\n").filter((l) => l.startsWith("#"));
    expect(headings).toEqual([
      "# Configuration reference",
      "## `node`",
      "## `api`",
      "## `log`",
      "## `probeDefaults`",
      "## `probes`",
      "### Common probe fields",
      "#### Probe field `restart`",
      ...[
        "http",
        "tcp",
        "sql",
        "file",
        "disk",
        "load",
        "memory",
        "process",
        "command",
        "sip",
        "asterisk",
      ].map((k) => `### \`kind: ${k}\``),
      "## `cluster`",
      "## `hooks`",
      "## `sip`",
      "## `asterisk`",
      "## `ui`",
      "## `operators`",
      "## `reports`",
      "## `upstream`",
      "## Full example",
    ]);
  });

  it("tables keys with type, default and description", () => {
    expect(reference).toContain(
      "| `port` | integer 1–65535 | **required** | TCP port to connect to. |",
    );
    expect(reference).toContain("| `interval` | duration | `1s` | Time between checks. |");
    expect(reference).toContain(
      "| `method` | `GET`, `HEAD`, `POST`, `OPTIONS` | `GET` | HTTP method. |",
    );
    expect(reference).toContain("| `command` | string or list of string | **required** |");
  });

  it("shows the common probe fields once, not in every kind", () => {
    expect(reference.match(/^\| `severity` \|/gm)).toHaveLength(1);
  });

  it("is the same on every call", () => {
    expect(configReference()).toBe(reference);
  });

  it("ends with an example that loads", async () => {
    expect(reference).toContain(exampleConfig);
    const env = Object.fromEntries(EXAMPLE_ENV.map((name) => [name, "secret"]));
    const { config, warnings } = await parseConfigText(exampleConfig, "example.yaml", { env });
    expect(warnings).toEqual([]);
    expect(new Set(Object.values(config.probes).map((p) => p.kind)).size).toBe(
      probeSchema.options.length,
    );
  });
});
