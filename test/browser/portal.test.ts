// Browser journeys through the portal, as a citizen and as an administrator, with axe-core on every
// page type visited, with JavaScript on and off.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { testApp, type TestApp } from '../helpers.ts';
import { PHONE, browserSkipReason, journeyChecks, serve } from './browser.ts';

const skip = browserSkipReason();

describe('portal in a browser', { skip }, () => {
  let app: TestApp;
  let browser: Browser;
  let base: string;
  const { checked, context, accessible } = journeyChecks(() => browser, { locale: 'mn-MN' });

  before(async () => {
    app = await testApp();
    ({ base, browser } = await serve(app));
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  for (const javaScriptEnabled of [true, false]) {
    it(`searches "хаяг", opens the address reference and switches to English (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const ctx = await context(javaScriptEnabled);
      const page = await ctx.newPage();
      await page.goto(`${base}/`);
      assert.equal(new URL(page.url()).pathname, '/mn');
      await accessible(page, 'home');

      await page.getByRole('searchbox', { name: 'Үйлчилгээний нэр эсвэл түлхүүр үг' }).first().fill('хаяг');
      await Promise.all([page.waitForURL(/\/mn\/search\?q=/), page.getByRole('button', { name: 'Хайх' }).first().click()]);
      await accessible(page, 'search results');

      const result = page.locator('.urtuu-result a[href="/mn/services/residence-address-reference"]');
      assert.equal(await result.count(), 1, 'the address reference is in the results');
      await Promise.all([page.waitForURL(/\/mn\/services\/residence-address-reference$/), result.click()]);
      assert.match((await page.locator('h1').textContent()) ?? '', /хаяг/i);
      await accessible(page, 'service');

      await Promise.all([page.waitForURL(/\/en\/services\/residence-address-reference$/), page.getByRole('link', { name: 'English' }).click()]);
      assert.match((await page.locator('h1').textContent()) ?? '', /address/i);
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      await accessible(page, 'service (en)');
      await ctx.close();
    });
  }

  it('passes axe on every public page type, in both languages', async () => {
    const ctx = await context(true);
    const page = await ctx.newPage();
    const pages: [string, string, number][] = [
      ['sectors', '/mn/sectors', 200],
      ['sector', '/mn/sectors/civil-registration', 200],
      ['agencies', '/en/agencies', 200],
      ['agency', '/mn/agencies/gasr', 200],
      ['search with filters', '/en/search?q=reference&sector=civil-registration&kind=reference', 200],
      ['search without results', '/mn/search?q=zzqxwv', 200],
      ['search error', `/en/search?q=${'x'.repeat(300)}&sector=nope`, 400],
      ['not found', '/mn/no-such-page', 404],
      ['accessibility statement', '/en/accessibility', 200],
      ['sign-in', '/mn/sign-in', 200],
      ['home (en)', '/en', 200],
    ];
    for (const [label, path, status] of pages) {
      const response = await page.goto(`${base}${path}`);
      assert.equal(response?.status(), status, path);
      await accessible(page, label);
    }
    await ctx.close();
  });

  it('an administrator adds a service through the form without JavaScript, fixing a mistake on the way', async () => {
    const ctx = await context(false);
    const page = await ctx.newPage();
    await page.goto(`${base}/en/admin/services`);
    assert.match((await page.locator('h1').textContent()) ?? '', /You need to sign in/);
    await accessible(page, 'sign-in prompt');
    await page.getByRole('link', { name: 'Sign in' }).last().click();
    await page.getByLabel(/Б\.Болормаа/).check();
    await Promise.all([page.waitForURL(/\/en\/admin\/services$/), page.getByRole('button', { name: 'Sign in' }).last().click()]);
    await accessible(page, 'admin services');

    await page.getByRole('button', { name: 'Add a service' }).click().catch(() => page.getByRole('link', { name: 'Add a service' }).first().click());
    await page.waitForURL(/\/en\/admin\/services\/new$/);
    await accessible(page, 'admin form');
    await page.getByLabel('Name (Mongolian)').fill('Малчны үнэмлэх');
    await page.getByLabel('Name (English)').fill('Herder card');
    await page.getByLabel('Summary (Mongolian)').fill('Малчинд үнэмлэх олгоно.');
    await page.getByLabel('Summary (English)').fill('Issues a herder card.');
    await page.getByLabel('Description (Mongolian)').fill('Малчин иргэн үнэмлэх авна.');
    // English description left empty on purpose.
    await page.getByLabel('Provided by').selectOption('gasr');
    await page.getByLabel('Sector').selectOption('environment-agriculture');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForLoadState();
    assert.match(await page.title(), /^Error:/);
    await accessible(page, 'admin form with errors');
    const summary = page.locator('.govuk-error-summary');
    assert.match((await summary.textContent()) ?? '', /Enter the description in English/);
    assert.equal(await page.getByLabel('Name (Mongolian)').inputValue(), 'Малчны үнэмлэх', 'nothing typed is lost');
    await page.getByLabel('Description (English)').fill('A herder gets a herder card.');
    await Promise.all([page.waitForURL(/created=herder-card/), page.getByRole('button', { name: 'Save' }).click()]);

    await page.goto(`${base}/en/services/herder-card`);
    assert.match((await page.locator('h1').textContent()) ?? '', /Herder card/);
    const service = await app.catalog.getService('herder-card');
    await page.goto(`${base}/en/admin/services/${service.id}/retire`);
    await accessible(page, 'admin retire');
    await page.goto(`${base}/en/admin/services/${service.id}/history`);
    await accessible(page, 'admin history');
    await page.goto(`${base}/en/admin`);
    await accessible(page, 'admin home');
    await ctx.close();
  });

  it('checked every page type', () => {
    for (const label of ['home', 'search results', 'service', 'sectors', 'sector', 'agencies', 'agency', 'not found', 'search error', 'admin form with errors']) {
      assert.ok(checked.has(label), `${label} was not checked with axe`);
    }
  });
});
