import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigInvalidError, errorTable, isTandemError, ListenError } from "./errors.js";

const doc = readFileSync(new URL("../docs/errors.md", import.meta.url), "utf8");

describe("error table", () => {
  it("lists every code in docs/errors.md with its exit code, and nothing else", () => {
    const documented = [...doc.matchAll(/^\| `(TANDEM_ERR_[A-Z_]+)` \| (\d+) \|/gm)].map((m) => [
      m[1],
      Number(m[2]),
    ]);
    const table = Object.values(errorTable).map((e) => [e.code, e.exitCode]);
    expect(documented.sort()).toEqual(table.sort());
  });

  it("errors carry code, exit code, details and cause, and extend the nearest built-in", () => {
    const cause = new Error("EADDRINUSE");
    const err = new ConfigInvalidError("bad", { details: [{ line: 1 }], cause });
    expect(err).toBeInstanceOf(TypeError);
    expect(err.code).toBe("TANDEM_ERR_CONFIG_INVALID");
    expect(err.exitCode).toBe(2);
    expect(err.details).toEqual([{ line: 1 }]);
    expect(err.cause).toBe(cause);
    expect(err.name).toBe("TypeError [TANDEM_ERR_CONFIG_INVALID]");
    expect(isTandemError(err)).toBe(true);
    expect(isTandemError(new Error("x"))).toBe(false);
    expect(new ListenError("x").exitCode).toBe(4);
  });
});
