/**
 * The web console in a real browser (Debian's chromium via playwright-core) against a real
 * pair of agent processes: the page shows both nodes and follows a failover live, an operator
 * logs in (after a refused attempt), acts with the keyboard only and sees the engine's answer,
 * and the pages print no error. The screenshots of docs/ui.md are taken on every run and
 * written to docs/ui/ only with `TANDEM_UPDATE_SCREENSHOTS=1`.
 */
import { gzipSync } from "node:zlib";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../src/ui/password.js";
import { screenshot, startBrowser, type TestBrowser } from "./helpers/browser.js";
import { type Pair, startPair } from "./helpers/pair.js";
import { waitFor } from "./helpers/processes.js";

/** The one console error a deliberate wrong password causes: chromium reports the 401. */
const EXPECTED_401 = /Failed to load resource: the server responded with a status of 401/;

/** The focused element, as much of it as the test reads (the test compiles without DOM types). */
interface Focused {
  getAttribute(name: string): string | null;
}

let pair: Pair;
let browser: TestBrowser;
let page: Page;
let onB: Page;
let url: Record<"a" | "b", string>;

beforeAll(async () => {
  const alice = await hashPassword("alice-password");
  pair = await startPair({
    timers: "profile: lan",
    // A check slower than 1 s three times in a row is needed to fence a node: the machine
    // running the browser beside both agents is busy, and this test is about the page.
    appTimers: "interval: 200ms, timeout: 1s, fall: 3, rise: 1",
    sip: true,
    extra: () => `operators:\n  alice: "${alice}"\n`,
  });
  await pair.startBoth();
  await pair.settled();
  url = { a: `http://127.0.0.1:${pair.ports.a}`, b: `http://127.0.0.1:${pair.ports.b}` };
  browser = await startBrowser();
  page = await browser.newPage();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await pair?.close();
});

const mode = (p: Page, node: string) =>
  p.locator(`article[data-node="${node}"] .mode`).getAttribute("data-mode", { timeout: 2000 });

