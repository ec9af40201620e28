/**
 * The console of one agent in chromium: the queues page of a store loaded by `tandem qload`
 * shows exactly what `tandem report` prints (table and chart), behind a login with
 * `ui.public: none`; and the console over HTTPS (`api.tls`), with a `Secure` session cookie.
 * The screenshots of docs/ui.md are taken on every run and written to docs/ui/ only with
 * `TANDEM_UPDATE_SCREENSHOTS=1`.
 */
import { createHash, createPublicKey } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { generateQueueLog } from "../src/queuelog/generate.js";
import { hashPassword } from "../src/ui/password.js";
import { screenshot, startBrowser } from "./helpers/browser.js";
import { makeCa, makeCert } from "./helpers/certs.js";
import { useCleanups } from "./helpers/cleanups.js";
import {
  freePort,
  runTandem,
  startTandem,
  tempDir,
  waitFor,
  writeFile,
} from "./helpers/processes.js";

const DAY = "2026-11-20";

const cleanups = useCleanups();

/** Starts `tandem agent` on `config`, stopped after the test. */
function agent(config: string): void {
  const running = startTandem(["agent", "--config", config]);
  cleanups.push(async () => {
    running.child.kill("SIGTERM");
    await running.exited.catch(() => undefined);
  });
}

async function logIn(page: Page, password: string): Promise<void> {
  await page.fill("#login-name", "alice");
  await page.fill("#login-password", password);
  await page.click('#login button[type="submit"]');
  await page.waitForSelector("#operator:has-text('alice')");
}

describe("the console of one agent", () => {
  it("shows the queues of a day with the numbers of tandem report, behind a login", {
    timeout: 120_000,
  }, async () => {
    const { dir, remove } = tempDir("tandem-ui-queues-");
    cleanups.push(remove);
    const start = Math.floor(new Date(`${DAY}T00:00:00`).getTime() / 1000);
    const log = join(dir, "queue_log");
    writeFileSync(
      log,
      `${[...generateQueueLog({ start, days: 1, callsPerDay: 600, queues: ["sales", "support"], agents: 8, seed: 7 })].join("\n")}\n`,
    );
    const store = join(dir, "store.sqlite");
    const load = await runTandem(
      ["qload", "--partition", "A", "--file", log, "--store", store, "--once"],
      { timeoutMs: 60_000 },
    );
    expect(load.code, load.stderr).toBe(0);
    const port = await freePort();
    const alice = await hashPassword("alice-password");
    agent(
      writeFile(
        dir,
        "a.yaml",
        `node: { name: a, stateDir: ${join(dir, "state")} }
api: { listen: "127.0.0.1:${port}" }
log: { file: ${join(dir, "a.log")} }
ui: { public: none }
operators:
  alice: "${alice}"
reports: { store: ${store} }
`,
      ),
    );
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${base}/v1/status`)).ok, 20_000, "the agent");
    // With ui.public none the console's data needs a login; the API's /v1/status does not.
    expect((await fetch(`${base}/ui/api/queues?day=${DAY}`)).status).toBe(401);

    const report = async (args: string[]) => {
      const r = await runTandem(
        ["report", ...args, "--store", store, "--from", DAY, "--to", DAY, "--json"],
        { timeoutMs: 60_000 },
      );
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as Array<Record<string, number | string | null>>;
    };
    const queues = await report(["queues"]);
    expect(queues.map((q) => q.queue)).toEqual(["sales", "support"]);

    const browser = await startBrowser();
    cleanups.push(() => browser.close());
    const page = await browser.newPage();
    await page.goto(`${base}/#queues`);
    await page.waitForSelector("#locked:visible");
    expect(await page.locator("#queues-body").textContent()).toBe("");
    await logIn(page, "alice-password");
    await page.fill("#queues-day", DAY);
    await page.click('#queues-form button[type="submit"]');
    await page.waitForSelector('#queue-table tr[data-queue="sales"]');
    for (const q of queues) {
      const row = page.locator(`#queue-table tr[data-queue="${q.queue}"]`);
      for (const k of ["offered", "answered", "abandoned"]) {
        expect(Number(await row.locator(`td[data-k="${k}"]`).textContent())).toBe(q[k]);
      }
      const sl = q.serviceLevel === null ? "—" : `${q.serviceLevel}%`;
      expect(await row.locator('td[data-k="serviceLevel"]').textContent()).toBe(sl);
      const hours = await report(["hours", "--queue", String(q.queue)]);
      const bars = await page
        .locator(`svg[data-queue="${q.queue}"] rect.offered`)
        .evaluateAll((els) =>
          els.map((e) => [
            Number(e.getAttribute("data-hour")),
            Number(e.getAttribute("data-offered")),
          ]),
        );
      expect(bars).toEqual(hours.map((h) => [h.hour, h.offered]));
      const answered = await page
        .locator(`svg[data-queue="${q.queue}"] rect.answered`)
        .evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-answered"))));
      expect(answered).toEqual(hours.map((h) => h.answered));
    }
    await expect(page.locator("#agents-now").textContent()).resolves.toMatch(
      /Agents logged in now: \d+, paused: \d+/,
    );
    await screenshot(page, "queues.png", { fullPage: true });
    expect(browser.errors).toEqual([]);
  });

  it("serves the console over HTTPS with a Secure session cookie", {
    timeout: 60_000,
  }, async () => {
    const { dir, remove } = tempDir("tandem-ui-tls-");
    cleanups.push(remove);
    const ca = makeCa(dir, "ca");
    const cert = makeCert(dir, ca, "a");
    const port = await freePort();
    const alice = await hashPassword("alice-password");
    agent(
      writeFile(
        dir,
        "a.yaml",
        `node: { name: a, stateDir: ${join(dir, "state")} }
api:
  listen: "127.0.0.1:${port}"
  tls: { cert: ${cert.crt}, key: ${cert.key}, ca: ${ca.crt} }
log: { file: ${join(dir, "a.log")} }
operators:
  alice: "${alice}"
`,
      ),
    );
    // The browser trusts exactly this certificate's key, as an operator's browser would trust the CA.
    const spki = createHash("sha256")
      .update(createPublicKey(cert.keyPem).export({ type: "spki", format: "der" }))
      .digest("base64");
    const browser = await startBrowser([`--ignore-certificate-errors-spki-list=${spki}`]);
    cleanups.push(() => browser.close());
    const page = await browser.newPage();
    const base = `https://127.0.0.1:${port}`;
    await waitFor(
      async () => {
        const r = await page.goto(`${base}/`).catch(() => null);
        return r?.status() === 200;
      },
      20_000,
      "the page over HTTPS",
    );
    await page.waitForSelector('article[data-node="a"] .mode[data-mode="ACTIVE"]', {
      timeout: 15_000,
    });
    await logIn(page, "alice-password");
    const cookie = (await browser.context.cookies(base)).find((c) => c.name === "tandem_session");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", secure: true });
    await screenshot(page, "tls.png");
    expect(browser.errors).toEqual([]);
  });
});
