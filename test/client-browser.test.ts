/**
 * The client library in a real browser: Debian's chromium, driven by playwright-core, loads
 * the compiled ESM from dist/ as a module script and follows a real pair with the browser's
 * own EventSource, across origins, through a SIGKILL of the active node.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join, normalize } from "node:path";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { CHROMIUM, CHROMIUM_FLAGS as FLAGS } from "./helpers/browser.js";
import { useCleanups } from "./helpers/cleanups.js";
import { startPair } from "./helpers/pair.js";
import { ROOT, tempDir, waitFor } from "./helpers/processes.js";

const cleanups = useCleanups();

const PAGE = `<!doctype html><meta charset="utf-8"><title>console</title>
<script type="module">
  import { connect } from "/dist/client/index.js";
  const servers = new URLSearchParams(location.search).getAll("server");
  window.seen = [];
  window.client = connect({ servers, policy: "follow", transport: "eventsource", keepAliveMs: 1000,
    identity: { name: "browser-console", version: "1.0" }, backoff: { initialMs: 100, maxMs: 500 } });
  window.client.on("switch", (from, to) => window.seen.push(["switch", from, to]));
  window.client.on("active", (url) => window.seen.push(["active", url]));
</script>`;

/** Serves the page and dist/ (read-only, nothing outside dist) on a free loopback port. */
async function pageServer(): Promise<string> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/") {
      res.setHeader("content-type", "text/html; charset=utf-8");
      res.end(PAGE);
      return;
    }
    const file = normalize(join(ROOT, path));
    if (!file.startsWith(join(ROOT, "dist")) || !file.endsWith(".js")) {
      res.statusCode = 404;
      res.end();
      return;
    }
    try {
      const body = readFileSync(file);
      res.setHeader("content-type", "text/javascript; charset=utf-8");
      res.end(body);
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanups.push(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe("client library in chromium", () => {
  it("follows the pair with EventSource across a SIGKILL of the active", {
    timeout: 180_000,
  }, async () => {
    const p = await startPair({ timers: "profile: lan" });
    cleanups.push(() => p.close());
    await p.startBoth();
    await waitFor(async () => (await p.role("a")).status === 200, 40_000, "a ACTIVE");
    await waitFor(async () => (await p.status("b")).node.mode === "STANDBY", 20_000, "b STANDBY");
    const a = `http://127.0.0.1:${p.ports.a}`;
    const b = `http://127.0.0.1:${p.ports.b}`;
    const origin = await pageServer();

    const { dir, remove } = tempDir("tandem-chromium-");
    cleanups.push(remove);
    const context = await chromium.launchPersistentContext(dir, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
    });
    cleanups.push(() => context.close());
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${origin}/?server=${encodeURIComponent(a)}&server=${encodeURIComponent(b)}`);
    const current = () =>
      page.evaluate(
        () => (globalThis as unknown as { client: { current: string | null } }).client.current,
      );
    await waitFor(async () => (await current()) === a, 15_000, `browser on a ${errors.join("; ")}`);
    expect(await page.evaluate(() => typeof EventSource)).toBe("function");

    await p.kill("a");
    await waitFor(async () => (await current()) === b, 20_000, "browser on b");
    expect(await page.evaluate(() => (globalThis as unknown as { seen: unknown }).seen)).toEqual([
      ["active", a],
      ["switch", a, b],
      ["active", b],
    ]);
    // The browser identified itself and told b, across origins, that it follows b.
    await waitFor(
      async () => {
        const doc = (await (await fetch(`${b}/v1/clients`)).json()) as {
          clients: Array<{ name: string; follows: string }>;
        };
        return doc.clients.some((c) => c.name === "browser-console" && c.follows === "b");
      },
      5000,
      "b listing the browser client",
    );
    expect(errors).toEqual([]);
  });
});
