import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import Fastify, { type FastifyInstance } from "fastify";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfigText } from "../config/index.js";
import { attachConsole } from "./attach.js";
import { CONSOLE_CSP } from "./headers.js";
import { hashPassword } from "./password.js";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A console on an in-process Fastify (no agent), with page files written to a temp dir. */
async function consoleApp(yaml: string, files: Record<string, string>): Promise<FastifyInstance> {
  const dir = mkdtempSync(join(tmpdir(), "tandem-ui-assets-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const { config } = await parseConfigText(`node: { name: a }\n${yaml}`, "t.yaml");
  const app = Fastify();
  cleanups.push(() => app.close());
  attachConsole(app, {
    config,
    name: "a",
    status: () => {
      throw new Error("not read by these tests");
    },
    cluster: () => null,
    logger: pino({ enabled: false }),
    assetDir: dir,
  });
  return app;
}

describe("attachConsole", () => {
  it("serves the page and its files with the CSP, gzip and an ETag", async () => {
    const app = await consoleApp("", {
      "index.html": "<!doctype html><p>hi</p>",
      "app.js": "export {};",
    });
    const page = await app.inject({ url: "/", headers: { "accept-encoding": "gzip, br" } });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.headers["content-security-policy"]).toBe(CONSOLE_CSP);
    expect(page.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(page.rawPayload).toString()).toBe("<!doctype html><p>hi</p>");
    const again = await app.inject({
      url: "/",
      headers: { "if-none-match": String(page.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
    const js = await app.inject({ url: "/ui/app.js" });
    expect(js.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(js.body).toBe("export {};");
    expect((await app.inject({ url: "/ui/nope.js" })).statusCode).toBe(404);
  });

  it("says how to build the page when its files are missing", async () => {
    const app = await consoleApp("", {});
    const r = await app.inject({ url: "/" });
    expect(r.statusCode).toBe(500);
    expect(r.body).toMatch(/console's files are missing from .*: run "npm run build"/);
  });

  it("logs in, refuses actions without CSRF token or from another origin, logs out", async () => {
    const hash = await hashPassword("alice-password");
    const app = await consoleApp(`operators:\n  alice: "${hash}"\n`, {});
    const anonymous = await app.inject({ url: "/ui/api/session" });
    expect(anonymous.json()).toMatchObject({
      node: "a",
      operator: null,
      csrf: null,
      public: "status",
      pair: false,
    });
    const bad = await app.inject({
      method: "POST",
      url: "/ui/api/login",
      payload: { name: "alice" },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatch(
      /expected a JSON body \{"name": OPERATOR, "password": PASSWORD\}/,
    );
    const login = await app.inject({
      method: "POST",
      url: "/ui/api/login",
      payload: { name: "alice", password: "alice-password" },
    });
    expect(login.statusCode).toBe(200);
    const cookie = String(login.headers["set-cookie"]).split(";")[0] as string;
    const { csrf } = login.json() as { csrf: string };
    const post = (headers: Record<string, string>) =>
      app.inject({
        method: "POST",
        url: "/ui/api/logout",
        headers: { cookie, host: "a.example:7701", ...headers },
        payload: {},
      });
    expect((await post({})).statusCode).toBe(403);
    const foreign = await post({ "x-csrf-token": csrf, origin: "http://evil.example" });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error).toMatch(/origin "http:\/\/evil.example" refused/);
    const out = await post({ "x-csrf-token": csrf, origin: "http://a.example:7701" });
    expect(out.statusCode).toBe(200);
    expect(out.headers["set-cookie"]).toMatch(/Max-Age=0/);
    expect(
      (await app.inject({ url: "/ui/api/session", headers: { cookie } })).json().operator,
    ).toBeNull();
  });

  it("with ui.public none, keeps the pair and queue data behind the login", async () => {
    const app = await consoleApp("ui: { public: none }\n", {});
    expect((await app.inject({ url: "/ui/api/pair" })).statusCode).toBe(401);
    expect((await app.inject({ url: "/ui/api/queues" })).statusCode).toBe(401);
  });

  it("refuses a queues day that is not a date of the calendar", async () => {
    const app = await consoleApp("reports: { store: /nonexistent/store.sqlite }\n", {});
    for (const day of ["2026-02-31", "2026-13-01", "20261120", "1763679600"]) {
      const r = await app.inject({ url: `/ui/api/queues?day=${day}` });
      expect(r.statusCode, day).toBe(400);
      expect(r.json().error).toBe(`day "${day}" must be a date YYYY-MM-DD`);
    }
  });
});
