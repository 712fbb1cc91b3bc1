// A real browser for journeys: the system Chromium driven by playwright-core, and axe-core run
// inside each page with the real stylesheet loaded (WCAG 2.2 AA).
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const CHROMIUM = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((path) => existsSync(path));

/** Why browser tests cannot run here, or undefined when they can. In CI a missing browser is a failure, not a skip. */
export function browserSkipReason(): string | undefined {
  if (CHROMIUM) return undefined;
  if (process.env.CI) throw new Error('Chromium is required in CI (apt-get install -y chromium)');
  return 'no Chromium found: install it with `apt-get install -y chromium` or set CHROMIUM_PATH';
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM!,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Serves the app on a free local port and opens the browser that will visit it. */
export async function serve(app: { server: { listen(options: { port: number; host: string }): Promise<unknown>; server: { address(): unknown } } }): Promise<{ base: string; browser: Browser }> {
  await app.server.listen({ port: 0, host: '127.0.0.1' });
  return { base: `http://127.0.0.1:${(app.server.server.address() as AddressInfo).port}`, browser: await launch() };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core on the page for WCAG 2.0/2.1/2.2 A and AA; returns the violations. */
export async function axe(page: Page): Promise<AxeViolation[]> {
  // evaluate() runs through the DevTools protocol, which our Content-Security-Policy does not block.
  await page.evaluate(`${axeSource}\n;undefined`);
  const options = { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } };
  return page.evaluate(`axe.run(document, ${JSON.stringify(options)}).then((result) => result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((node) => ({ target: node.target })),
  })))`) as Promise<AxeViolation[]>;
}

export function describeViolations(violations: AxeViolation[]): string {
  return violations.map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((node) => node.target.join(' ')).slice(0, 3).join(', ')}`).join('\n');
}

/** A cheap phone's screen. */
export const PHONE = { width: 360, height: 740 };

/**
 * Checks a page as the person sees it: no axe-core violation with the real stylesheet loaded, and
 * nothing wider than a phone. axe runs inside the page, so it needs JavaScript: a page shown
 * without it (`scripted: false`) is copied, exactly as rendered (form errors included), into a tab
 * on the same origin where scripts may run.
 */
export async function checkPage(browser: Browser, page: Page, label: string, options: { scripted: boolean }): Promise<void> {
  let target = page;
  if (!options.scripted) {
    const twin = await browser.newContext({ javaScriptEnabled: true, viewport: PHONE });
    target = await twin.newPage();
    await target.goto(new URL('/healthz', page.url()).href);
    await target.setContent(await page.content(), { waitUntil: 'load' });
  }
  const violations = await axe(target);
  const overflow = (await target.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
  if (target !== page) await target.context().close();
  assert.equal(violations.length, 0, `${label} (${page.url()}):\n${describeViolations(violations)}`);
  assert.ok(overflow <= 0, `${label} (${page.url()}) is ${overflow}px wider than a phone`);
}

/**
 * The page checks of one journey: `context` opens a phone-sized tab with JavaScript on or off,
 * `accessible` runs checkPage on a page of such a tab, and `checked` names every page checked (so a
 * journey can assert it saw every page type). `browser` is read when called: it is launched later.
 */
export function journeyChecks(browser: () => Browser, options: BrowserContextOptions = {}) {
  const scripting = new WeakMap<BrowserContext, boolean>();
  const checked = new Set<string>();
  return {
    checked,
    async context(javaScriptEnabled: boolean): Promise<BrowserContext> {
      const context = await browser().newContext({ ...options, javaScriptEnabled, viewport: PHONE });
      scripting.set(context, javaScriptEnabled);
      return context;
    },
    async accessible(page: Page, label: string): Promise<void> {
      await checkPage(browser(), page, label, { scripted: scripting.get(page.context()) ?? false });
      checked.add(label);
    },
  };
}
