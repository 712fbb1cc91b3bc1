// The exchange's administration pages in a browser on a phone-sized screen: a platform
// administrator signs in, adds a member (fixing a mistake on the way) and grants and revokes an
// access right with JavaScript off; axe-core checks every page type with the real stylesheet, and
// no page scrolls sideways.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { generateKeyPair } from '../../src/kernel/pki.ts';
import { testApp, type TestApp } from '../helpers.ts';
import { PHONE, browserSkipReason, journeyChecks, serve } from './browser.ts';

const skip = browserSkipReason();

describe('exchange administration in a browser', { skip }, () => {
  let app: TestApp;
  let browser: Browser;
  let base: string;
  const { checked, context, accessible } = journeyChecks(() => browser);

  before(async () => {
    app = await testApp();
    ({ base, browser } = await serve(app));
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it('a platform administrator signs in, adds a member and fixes a mistake, without JavaScript', async () => {
    const ctx = await context(false);
    const page = await ctx.newPage();
    const response = await page.goto(`${base}/en/admin/exchange`);
    assert.equal(response?.status(), 401);
    assert.match((await page.locator('h1').textContent()) ?? '', /You need to sign in/);
    await page.getByRole('link', { name: 'Sign in' }).last().click();
    await page.getByLabel(/Б\.Болормаа/).check();
    await Promise.all([page.waitForURL(/\/en\/admin\/exchange$/), page.getByRole('button', { name: 'Sign in' }).last().click()]);
    assert.match((await page.locator('h1').textContent()) ?? '', /Data exchange administration/);
    await accessible(page, 'overview');

    await Promise.all([page.waitForURL(/\/members\/new$/), page.getByRole('link', { name: 'Add a member' }).click()]);
    await accessible(page, 'member form');
    await page.getByLabel('COM', { exact: true }).check();
    await page.getByLabel('Member code').fill('khan bank');
    await page.getByLabel('Name (Mongolian)').fill('Khan Bank');
    await page.getByLabel('Name (English)').fill('Khan Bank');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForLoadState();
    assert.match(await page.title(), /^Error:/);
    await accessible(page, 'member form with errors');
    const summary = (await page.locator('.govuk-error-summary').textContent()) ?? '';
    assert.match(summary, /Use only Latin letters, digits and/);
    assert.match(summary, /Write the Mongolian name in Cyrillic/);
    assert.equal(await page.getByLabel('Member code').inputValue(), 'khan bank', 'nothing typed is lost');
    assert.equal(await page.getByLabel('COM', { exact: true }).isChecked(), true);
    await page.getByLabel('Member code').fill('khanbank');
    await page.getByLabel('Name (Mongolian)').fill('Хаан банк');
    await Promise.all([page.waitForURL(/\/en\/admin\/exchange\?done=member/), page.getByRole('button', { name: 'Save' }).click()]);
    assert.match((await page.locator('.govuk-notification-banner').textContent()) ?? '', /Member added: Khan Bank \(MN\/COM\/khanbank\)/);
    await accessible(page, 'overview with a banner');
    await ctx.close();
  });

  it('grants an access right and revokes it after confirming, without JavaScript', async () => {
    const ctx = await context(false);
    const page = await ctx.newPage();
    await page.goto(`${base}/en/sign-in?returnTo=${encodeURIComponent('/en/admin/exchange/access-rights/new')}`);
    await page.getByLabel(/Б\.Болормаа/).check();
    await Promise.all([page.waitForURL(/\/access-rights\/new$/), page.getByRole('button', { name: 'Sign in' }).last().click()]);
    await accessible(page, 'access right form');
    const service = (await app.exchange.directory()).services[0]!;
    await page.getByLabel('Service', { exact: true }).selectOption(service.id);
    await page.getByLabel('Client (subsystem or member)').selectOption(app.portalSubsystem);
    await page.getByLabel('Path', { exact: true }).fill('records with spaces');
    await page.getByRole('button', { name: 'Grant' }).click();
    await page.waitForLoadState();
    assert.match(await page.title(), /^Error:/);
    await accessible(page, 'access right form with errors');
    assert.equal(await page.getByLabel('Service', { exact: true }).inputValue(), service.id, 'the choice is kept');
    await page.getByLabel('Path', { exact: true }).fill('/records/*');
    await Promise.all([page.waitForURL(/\?done=right$/), page.getByRole('button', { name: 'Grant' }).click()]);
    assert.match((await page.locator('.govuk-notification-banner').textContent()) ?? '', /Access right granted/);

    const right = (await app.exchange.directory()).rights.find((row) => row.client_id === app.portalSubsystem && row.path === '/records/*')!;
    assert.ok(right);
    await Promise.all([page.waitForURL(/\/access-rights\/revoke\?id=/), page.locator(`a[href$="/access-rights/revoke?id=${right.id}"]`).click()]);
    await accessible(page, 'revoke confirmation');
    await Promise.all([page.waitForURL(/\?done=rightRevoked$/), page.getByRole('button', { name: 'Yes, revoke' }).click()]);
    assert.match((await page.locator('.govuk-notification-banner').textContent()) ?? '', /Access right revoked/);
    assert.ok(!(await app.exchange.directory()).rights.some((row) => row.id === right.id));
    await ctx.close();
  });

  it('passes axe on every other page and form with an error, in both languages', async () => {
    // A member with a long code, keys, a service and rights: long identifiers must still fit a phone.
    const memberId = await app.exchange.admin.upsertMember({ memberClass: 'COM', memberCode: 'mongolianstatepropertyregistrationcompany2024', name: { mn: 'Урт кодтой компани', en: 'Company with a long code' } });
    const subsystemId = await app.exchange.admin.upsertSubsystem({ memberId, subsystemCode: 'propertyvaluationbackoffice', name: { mn: 'Үнэлгээ', en: 'Valuation' }, authMode: 'tls' });
    const keyId = await app.exchange.admin.addKey({ subsystemId, publicKeyPem: generateKeyPair().publicKeyPem });
    const serviceId = await app.exchange.admin.upsertService({ subsystemId, serviceCode: 'propertyvaluationhistory', title: { mn: 'Үнэлгээний түүх', en: 'Valuation history' }, kind: 'rest', baseUrl: 'https://valuation.example.mn', personal: true });
    const rightId = await app.exchange.admin.grant({ serviceId, clientId: memberId, method: 'GET', path: '/properties/**/valuations' });
    const ctx = await context(true);
    const page = await ctx.newPage();
    await page.goto(`${base}/mn/sign-in?returnTo=${encodeURIComponent('/mn/admin/exchange')}`);
    await page.getByLabel(/Б\.Болормаа/).check();
    await Promise.all([page.waitForURL(/\/mn\/admin\/exchange$/), page.getByRole('button', { name: 'Нэвтрэх' }).last().click()]);
    await accessible(page, 'overview (mn)');
    const portal = encodeURIComponent(app.portalSubsystem);
    const pages: [string, string][] = [
      ['subsystem form', '/en/admin/exchange/subsystems/new'],
      ['key form', '/mn/admin/exchange/keys/new'],
      ['service form', '/en/admin/exchange/services/new'],
      ['rename form', '/mn/admin/exchange/members/edit?id=MN%2FGOV%2Fema'],
      ['keys', `/en/admin/exchange/keys?subsystem=${portal}`],
      ['keys with a long identifier', `/mn/admin/exchange/keys?subsystem=${encodeURIComponent(subsystemId)}`],
      ['overview with long identifiers', '/en/admin/exchange'],
      ['key revoke with a long identifier', `/en/admin/exchange/keys/revoke?key=${encodeURIComponent(keyId)}`],
      ['access right revoke with long identifiers', `/mn/admin/exchange/access-rights/revoke?id=${rightId}`],
      ['rename with a long identifier', `/en/admin/exchange/members/edit?id=${encodeURIComponent(memberId)}`],
      ['key revoke confirmation', `/en/admin/exchange/keys/revoke?key=${encodeURIComponent(`${app.portalSubsystem}#platform`)}`],
      ['administration home', '/en/admin'],
    ];
    for (const [label, path] of pages) {
      const response = await page.goto(`${base}${path}`);
      assert.equal(response?.status(), 200, path);
      await accessible(page, label);
    }
    // Every form sent back empty: the error summary, the messages beside the fields.
    for (const [label, path, button] of [
      ['subsystem form with errors', '/en/admin/exchange/subsystems/new', 'Save'],
      ['key form with errors', '/mn/admin/exchange/keys/new', 'Түлхүүрийг бүртгэх'],
      ['service form with errors', '/en/admin/exchange/services/new', 'Publish'],
    ] as const) {
      await page.goto(`${base}${path}`);
      await page.getByRole('button', { name: button }).click();
      await page.waitForLoadState();
      assert.ok((await page.locator('.govuk-error-summary').count()) === 1, label);
      await accessible(page, label);
    }
    await ctx.close();
  });

  it('checked every page type', () => {
    for (const label of ['overview', 'overview with a banner', 'overview (mn)', 'member form', 'member form with errors', 'access right form with errors', 'service form with errors', 'revoke confirmation']) {
      assert.ok(checked.has(label), `${label} was not checked with axe`);
    }
  });
});
