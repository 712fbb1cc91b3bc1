// Online services in a browser on a phone-sized screen with JavaScript off, as a new user and an
// official would use them: a citizen signs in with the national login, gets an address reference and
// checks its QR code on the verify page; applies to replace a driving licence, attaches a photo,
// pays the fee on the development payment page, is asked for a document and sends it; an officer
// of the agency handles it in the back office and grants it. axe-core checks every page.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { SESSION_COOKIE, encodeSession, type Principal } from '../../src/kernel/auth.ts';
import { seedPeople } from '../../src/modules/exchange/test-fixtures.ts';
import { readQrImage } from '../../src/modules/health/dcc/index.ts';
import { DEMO_CITIZEN } from '../../src/modules/registries/index.ts';
import { freePort, testApp, type TestApp } from '../helpers.ts';
import { browserSkipReason, journeyChecks, launch } from './browser.ts';

const skip = browserSkipReason();
const POPPLER = spawnSync('sh', ['-c', 'command -v pdftoppm']).status === 0;
const OFFICER: Principal = { id: 'mrt-officer-browser', name: 'Б.Тулга', kind: 'official', roles: ['officer'], agencyId: 'mrt' };

describe('online services, in a browser', { skip }, () => {
  let app: TestApp;
  let browser: Browser;
  let base: string;
  const checks = journeyChecks(() => browser);

  before(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = await testApp({ seed: true, config: { baseUrl: base } });
    await seedPeople(app, 60, 'online-services-browser');
    await app.server.listen({ port, host: '127.0.0.1' });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  /** Signs the demo citizen in with a code to her phone, read from the development outbox as a person trying the demo would. */
  async function signIn(page: Page, returnTo: string): Promise<void> {
    await page.goto(`${base}/en/sign-in/national?returnTo=${encodeURIComponent(returnTo)}`);
    await page.getByLabel('Register number').fill(DEMO_CITIZEN.registerNumber);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('A code sent to your phone').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    const outbox = await page.context().newPage();
    await outbox.goto(`${base}/en/dev/outbox`);
    const code = /code is (\d{6})|код (\d{6})/.exec((await outbox.locator('main').textContent()) ?? '');
    await outbox.close();
    assert.ok(code, 'a code in the outbox');
    await page.getByLabel('Code', { exact: true }).fill(code[1] ?? code[2]!);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(/\/acting$/);
    await page.getByLabel('Myself').check();
    await page.getByRole('button', { name: 'Continue' }).click();
  }

  async function officerContext(): Promise<BrowserContext> {
    const context = await checks.context(false);
    await context.addCookies([{ name: SESSION_COOKIE, value: encodeSession(app.config.sessionSecret, OFFICER), url: base }]);
    return context;
  }

  it('gets an address reference and checks its QR code', async () => {
    const context = await checks.context(false);
    const page = await context.newPage();
    await signIn(page, '/en/references');
    await page.waitForURL(/\/en\/references$/);
    await checks.accessible(page, 'references');
    await page.getByRole('link', { name: 'Residence address reference' }).click();
    await checks.accessible(page, 'a reference: what is fetched');
    await page.getByRole('button', { name: 'Get the reference' }).click();
    assert.match((await page.locator('.govuk-error-summary').textContent()) ?? '', /Tick the box/);
    await checks.accessible(page, 'a reference: consent missing');
    await page.getByLabel(/I agree that the portal fetches/).check();
    await page.getByRole('button', { name: 'Get the reference' }).click();
    await page.waitForURL(/\/en\/my\/requests\/UR-/);
    assert.match((await page.locator('h1').textContent()) ?? '', /Your reference is ready/);
    await checks.accessible(page, 'a reference: ready');

    const pdfHref = await page.getByRole('link', { name: /Download the PDF/ }).getAttribute('href');
    const pdf = await page.request.get(`${base}${pdfHref}`);
    assert.equal(pdf.headers()['content-type'], 'application/pdf');
    let verifyAddress = `${base}/verify/${/documents\/([0-9A-Z]{16})\.pdf/.exec(pdfHref ?? '')![1]}`;
    if (POPPLER) {
      const folder = mkdtempSync(path.join(tmpdir(), 'urtuu-journey-'));
      try {
        writeFileSync(path.join(folder, 'r.pdf'), await pdf.body());
        assert.equal(spawnSync('pdftoppm', ['-png', '-r', '150', '-singlefile', path.join(folder, 'r.pdf'), path.join(folder, 'page')]).status, 0);
        const read = readQrImage(readFileSync(path.join(folder, 'page.png')));
        assert.ok(read, 'the QR code on the printed reference reads');
        verifyAddress = read;
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    }
    // Whoever is shown the paper checks it, signed in or not.
    const stranger = await checks.context(false);
    const check = await stranger.newPage();
    await check.goto(verifyAddress);
    assert.match((await check.locator('main').textContent()) ?? '', /Valid document/);
    assert.match((await check.locator('main').textContent()) ?? '', /Registered address/);
    await checks.accessible(check, 'verify a document');
    await page.goto(`${base}/en/my/documents`);
    await checks.accessible(page, 'my documents');
    await stranger.close();
    await context.close();
  });

  it('applies, pays, sends a document asked for, and is granted; an officer handles it', async () => {
    const context = await checks.context(false);
    const page = await context.newPage();
    await signIn(page, '/en/apply/driving-licence-replacement');
    await page.waitForURL(/\/en\/apply\/driving-licence-replacement$/);
    await checks.accessible(page, 'apply: start');
    await page.getByRole('button', { name: 'Agree and start' }).click();
    // Four parts: a task list, each part from it and back to it.
    await page.waitForURL(/\/apply\/driving-licence-replacement\/[0-9a-f-]{36}$/);
    assert.match((await page.locator('main').textContent()) ?? '', /Cannot start yet/);
    await checks.accessible(page, 'apply: the task list');
    await page.getByRole('link', { name: 'Why are you replacing your licence?' }).click();
    await checks.accessible(page, 'apply: a question');
    await page.getByRole('button', { name: 'Continue' }).click();
    assert.match((await page.locator('.govuk-error-summary').textContent()) ?? '', /Select why the licence is replaced/);
    await checks.accessible(page, 'apply: a question unanswered');
    await page.getByLabel('Lost').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('link', { name: 'Your current licence number' }).click();
    await page.getByLabel('Your current licence number').fill('AB123456');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('link', { name: 'Your photo' }).click();
    const image = new PNG({ width: 60, height: 80 });
    image.data.fill(180);
    await page.getByLabel('Your photo').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: PNG.sync.write(image) });
    await checks.accessible(page, 'apply: a file');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('link', { name: 'How do you want to get the licence?' }).click();
    await page.getByLabel('Collect it at a service centre').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('link', { name: 'Check your answers before sending' }).click();
    await page.waitForURL(/\/check$/);
    assert.match((await page.locator('main').textContent()) ?? '', /Сарангэрэл/);
    await checks.accessible(page, 'apply: check your answers');
    await page.getByRole('button', { name: 'Accept and send' }).click();
    await page.waitForURL(/\/en\/my\/requests\/UR-/);
    const number = page.url().split('/').at(-1)!;
    assert.match((await page.locator('h1').textContent()) ?? '', /Application sent/);
    await checks.accessible(page, 'apply: sent');
    // Back, after sending: the request, said to be sent already, not a dead end.
    await page.goBack();
    await page.waitForURL(new RegExp(`/en/my/requests/${number}\\?already=1$`));
    assert.match(await page.locator('.govuk-notification-banner').innerText(), /Already sent/);
    await checks.accessible(page, 'apply: back after sending');

    await page.getByRole('button', { name: 'Pay the fee' }).click();
    await checks.accessible(page, 'pay: the invoice');
    await page.getByRole('link', { name: 'Pay on the development payment page' }).click();
    await checks.accessible(page, 'pay: the development bank');
    await page.getByRole('button', { name: /^Pay/ }).click();
    await page.goto(`${base}/en/my/requests/${number}`);
    assert.equal(await page.getByRole('button', { name: 'Pay the fee' }).count(), 0, 'paid: nothing more to pay');

    const office = await officerContext();
    const desk = await office.newPage();
    await desk.goto(`${base}/en/office`);
    await checks.accessible(desk, 'office: the queue');
    await desk.getByRole('link', { name: number }).click();
    await checks.accessible(desk, 'office: an application');
    await desk.getByRole('button', { name: 'Start processing' }).click();
    await desk.getByLabel(/Which document, and why/).fill('A police report of the loss, please');
    await desk.getByRole('button', { name: 'Ask for a document' }).click();
    assert.match((await desk.locator('main').textContent()) ?? '', /Document requested/);

    await page.goto(`${base}/en/my/requests/${number}`);
    assert.match((await page.locator('main').textContent()) ?? '', /A police report of the loss/);
    await checks.accessible(page, 'a document asked for');
    await page.getByLabel('The document').setInputFiles({ name: 'report.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7\nreport\n%%EOF') });
    await page.getByRole('button', { name: 'Send the document' }).click();
    assert.match((await page.locator('main').textContent()) ?? '', /report\.pdf/);

    await desk.reload();
    await desk.getByRole('button', { name: 'Start processing' }).click();
    await desk.getByLabel(/A note for the decision/).fill('Collect it at the Bayangol centre');
    await desk.getByRole('button', { name: 'Grant' }).click();
    assert.match((await desk.locator('main').textContent()) ?? '', /Granted/);

    await page.reload();
    const text = (await page.locator('main').textContent()) ?? '';
    assert.match(text, /Granted/);
    assert.match(text, /Your document/);
    await checks.accessible(page, 'granted');
    await page.goto(`${base}/en/my/messages`);
    assert.match((await page.locator('main').textContent()) ?? '', new RegExp(number));
    await office.close();
    await context.close();
  });

  it('an agency administrator changes a form on a page', async () => {
    const context = await checks.context(false);
    const admin: Principal = { id: 'gasr-admin-browser', name: 'Д.Ганбат', kind: 'official', roles: ['agency-admin'], agencyId: 'gasr' };
    await context.addCookies([{ name: SESSION_COOKIE, value: encodeSession(app.config.sessionSecret, admin), url: base }]);
    const page = await context.newPage();
    await page.goto(`${base}/en/admin/forms`);
    await checks.accessible(page, 'forms: the list');
    await page.getByRole('link', { name: 'Reserve a company name' }).click();
    await checks.accessible(page, 'forms: a definition');
    await page.getByLabel('Definition (JSON)').fill('{ "slug": "company-name-reservation", "pages": [] }');
    await page.getByRole('button', { name: 'Save as a new version' }).click();
    assert.match((await page.locator('.govuk-error-summary').textContent()) ?? '', /at least one/);
    await checks.accessible(page, 'forms: what is wrong');
    await context.close();
  });
});
