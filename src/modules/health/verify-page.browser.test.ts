// The verifier page and the citizen's certificates page in a real browser with JavaScript off, as a
// person uses them: paste a certificate, upload a QR picture, see the result; get certificates and
// their PDF; axe-core on each state (WCAG 2.2 AA).
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { PHONE, browserSkipReason, checkPage, serve } from '../../../test/browser/browser.ts';
import { testApp, type TestApp } from '../../../test/helpers.ts';
import { SESSION_COOKIE, encodeSession } from '../../kernel/auth.ts';
import { DEV_PERSONAS } from '../../web/dev-sign-in.ts';
import { qrPng } from './dcc/index.ts';
import { createHealth } from './service.ts';
import { CITIZEN, recordsWithTests, seedHealthPeople } from './test-fixtures.ts';

const skip = browserSkipReason();

describe('DCC verifier page in a browser', { skip }, () => {
  let app: TestApp;
  let browser: Browser;
  let base: string;
  let folder: string;

  before(async () => {
    app = await testApp({ seed: false });
    await seedHealthPeople(app);
    ({ base, browser } = await serve(app));
    folder = await mkdtemp(path.join(tmpdir(), 'urtuu-dcc-'));
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  const accessible = (page: Page, label: string) => checkPage(browser, page, label, { scripted: false });

  it('checks a pasted certificate and an uploaded QR picture, with JavaScript off', async () => {
    const { hc1 } = await app.health.issueVaccination(CITIZEN, null);
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: PHONE });
    const page = await context.newPage();

    await page.goto(`${base}/mn/dcc/verify`);
    await accessible(page, 'verifier form (mn)');
    await page.getByRole('button', { name: 'Гэрчилгээг шалгах' }).click();
    await page.waitForSelector('.govuk-error-summary');
    await accessible(page, 'verifier form with an error');

    await page.fill('#hc1', hc1);
    await page.getByRole('button', { name: 'Гэрчилгээг шалгах' }).click();
    await page.waitForSelector('.govuk-panel');
    assert.match(await page.textContent('.govuk-panel') ?? '', /Гэрчилгээ хүчинтэй байна/);
    await accessible(page, 'valid result');

    await page.goto(`${base}/en/dcc/verify`);
    const picture = path.join(folder, 'qr.png');
    await writeFile(picture, await qrPng(hc1));
    await page.setInputFiles('#qr', picture);
    await page.getByRole('button', { name: 'Check certificate' }).click();
    await page.waitForSelector('.govuk-panel');
    assert.match(await page.textContent('.govuk-panel') ?? '', /The certificate is valid/);

    await page.goto(`${base}/en/dcc/verify`);
    await page.fill('#hc1', `${hc1.slice(0, -12)}ABCDEFGHIJKL`);
    await page.getByRole('button', { name: 'Check certificate' }).click();
    await page.waitForSelector('#failures');
    await accessible(page, 'invalid result');
    await context.close();
  });

  it("shows a citizen's certificates page, issues each type and serves the PDF, with JavaScript off", async () => {
    // The module fed with tests and recoveries, as app.ts will feed it once the registry holds them.
    const health = createHealth(app.ctx, recordsWithTests());
    Object.assign(app.health, { issue: health.issue, available: health.available });
    const citizen = DEV_PERSONAS.find((persona) => persona.id === 'dev-citizen')!;
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: PHONE });
    const host = new URL(base).hostname;
    await context.addCookies([{ name: SESSION_COOKIE, value: encodeSession(app.config.sessionSecret, citizen), domain: host, path: '/' }]);
    const page = await context.newPage();

    await page.goto(`${base}/mn/my/health-certificates`);
    await accessible(page, 'my certificates (mn)');
    await page.getByRole('button', { name: 'Шинжилгээний гэрчилгээ авах' }).click();
    await page.waitForSelector('.govuk-panel');
    await accessible(page, 'test certificate issued (mn)');
    const href = await page.getAttribute('a[href$=".pdf"]', 'href');
    assert.ok(href);
    const pdf = await context.request.get(`${base}${href}`);
    assert.equal(pdf.status(), 200);
    assert.equal(pdf.headers()['content-type'], 'application/pdf');
    assert.equal((await pdf.body()).subarray(0, 5).toString('latin1'), '%PDF-');

    await page.goto(`${base}/en/my/health-certificates`);
    await page.getByRole('button', { name: 'Get a certificate of recovery' }).click();
    await page.waitForSelector('.govuk-panel');
    await page.goto(`${base}/en/my/health-certificates`);
    assert.equal(await page.locator('table a[href$=".pdf"]').count() >= 2, true);
    await accessible(page, 'my certificates with history (en)');
    await context.close();
  });
});