describe("the web console", () => {
  it("serves the page at / with a strict CSP and shows both nodes", async () => {
    const r = await fetch(`${url.a}/`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^text\/html/);
    expect(r.headers.get("content-security-policy")).toMatch(
      /default-src 'self'.*script-src 'self'; style-src 'self'/,
    );
    // The pair itself must not have moved (a busy machine can fail a's probe): the page is
    // then compared with what the agents say, not with a stale expectation.
    const modes = [(await pair.status("a")).node.mode, (await pair.status("b")).node.mode];
    expect(modes, "the pair moved before the page opened").toEqual(["ACTIVE", "STANDBY"]);
    await page.goto(`${url.a}/`);
    await waitFor(
      async () => (await mode(page, "a")) === "ACTIVE" && (await mode(page, "b")) === "STANDBY",
      10_000,
      "both cards",
    ).catch(async (err: Error) => {
      throw new Error(
        `${err.message}: ${await page.locator("body").textContent()} ${browser.errors.join("; ")}`,
      );
    });
    await expect(
      page.locator('article[data-node="a"] tr[data-probe="app"] .state').textContent(),
    ).resolves.toBe("UP");
    await expect(
      page.locator('article[data-node="b"] li[data-flag="self-fenced"]').textContent(),
    ).resolves.toMatch(/clear/);
    // The SIP responder's counters, and this very page among the node's event streams.
    await expect(page.locator('article[data-node="a"] dl.sip').textContent()).resolves.toMatch(
      /requests\d+/,
    );
    await expect(page.locator('article[data-node="a"] .clients').textContent()).resolves.toMatch(
      /[1-9]\d* event stream\(s\) open/,
    );
    await expect(page.locator("#fences [data-verdict]").getAttribute("data-verdict")).resolves.toBe(
      "normal",
    );
    await waitFor(
      async () => (await page.locator("#log table tbody tr").count()) > 0,
      5000,
      "the failover log",
    );
    await screenshot(page, "pair.png", { fullPage: true });
    expect(browser.errors).toEqual([]);
  });

  it("refuses a wrong password, then logs in", async () => {
    await page.fill("#login-name", "alice");
    await page.fill("#login-password", "wrong");
    await page.click('#login button[type="submit"]');
    await page.waitForSelector("#login-error:has-text('login refused')");
    await screenshot(page, "login-refused.png");
    await page.fill("#login-password", "alice-password");
    await page.click('#login button[type="submit"]');
    await page.waitForSelector("#operator:has-text('alice')");
    const cookie = (await browser.context.cookies(url.a)).find((c) => c.name === "tandem_session");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", secure: false });
    expect(browser.errors.filter((e) => !EXPECTED_401.test(e))).toEqual([]);
    expect(browser.errors.filter((e) => EXPECTED_401.test(e))).toHaveLength(1);
    browser.errors.length = 0;
  });

  it("runs an action from the keyboard alone and shows the engine's answer", async () => {
    await page.waitForSelector('#action-buttons button[data-action="suspend"][data-node="b"]');
    // Tab from the top of the page until the "Suspend b" button has the focus.
    await page.locator("body").focus();
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = await page.evaluate(() => {
        const el = (globalThis as unknown as { document: { activeElement: Focused | null } })
          .document.activeElement;
        return (
          el?.getAttribute("data-action") === "suspend" && el.getAttribute("data-node") === "b"
        );
      });
    }
    expect(reached).toBe(true);
    await page.keyboard.press("Enter");
    await page.waitForSelector("#confirm[open]");
    await expect(page.locator("#confirm-what").textContent()).resolves.toMatch(
      /will neither take over nor fence/,
    );
    await screenshot(page, "confirm.png");
    // The dialog focuses "Cancel"; Shift+Tab reaches "Yes".
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Enter");
    await page.waitForSelector('#answer [data-outcome="changed"]');
    await expect(page.locator("#answer").textContent()).resolves.toMatch(
      /Suspend b.*changed[\s\S]*alice@web from 127\.0\.0\.1/,
    );
    await waitFor(
      async () =>
        /suspended: SET/.test(
          (await page.locator('article[data-node="b"] li[data-flag="suspended"]').textContent()) ??
            "",
        ),
      5000,
      "b suspended on the page",
    );
    await screenshot(page, "answer.png", { fullPage: true });
    // Asked again, the engine answers "unchanged"; both answers are in b's failover log with the name.
    const log = await pair.cli(["log", "--json"]);
    expect(log.stdout).toMatch(/alice@web from 127\.0\.0\.1/);
    await page.click('#action-buttons button[data-action="resume"][data-node="b"]');
    await page.click("#confirm-yes");
    await page.waitForSelector('#answer [data-outcome="changed"]:has-text("resume")');
    expect(browser.errors).toEqual([]);
  });

  it("refuses actions without a session or without the CSRF token", async () => {
    const body = JSON.stringify({ action: "suspend", node: "b" });
    const anonymous = await fetch(`${url.a}/ui/api/action`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(anonymous.status).toBe(401);
    const cookie = (await browser.context.cookies(url.a)).find((c) => c.name === "tandem_session");
    const noToken = await fetch(`${url.a}/ui/api/action`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: `tandem_session=${cookie?.value}` },
      body,
    });
    expect(noToken.status).toBe(403);
    expect(((await noToken.json()) as { error: string }).error).toMatch(/X-CSRF-Token/);
  });

  it("shows a failover on the surviving node's page within 1 s, without a reload", async () => {
    // The page on a would report its own failed requests once a is gone.
    await page.close();
    onB = await browser.newPage();
    await onB.goto(`${url.b}/`);
    await waitFor(
      async () => (await mode(onB, "b")) === "STANDBY" && (await mode(onB, "a")) === "ACTIVE",
      10_000,
      "b's page",
    ).catch(async (err: Error) => {
      throw new Error(
        `${err.message}: ${await onB.locator("body").textContent()} ${browser.errors.join("; ")}`,
      );
    });
    await onB.evaluate(() => {
      (globalThis as unknown as { marker: number }).marker = 1;
    });
    await pair.kill("a");
    await waitFor(async () => (await pair.role("b")).status === 200, 20_000, "b serving");
    const served = Date.now();
    await waitFor(
      async () => (await mode(onB, "b")) === "ACTIVE",
      3000,
      "the page showing b ACTIVE",
    );
    const shownAfter = Date.now() - served;
    expect(shownAfter).toBeLessThanOrEqual(1000);
    // Same document: the page was not reloaded.
    expect(await onB.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(1);
    await waitFor(async () => (await mode(onB, "a")) === "UNREACHABLE", 5000, "a unreachable");
    await screenshot(onB, "failover.png", { fullPage: true });
    expect(browser.errors).toEqual([]);
  });

  it("hands the calls back to the restarted node with the guided recovery, step by step", {
    timeout: 120_000,
  }, async () => {
    pair.start("a");
    await waitFor(
      async () =>
        ["SELF_FENCED", "PEER_FENCED", "STANDBY"].includes((await pair.status("a")).node.mode),
      40_000,
      "a back",
    );
    // b's agent has its own sessions: log in there.
    await onB.fill("#login-name", "alice");
    await onB.fill("#login-password", "alice-password");
    await onB.click('#login button[type="submit"]');
    await onB.waitForSelector("#operator:has-text('alice')");
    await onB.click("#recover-load");
    await onB.waitForSelector('#recover li[data-step="preflight"]');
    await expect(onB.locator("#recover").textContent()).resolves.toMatch(
      /Recovering "a" \(calls are on "b"\)/,
    );
    for (let i = 0; i < 9; i++) {
      const next = onB.locator("#recover-next");
      const step = await next.getAttribute("data-step", { timeout: 20_000 });
      await next.click();
      await onB.waitForSelector("#confirm[open]");
      // No queues-paused hook in this pair: the operator confirms by hand.
      if (step === "queues-paused") await onB.check("#queues-paused");
      await onB.click("#confirm-yes");
      await onB
        .waitForSelector(`#recover li.done[data-step="${step}"]`, { timeout: 40_000 })
        .catch(async (err: Error) => {
          throw new Error(`${err.message}: ${await onB.locator("#answer").textContent()}`);
        });
      if (step === "handback") await screenshot(onB, "recover.png", { fullPage: true });
    }
    await waitFor(
      async () => (await mode(onB, "a")) === "ACTIVE" && (await mode(onB, "b")) === "STANDBY",
      5000,
      "a ACTIVE again on the page",
    );
    expect((await pair.status("a")).node.serving).toBe(true);
    const log = await pair.cli(["log", "--json"]);
    expect(log.stdout).toMatch(/alice@web from 127\.0\.0\.1/);
    expect(browser.errors).toEqual([]);
  });

  it("loads at most 200 KB compressed on first load", async () => {
    const fresh = await browser.newPage();
    const sizes: Array<[string, number]> = [];
    fresh.on("response", async (r) => {
      const body = await r.body().catch(() => Buffer.alloc(0));
      sizes.push([r.url(), gzipSync(body, { level: 6 }).length]);
    });
    await fresh.goto(`${url.b}/`, { waitUntil: "networkidle" }).catch(() => undefined);
    await waitFor(async () => (await mode(fresh, "a")) === "ACTIVE", 5000, "the page drawn");
    const files = sizes.filter(([u]) => !u.includes("/v1/events"));
    expect(files.map(([u]) => new URL(u).pathname)).toEqual(
      expect.arrayContaining(["/", "/ui/app.js", "/ui/app.css"]),
    );
    const total = files.reduce((sum, [, n]) => sum + n, 0);
    expect(total).toBeLessThanOrEqual(200 * 1024);
    await fresh.close();
  });
});
