/**
 * Debian's chromium driven by playwright-core, for tests of pages the agent serves: one
 * headless browser with a fresh profile, and every console message, page error and CSP
 * violation of its pages collected.
 */
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { ROOT, tempDir } from "./processes.js";

/** Where Debian installs chromium. */
export const CHROMIUM = "/usr/bin/chromium";

/** Chromium's command-line flags for a headless test run. */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A running browser and what its pages complained about. */
export interface TestBrowser {
  context: BrowserContext;
  /** Errors and warnings printed by pages (including CSP violations) and uncaught exceptions. */
  errors: string[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Starts chromium with a throw-away profile. `ignoreHTTPSErrors` is never set: a TLS test
 * must make the browser trust its CA another way.
 *
 * @example
 * ```ts
 * const browser = await startBrowser();
 * const page = await browser.newPage();
 * ```
 */
export async function startBrowser(args: string[] = []): Promise<TestBrowser> {
  const { dir, remove } = tempDir("tandem-chromium-");
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_FLAGS, ...args],
    viewport: { width: 1280, height: 900 },
  });
  const errors: string[] = [];
  return {
    context,
    errors,
    async newPage() {
      const page = await context.newPage();
      page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warning") errors.push(`${m.type()}: ${m.text()}`);
      });
      return page;
    },
    async close() {
      await context.close();
      remove();
    },
  };
}

/** Where the screenshots shown in docs/ui.md live. */
export const SCREENSHOTS = join(ROOT, "docs/ui");

/**
 * Takes a screenshot of `page` (a page that cannot be drawn fails the test) and writes it to
 * `docs/ui/NAME` only when `TANDEM_UPDATE_SCREENSHOTS=1`, so that a test run leaves the
 * checkout as it found it.
 *
 * @example
 * ```ts
 * await screenshot(page, "pair.png", { fullPage: true });
 * ```
 */
export async function screenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<Buffer> {
  const path = process.env.TANDEM_UPDATE_SCREENSHOTS === "1" ? join(SCREENSHOTS, name) : undefined;
  return page.screenshot({ ...options, path });
}
