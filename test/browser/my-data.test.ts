// What a person reads about herself, on a phone with JavaScript off, by clicking from the home page:
// she signs in, reads her details (the place of birth as words), gets a reference (its PDF at the
// top), makes a payment and finds every table as cards with the amount and status in sight, sees
// her sign-in's device named in words, and on "who looked at my data" finds one read of her
// details, each withdraw button named for its consent, and a confirmation where she withdrew one.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { seedPeople } from '../../src/modules/exchange/test-fixtures.ts';
import { DEMO_CITIZEN } from '../../src/modules/registries/index.ts';
import { formatAddress } from '../../src/kernel/address.ts';
import { SESSION_COOKIE, encodeSession } from '../../src/kernel/auth.ts';
import { DEV_PERSONAS } from '../../src/web/dev-sign-in.ts';
import { freePort, testApp, type TestApp } from '../helpers.ts';
import { PHONE, browserSkipReason, journeyChecks, launch } from './browser.ts';

const skip = browserSkipReason();

/** Tables that scroll sideways, and cells that reach past the phone's screen. */
async function tableOverflow(page: Page): Promise<string[]> {
  return page.evaluate(`[...document.querySelectorAll('main table')].flatMap((table) => {
    const out = [];
    if (table.scrollWidth > table.clientWidth + 1 || table.getBoundingClientRect().right > ${PHONE.width} + 1) out.push('wider than the phone: ' + (table.caption?.textContent ?? '').trim());
    // A box around it that scrolls sideways hides columns as surely as a wide table.
    for (let node = table.parentElement; node && node.tagName !== 'MAIN'; node = node.parentElement) {
      const overflow = getComputedStyle(node).overflowX;
      if ((overflow === 'auto' || overflow === 'scroll') && node.scrollWidth > node.clientWidth + 1) out.push('scrolls sideways: ' + (node.className || node.tagName));
    }
    for (const cell of table.querySelectorAll('td')) { const box = cell.getBoundingClientRect(); if (box.width > 0 && box.right > ${PHONE.width} + 1) out.push('past the screen: ' + cell.textContent.trim().slice(0, 40)); }
    return out;
  })`) as Promise<string[]>;
}

