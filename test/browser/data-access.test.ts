// "Who looked at my data" and the exchange's member catalogue in a browser on a phone-sized screen,
// with JavaScript off: a citizen whose address a bank read (and a debt collector was refused)
// signs in, sees both reads with who, what and why, withdraws the bank's consent, and the bank's
// next read is refused. axe-core checks each page with the real stylesheet; nothing scrolls sideways.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_CITIZEN } from '../../src/modules/registries/index.ts';
import { ADDRESS_SERVICE, outsideMember, seedPeople, type OutsideMember } from '../../src/modules/exchange/test-fixtures.ts';
import { testApp, type TestApp } from '../helpers.ts';
import { PHONE, browserSkipReason, checkPage, serve } from './browser.ts';

const skip = browserSkipReason();

describe('who looked at my data, in a browser', { skip }, () => {
  let app: TestApp;
  let browser: Browser;
  let base: string;
  let bank: OutsideMember;
  let consentId: string;

  before(async () => {
    app = await testApp({ seed: false });
    await seedPeople(app, 10);
    bank = await outsideMember(app, { memberCode: 'khanbank', name: 'Khan Bank', rights: [{ service: ADDRESS_SERVICE }] });
    const collector = await outsideMember(app, { memberCode: 'collector', name: 'Debt Collectors LLC', rights: [{ service: ADDRESS_SERVICE }] });
    consentId = (await app.exchange.grantConsent({ subject: DEMO_CITIZEN.registerNumber, clientId: bank.client, services: [ADDRESS_SERVICE], purpose: 'Loan application', method: 'portal', days: 30 })).id;
    assert.equal((await bank.exchange.call(ADDRESS_SERVICE, `/${DEMO_CITIZEN.registerNumber}`, { consent: consentId, purpose: 'Loan application' })).status, 200);
    assert.equal((await collector.exchange.call(ADDRESS_SERVICE, `/${DEMO_CITIZEN.registerNumber}`, { purpose: 'Finding debtors' })).status, 403);
    ({ base, browser } = await serve(app));
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  const accessible = (page: Page, label: string) => checkPage(browser, page, label, { scripted: false });

  it('a citizen sees who read her data and why, and withdraws a consent', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: PHONE });
    const page = await context.newPage();
    const first = await page.goto(`${base}/mn/my/data-access`);
    assert.equal(first?.status(), 401);
    await page.getByRole('link', { name: /Нэвтрэх/ }).last().click();
    await page.getByLabel(/Н\.Сарангэрэл/).check();
    await Promise.all([page.waitForURL(/\/mn\/my\/data-access$/), page.getByRole('button', { name: /Нэвтрэх/ }).last().click()]);

    const text = (await page.locator('main').textContent()) ?? '';
    assert.match(text, /Khan Bank/);
    assert.match(text, /Loan application/);
    assert.match(text, /Debt Collectors LLC/);
    assert.match(text, /Finding debtors/);
    assert.match(text, /Оршин суугаа хаягийн лавлагаа/);
    await accessible(page, 'who looked at my data');

    await Promise.all([page.waitForURL(/\/mn\/my\/data-access$/), page.getByRole('button', { name: /Цуцлах|Withdraw/ }).first().click()]);
    assert.equal((await page.getByRole('button', { name: /Цуцлах|Withdraw/ }).count()), 0, 'no consent left to withdraw');
    await accessible(page, 'after withdrawing');
    await context.close();

    const again = await bank.exchange.call(ADDRESS_SERVICE, `/${DEMO_CITIZEN.registerNumber}`, { consent: consentId, purpose: 'Loan application' });
    assert.equal(again.status, 403, 'a withdrawn consent no longer opens the data');
  });

  it('lists the exchange members and their services for anyone', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: PHONE });
    const page = await context.newPage();
    const response = await page.goto(`${base}/en/exchange`);
    assert.equal(response?.status(), 200);
    const text = (await page.locator('main').textContent()) ?? '';
    assert.match(text, /Khan Bank/);
    assert.match(text, /Residence address reference/);
    await accessible(page, 'exchange catalogue');
    await context.close();
  });
});
