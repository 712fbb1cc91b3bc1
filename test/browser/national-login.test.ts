// The national login in a browser on a phone-sized screen, as a new user would go through it, with
// JavaScript off: she types her register number, has a code sent to her phone (read here from the
// development outbox, as a person trying the demo would), pastes it, chooses whom she acts for, and
// lands on her page. Then with a digital signature and through her bank, as a parent for her child,
// and as a director for her company (the QR sign-in has its own journey in qr-login.test.ts). axe-core
// checks every page with the real stylesheet; nothing scrolls sideways.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { issueCertificateForRegisteredPerson, signChallenge } from '../../src/modules/identity/index.ts';
import { DEMO_CITIZEN } from '../../src/modules/registries/index.ts';
import { seedPeople } from '../../src/modules/exchange/test-fixtures.ts';
import { freePort, testApp, type TestApp } from '../helpers.ts';
import { browserSkipReason, journeyChecks, launch } from './browser.ts';

const skip = browserSkipReason();

describe('national login, in a browser', { skip }, () => {
  let app: TestApp;
  let browser: Browser;
  let base: string;
  let director: string;
  const checks = journeyChecks(() => browser);

  before(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = await testApp({ seed: false, config: { baseUrl: base } });
    await seedPeople(app, 80);
    await app.server.listen({ port, host: '127.0.0.1' });
    browser = await launch();
    // Someone adult who directs a company (the generator makes some).
    const { rows } = await app.ctx.db.query<{ director: string }>(
      `SELECT content->'directors'->0->>'registerNumber' AS director FROM registries.records WHERE registry_id = 'legal-entities' AND content->>'status' = 'active' ORDER BY key LIMIT 1`,
    );
    director = rows[0]!.director;
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  /** Reads the newest code from the development outbox page, in another tab. */
  async function codeFromOutbox(page: Page): Promise<string> {
    const outbox = await page.context().newPage();
    await outbox.goto(`${base}/en/dev/outbox`);
    const text = (await outbox.locator('main').textContent()) ?? '';
    await outbox.close();
    const code = /code is (\d{6})|код (\d{6})/.exec(text);
    assert.ok(code, 'a code in the outbox');
    return code[1] ?? code[2]!;
  }

  async function signIn(page: Page, registerNumber: string, lang: 'mn' | 'en'): Promise<void> {
    // She opens her page before signing in; the header's "Sign in" brings her back to it afterwards.
    await page.goto(`${base}/${lang}/my`);
    await page.getByRole('link', { name: lang === 'mn' ? 'Нэвтрэх' : 'Sign in' }).first().click();
    await page.getByRole('link', { name: lang === 'mn' ? /Үндэсний нэвтрэлтээр/ : /national login/ }).click();
    await page.waitForURL(/\/login\/[^/]+$/);
    await checks.accessible(page, 'register number');
    await page.getByLabel(lang === 'mn' ? 'Регистрийн дугаар' : 'Register number').fill(registerNumber.toLowerCase());
    await page.getByRole('button', { name: lang === 'mn' ? 'Үргэлжлүүлэх' : 'Continue' }).click();
    await page.waitForURL(/\/methods$/);
    await checks.accessible(page, 'choose a method');
    await page.getByLabel(lang === 'mn' ? 'Утсанд ирэх код' : 'A code sent to your phone').check();
    await page.getByRole('button', { name: lang === 'mn' ? 'Үргэлжлүүлэх' : 'Continue' }).click();
    await page.waitForURL(/\/sms$/);
    await checks.accessible(page, 'enter the code');
    const code = await codeFromOutbox(page);
    await page.getByLabel(lang === 'mn' ? 'Код' : 'Code', { exact: true }).fill(code);
    await page.getByRole('button', { name: lang === 'mn' ? 'Үргэлжлүүлэх' : 'Continue' }).click();
  }

  it('a citizen signs in with a code to her phone and sees her details, in Mongolian', async () => {
    const context = await checks.context(false);
    const page = await context.newPage();
    // A wrong code first: the error summary, in Mongolian.
    await page.goto(`${base}/mn`);
    await signIn(page, DEMO_CITIZEN.registerNumber, 'mn');
    await page.waitForURL(/\/acting$/);
    await checks.accessible(page, 'whom do you act for');
    await page.getByLabel('Өөрийнхөө нэрээр').check();
    await page.getByRole('button', { name: 'Үргэлжлүүлэх' }).click();
    await page.waitForURL(/\/mn\/my$/);
    const text = (await page.locator('main').textContent()) ?? '';
    assert.match(text, new RegExp(DEMO_CITIZEN.registerNumber));
    assert.match(text, /Сүүлийн нэвтрэлтүүд/);
    await checks.accessible(page, 'my details');
    await page.goto(`${base}/mn/my/sign-ins`);
    await checks.accessible(page, 'my sign-ins');
    // Sign out: the provider asks once more, in her language.
    await page.getByRole('button', { name: /Гарах/ }).first().click();
    await checks.accessible(page, 'sign out of every service');
    await page.getByRole('button', { name: 'Бүх үйлчилгээнээс гарах' }).click();
    await page.waitForURL(new RegExp(`${base}/mn$`));
    await context.close();
  });

  it('refuses a wrong code with a clear message', async () => {
    const context = await checks.context(false);
    const page = await context.newPage();
    await page.goto(`${base}/en/sign-in/national`);
    await page.getByLabel('Register number').fill(DEMO_CITIZEN.registerNumber);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('A code sent to your phone').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    const real = await codeFromOutbox(page);
    await page.getByLabel('Code', { exact: true }).fill(String((Number(real) + 1) % 1_000_000).padStart(6, '0'));
    await page.getByRole('button', { name: 'Continue' }).click();
    assert.match((await page.locator('.govuk-error-summary').textContent()) ?? '', /The code is not right\. You have 4 more tries/);
    await checks.accessible(page, 'wrong code');
    await context.close();
    await app.ctx.db.query('DELETE FROM identity.lockouts');
  });

  it('a parent acts for her child, and pages say so', async () => {
    const context = await checks.context(false);
    const page = await context.newPage();
    await signIn(page, DEMO_CITIZEN.registerNumber, 'en');
    await page.waitForURL(/\/acting$/);
    await page.locator('input[name="actingFor"][value^="parent:"]').first().check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(/\/en\/my$/);
    assert.match((await page.locator('.urtuu-acting-banner').textContent()) ?? '', /You are acting for/);
    await checks.accessible(page, 'acting for a child');
    await context.close();
  });

  /** Register number, then a method: the page that method opens. */
  async function startWith(page: Page, method: string, registerNumber = DEMO_CITIZEN.registerNumber): Promise<void> {
    await page.goto(`${base}/en/sign-in/national`);
    await page.getByLabel('Register number').fill(registerNumber);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel(method).check();
    await page.getByRole('button', { name: 'Continue' }).click();
  }

  async function asHerself(page: Page): Promise<void> {
    await page.waitForURL(/\/acting$/);
    await page.getByLabel('Myself').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(/\/en\/my$/);
  }

  it('signs in with a digital signature: the challenge signed with her certificate and pasted', async () => {
    const issued = await issueCertificateForRegisteredPerson(app.ctx, app.identity.identity, DEMO_CITIZEN.registerNumber);
    const context = await checks.context(false);
    const page = await context.newPage();
    await startWith(page, 'Digital signature');
    await page.waitForURL(/\/signature$/);
    await checks.accessible(page, 'digital signature');
    // A signature that does not match: named, and a new challenge given.
    await page.getByLabel('Your certificate (PEM)').fill(issued.certificatePem);
    await page.getByLabel('Signature', { exact: true }).fill('AAAA');
    await page.getByRole('button', { name: 'Continue' }).click();
    assert.match((await page.locator('.govuk-error-summary').textContent()) ?? '', /could not be verified/);
    await checks.accessible(page, 'digital signature refused');
    const challenge = ((await page.locator('#challenge').textContent()) ?? '').trim();
    await page.getByLabel('Signature', { exact: true }).fill(signChallenge(issued.privateKeyPem, challenge));
    await page.getByRole('button', { name: 'Continue' }).click();
    await asHerself(page);
    await context.close();
  });

  it('signs in through her internet bank (the development bank)', async () => {
    const context = await checks.context(false);
    const page = await context.newPage();
    await startWith(page, 'Your internet bank');
    await page.waitForURL(/\/bank$/);
    await checks.accessible(page, 'choose a bank');
    await page.getByRole('button', { name: /Development Bank|Хөгжүүлэлтийн банк/ }).click();
    await page.waitForURL(/\/dev-bank\/authorize/);
    await checks.accessible(page, 'the bank’s page');
    await page.getByLabel('Account holder’s register number').fill(DEMO_CITIZEN.registerNumber);
    await page.getByLabel('Internet bank password').fill('correct horse');
    await page.getByRole('button', { name: 'Sign in and return' }).click();
    await asHerself(page);
    await context.close();
  });

  it('a director signs in for her company', async () => {
    const context = await checks.context(false);
    const page = await context.newPage();
    await signIn(page, director, 'en');
    await page.waitForURL(/\/acting$/);
    const company = page.locator('input[name="actingFor"][value^="director:"]').first();
    await company.check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(/\/en\/my$/);
    assert.match((await page.locator('.urtuu-acting-banner').textContent()) ?? '', /You are acting for .+/);
    await context.close();
    assert.ok(['register number', 'choose a method', 'enter the code', 'whom do you act for', 'my details', 'my sign-ins', 'sign out of every service', 'wrong code', 'digital signature', 'digital signature refused', 'choose a bank', 'the bank’s page'].every((label) => checks.checked.has(label)), [...checks.checked].join(', '));
  });
});