describe('what a person reads about herself, in a browser', { skip }, () => {
  let app: TestApp;
  let browser: Browser;
  let base: string;
  const checks = journeyChecks(() => browser);

  before(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = await testApp({ seed: true, config: { baseUrl: base } });
    await seedPeople(app, 40, 'my-data-browser');
    await app.server.listen({ port, host: '127.0.0.1' });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it('reads her own details, payments, sign-ins and who looked at her data, in cards that fit a phone', async () => {
    const context = await checks.context(false);
    const page = await context.newPage();
    // She opens her page first: the header's "Sign in" brings her back to it.
    await page.goto(`${base}/en/my`);
    await page.locator('header').getByRole('link', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: /national login/i }).or(page.getByRole('button', { name: /national login/i })).first().click();
    await page.getByLabel('Register number').fill(DEMO_CITIZEN.registerNumber);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('A code sent to your phone').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    const { rows } = await app.ctx.db.query<{ body: string }>(`SELECT body FROM messaging.outbox WHERE purpose = 'identity.login-code' ORDER BY created_at DESC LIMIT 1`);
    await page.getByLabel('Code', { exact: true }).fill(/(\d{6})/.exec(rows[0]!.body)![1]!);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Myself').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(/\/en\/my$/);

    // My details: the place of birth in words, in the page's language.
    const record = await app.registries.byKey(await app.registries.get({ id: 'population' }), DEMO_CITIZEN.registerNumber);
    const main = () => page.locator('main').innerText();
    assert.ok((await main()).includes(formatAddress(record!.content.birthPlace, 'en')), 'the place of birth, formatted');
    assert.doesNotMatch(await main(), /\[object Object\]/);
    await checks.accessible(page, 'my details');
    assert.deepEqual(await tableOverflow(page), []);

    // A reference: its PDF offered at the top, before the request's details.
    await page.getByRole('link', { name: 'Get a reference online' }).first().click();
    await page.getByRole('link', { name: 'Residence address reference' }).click();
    await page.getByLabel(/I agree that the portal fetches/).check();
    await page.getByRole('button', { name: 'Get the reference' }).click();
    await page.waitForURL(/\/en\/my\/requests\/UR-/);
    const pdfTop = await page.getByRole('link', { name: /Download the PDF/ }).boundingBox();
    const detailsTop = await page.locator('main .govuk-summary-list').first().boundingBox();
    assert.ok(pdfTop && detailsTop && pdfTop.y < detailsTop.y, 'the PDF link comes before the details');
    assert.ok(pdfTop.y < PHONE.height * 1.5, `the PDF link is near the top (${Math.round(pdfTop.y)} px)`);
    await checks.accessible(page, 'a reference: ready');

    // Payments as cards: amount and status in sight, nothing scrolls sideways.
    await page.goto(`${base}/en/my`);
    await page.getByRole('link', { name: 'My payments' }).first().click();
    await page.getByRole('button', { name: /test invoice/ }).click();
    await page.getByRole('link', { name: 'My payments' }).first().click().catch(async () => page.goBack());
    if (!page.url().endsWith('/en/my/payments')) await page.goto(`${base}/en/my/payments`);
    assert.deepEqual(await tableOverflow(page), []);
    for (const label of ['Amount to pay', 'Status']) {
      const cell = page.locator(`main td[data-label="${label}"]`).first();
      const box = await cell.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= PHONE.width + 1, `${label} is on the screen`);
    }
    await checks.accessible(page, 'my payments');

    for (const [link, label] of [['My requests', 'my requests'], ['My documents', 'my documents']] as const) {
      await page.goto(`${base}/en/my`);
      await page.getByRole('link', { name: link }).first().click();
      assert.deepEqual(await tableOverflow(page), [], label);
      await checks.accessible(page, label);
    }

    // Sign-ins: the device in words, never the browser's raw string.
    await page.goto(`${base}/en/my`);
    await page.getByRole('link', { name: 'My sign-ins' }).click();
    assert.match(await main(), /Chrome on Linux/);
    assert.doesNotMatch(await main(), /Mozilla\/5\.0/);
    await checks.accessible(page, 'my sign-ins');

    // Who looked at my data: her details read once for all these visits, each button named for its consent.
    await page.goto(`${base}/en/my`);
    await page.getByRole('link', { name: 'Who looked at my data' }).click();
    await checks.accessible(page, 'who looked at my data');
    const text = await main();
    assert.equal(text.split('My details: at my own request').length - 1, 2, 'one read and one consent of my details');
    assert.doesNotMatch(text, /Миний мэдээлэл/, 'the purpose in English only');
    const buttons = await page.getByRole('button', { name: /^Withdraw/ }).evaluateAll((nodes) => nodes.map((node) => node.textContent?.trim() ?? ''));
    assert.ok(buttons.length >= 2, buttons.join(' | '));
    assert.equal(new Set(buttons).size, buttons.length, `each withdraw button has its own name: ${buttons.join(' | ')}`);
    const reference = page.getByRole('button', { name: /Withdraw\W+E-Mongolia Academy, Residence address reference, given \d{4}\.\d{2}\.\d{2}/ });
    await reference.click();
    const status = page.getByRole('status');
    assert.match((await status.textContent()) ?? '', /Consent withdrawn: E-Mongolia Academy can no longer read your data under it/);
    assert.equal(await status.locator('xpath=ancestor::li').getAttribute('id'), new URL(page.url()).hash.slice(1), 'said where the button was');
    await checks.accessible(page, 'a consent withdrawn');

    // The same in Mongolian, by the language link.
    await page.getByRole('link', { name: 'Монгол' }).click();
    assert.match(await main(), /Миний мэдээлэл: өөрийн хүсэлтээр/);
    assert.doesNotMatch(await main(), /My details: at my own request/);
    await checks.accessible(page, 'who looked at my data, in Mongolian');
    await context.close();
  });

  it('keeps an answer typed but not sent when she switches language (JavaScript on)', async () => {
    const context = await checks.context(true);
    await context.addCookies([{ name: SESSION_COOKIE, value: encodeSession(app.config.sessionSecret, DEV_PERSONAS.find((persona) => persona.id === 'dev-citizen')!), url: base }]);
    const page = await context.newPage();
    await page.goto(`${base}/en/my`);
    await page.getByRole('link', { name: 'Apply online' }).first().click();
    await page.getByRole('link', { name: /driving licence/i }).first().click();
    await page.getByRole('button', { name: 'Agree and start' }).click();
    await page.getByRole('link', { name: 'Your current licence number' }).click();
    await page.getByLabel('Your current licence number').fill('AB654321');
    await page.getByRole('link', { name: 'Монгол' }).click();
    await page.waitForURL(/\/mn\/apply\//);
    assert.equal(await page.locator('input[name="licenceNumber"]').inputValue(), 'AB654321', 'the typed answer survives the switch');
    await checks.accessible(page, 'a question, after switching language');
    // Only once: coming back later shows what was saved, not a stale copy.
    await page.reload();
    assert.equal(await page.locator('input[name="licenceNumber"]').inputValue(), '');
    await context.close();
  });
});
