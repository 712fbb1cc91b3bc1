// The verifier page in a real browser with JavaScript off, as a person uses it: paste a
// certificate, upload a QR picture, see the result; axe-core on each state (WCAG 2.2 AA).
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { PHONE, browserSkipReason, checkPage, serve } from '../../../test/browser/browser.ts';
import { testApp, type TestApp } from '../../../test/helpers.ts';
import { qrPng } from './dcc/index.ts';
import { CITIZEN, seedHealthPeople } from './test-fixtures.ts';

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
});
