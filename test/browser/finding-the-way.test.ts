// Finding one's way in the portal on a 360 px phone, by clicking only: back to "my" pages once
// signed in, to the COVID-19 certificate and its verifier, and, for officials, to what their role
// lets them do. Every page on the way passes axe, with JavaScript on and off.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { testApp, type TestApp } from '../helpers.ts';
import { browserSkipReason, journeyChecks, serve } from './browser.ts';

const skip = browserSkipReason();

describe('finding the way in the portal, in a browser', { skip }, () => {
  let app: TestApp;
  let browser: Browser;
  let base: string;
  const { context, accessible } = journeyChecks(() => browser, { locale: 'mn-MN' });

  before(async () => {
    app = await testApp({ seed: true });
    ({ base, browser } = await serve(app));
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  /** Signs in with the development persona picker, from the header's link. */
  async function signInAs(page: Page, persona: RegExp): Promise<void> {
    await page.locator('header').getByRole('link', { name: 'Нэвтрэх' }).click();
    await page.getByLabel(persona).check();
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Нэвтрэх' }).last().click()]);
  }

  const heading = (page: Page) => page.locator('h1').innerText();

  for (const javaScriptEnabled of [false, true]) {
    it(`a citizen finds her own pages and her COVID-19 certificate from the header and the home page (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const ctx = await context(javaScriptEnabled);
      const page = await ctx.newPage();
      await page.goto(`${base}/mn`);
      await signInAs(page, /Н\.Сарангэрэл/);

      // The header leads to "my" pages from anywhere, and fits the phone.
      await Promise.all([page.waitForURL(/\/mn\/my\/account$/), page.locator('header').getByRole('link', { name: 'Миний' }).click()]);
      assert.equal(await heading(page), 'Миний булан');
      await accessible(page, 'my account');
      for (const name of ['Миний хүсэлтүүд', 'Миний баримт бичиг', 'Миний төлбөрүүд', 'Мессежүүд', 'Миний эрүүл мэндийн гэрчилгээ', 'Миний мэдээлэл', 'Миний мэдээллийг хэн харсан', 'Миний нэвтрэлтүүд', 'Таны төхөөрөмжүүд']) {
        assert.equal(await page.locator('main').getByRole('link', { name, exact: true }).count(), 1, `the hub links "${name}"`);
      }
      await Promise.all([page.waitForURL(/\/mn\/my\/health-certificates$/), page.getByRole('link', { name: 'Миний эрүүл мэндийн гэрчилгээ' }).click()]);
      await accessible(page, 'my health certificates');

      // The home page, signed in, links the hub too.
      await page.locator('header').getByRole('link', { name: /Өртөө/ }).click();
      await Promise.all([page.waitForURL(/\/mn\/my\/account$/), page.getByRole('link', { name: /^Миний булан/ }).click()]);

      // The certificate's service page starts it.
      await page.locator('header').getByRole('link', { name: /Өртөө/ }).click();
      await page.getByRole('searchbox').first().fill('ковид вакцины гэрчилгээ');
      await Promise.all([page.waitForURL(/\/mn\/search\?q=/), page.getByRole('button', { name: 'Хайх' }).first().click()]);
      await Promise.all([page.waitForURL(/covid-19-vaccination-certificate$/), page.locator('main').getByRole('link', { name: 'КОВИД-19 вакцины гэрчилгээ' }).click()]);
      await Promise.all([page.waitForURL(/\/mn\/my\/health-certificates$/), page.getByRole('button', { name: 'Одоо эхлэх' }).click()]);
      await ctx.close();
    });
  }

  for (const [lang, query, serviceName, start, verifierTitle] of [
    ['mn', 'гэрчилгээ шалгах', 'КОВИД-19-ийн гэрчилгээ шалгах', 'Одоо эхлэх', 'Эрүүл мэндийн гэрчилгээ шалгах'],
    ['en', 'verify covid certificate', 'Check a COVID-19 certificate', 'Start now', 'Check a health certificate'],
  ] as const) {
    it(`anyone reaches the certificate verifier by searching "${query}" or from the home page`, async () => {
      const ctx = await context(false);
      const page = await ctx.newPage();
      await page.goto(`${base}/${lang}`);
      await page.getByRole('searchbox').first().fill(query);
      await Promise.all([page.waitForURL(/\/search\?q=/), page.getByRole('button', { name: lang === 'mn' ? 'Хайх' : 'Search' }).first().click()]);
      const first = page.locator('.urtuu-result a').first();
      assert.equal(await first.innerText(), serviceName, 'the verifier is the first result');
      await Promise.all([page.waitForURL(/verify-covid-19-certificate$/), first.click()]);
      await accessible(page, `verifier service (${lang})`);
      await Promise.all([page.waitForURL(new RegExp(`/${lang}/dcc/verify$`)), page.getByRole('button', { name: start }).click()]);
      assert.equal(await heading(page), verifierTitle);
      await page.locator('header').getByRole('link').first().click();
      await Promise.all([page.waitForURL(new RegExp(`/${lang}/dcc/verify$`)), page.locator('main').getByRole('link', { name: verifierTitle }).click()]);
      await ctx.close();
    });
  }
  for (const javaScriptEnabled of [false, true]) {
    it(`an administrator goes from "Удирдлага" to the queue, then edits a service and keeps her search (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const ctx = await context(javaScriptEnabled);
      const page = await ctx.newPage();
      await page.goto(`${base}/mn`);
      await signInAs(page, /Б\.Болормаа/);
      await Promise.all([page.waitForURL(/\/mn\/admin$/), page.locator('header').getByRole('link', { name: 'Удирдлага' }).click()]);
      await accessible(page, 'staff home');
      for (const name of ['Шийдвэрлэх өргөдөл', 'Үйлчилгээний жагсаалт', 'Өргөдлийн маягт', 'Ажилтан, эрх']) {
        assert.equal(await page.locator('main').getByRole('link', { name, exact: true }).count(), 1, `the staff home links "${name}"`);
      }
      await Promise.all([page.waitForURL(/\/mn\/office$/), page.getByRole('link', { name: 'Шийдвэрлэх өргөдөл' }).click()]);
      assert.equal(await page.locator('main .govuk-caption-l').innerText(), (await app.catalog.getAgency('gasr')).name.mn, 'the agency by name');
      await accessible(page, 'back office queue');

      await page.locator('header').getByRole('link', { name: 'Удирдлага' }).click();
      await Promise.all([page.waitForURL(/\/mn\/admin\/services$/), page.getByRole('link', { name: 'Үйлчилгээний жагсаалт' }).click()]);
      await page.getByLabel('Үйлчилгээний нэр эсвэл түлхүүр үг').fill('хаяг');
      await page.getByLabel('Төлөв').selectOption('active');
      await Promise.all([page.waitForURL(/q=/), page.getByRole('button', { name: 'Шүүх' }).click()]);
      await Promise.all([page.waitForURL(/\/edit\?back=/), page.locator('main a[href*="/edit"]').first().click()]);
      await Promise.all([page.waitForURL(/updated=/), page.getByRole('button', { name: 'Хадгалах' }).click()]);
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /Өөрчлөлт хадгалагдлаа: /);
      assert.equal(await page.getByLabel('Үйлчилгээний нэр эсвэл түлхүүр үг').inputValue(), 'хаяг', 'the search is kept');
      assert.equal(await page.getByLabel('Төлөв').inputValue(), 'active', 'the status filter is kept');
      await accessible(page, 'services after saving');
      await Promise.all([page.waitForURL(/\/history/), page.getByRole('link', { name: 'Өөрчлөлтийн түүхийг харах' }).click()]);
      await accessible(page, 'service history');
      await Promise.all([page.waitForURL(/\/admin\/services\?.*q=/), page.getByRole('link', { name: 'Буцах' }).click()]);
      await ctx.close();
    });
  }

  it('an officer of another agency finds the queue, and no catalogue she may not manage', async () => {
    const ctx = await context(false);
    const page = await ctx.newPage();
    await page.goto(`${base}/mn`);
    await signInAs(page, /Э\.Тэмүүлэн/);
    await Promise.all([page.waitForURL(/\/mn\/admin$/), page.locator('header').getByRole('link', { name: 'Удирдлага' }).click()]);
    assert.equal(await page.locator('main').getByRole('link', { name: 'Үйлчилгээний жагсаалт' }).count(), 0);
    await Promise.all([page.waitForURL(/\/mn\/office$/), page.getByRole('link', { name: 'Шийдвэрлэх өргөдөл' }).click()]);
    assert.equal(await page.locator('main .govuk-caption-l').innerText(), (await app.catalog.getAgency('police')).name.mn);
    await ctx.close();
  });
});
