// Test and recovery certificates from the health registry, fed through the module's own interface
// (HealthRecords with the optional tests and recoveries), through the service, the API and the
// citizen's page; and the bilingual PDF of an issued certificate, read back with poppler's
// pdftotext and pdftoppm where the machine has them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Principal } from '../../kernel/auth.ts';
import { testApp, type TestApp } from '../../../test/helpers.ts';
import { readQrImage, TrustList, verifyHc1 } from './dcc/index.ts';
import { certificatePdf, printableQr } from './pdf.ts';
import { createHealth, HealthInputError, RECOVERY_DAYS, uvciId, type Health } from './service.ts';
import { CITIZEN, dayFromToday, recordsWithTests, seedHealthPeople, UNVACCINATED } from './test-fixtures.ts';

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const POPPLER = has('pdftotext') && has('pdftoppm');
const popplerNote = 'poppler-utils (pdftotext, pdftoppm) is not installed: the PDF is checked by its structure only';

/** The text of a PDF as pdftotext reads it. */
function pdfText(pdf: Buffer): string {
  const result = spawnSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: pdf });
  assert.equal(result.status, 0, result.stderr.toString());
  // Lines wrap where the layout wraps them: compare with single spaces.
  return result.stdout.toString('utf8').replace(/\s+/g, ' ');
}

/** The first page of a PDF rendered to PNG at `dpi`, then its QR code read by jsQR. */
function qrOfPdf(pdf: Buffer, dpi = 150): string | undefined {
  const folder = mkdtempSync(path.join(tmpdir(), 'urtuu-pdf-'));
  try {
    writeFileSync(path.join(folder, 'c.pdf'), pdf);
    const result = spawnSync('pdftoppm', ['-png', '-r', String(dpi), '-singlefile', path.join(folder, 'c.pdf'), path.join(folder, 'page')]);
    assert.equal(result.status, 0, result.stderr.toString());
    return readQrImage(readFileSync(path.join(folder, 'page.png')));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const pageCount = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type \/Page\b(?!s)/g) ?? []).length;

const OTHER_CITIZEN: Principal = { id: 'other-citizen', name: 'Б.Өлзий-Орших', kind: 'citizen', roles: ['citizen'], agencyId: null, registerNumber: UNVACCINATED } as Principal;

describe('test and recovery certificates, and the PDF', () => {
  let app: TestApp;
  let health: Health;

  before(async () => {
    app = await testApp({ seed: false });
    await seedHealthPeople(app);
    health = createHealth(app.ctx, recordsWithTests());
    // The routes and pages call the service the app made; they are pointed at the one fed with
    // tests and recoveries, as app.ts does once the registry holds them.
    Object.assign(app.health, { issue: health.issue, available: health.available });
  });
  after(async () => app.close());

  describe('the service', () => {
    it('issues a test certificate from the latest COVID-19 test', async () => {
      const issued = await health.issue(CITIZEN, 't', null);
      assert.equal(issued.certificateType, 't');
      assert.equal(issued.id, uvciId(issued.uvci));
      assert.deepEqual(issued.payload.t, [{ tg: '840539006', tt: 'LP217198-3', ma: '1232', sc: '2021-12-02T01:30:00Z', tr: '260415000', tc: 'Сүхбаатар дүүргийн эрүүл мэндийн төв', co: 'MN', is: 'Ministry of Health of Mongolia', ci: issued.uvci }]);
      assert.equal(issued.payload.v, undefined);
      const result = await health.verify(issued.hc1);
      assert.deepEqual(result.failures, []);
      assert.equal(result.certificateType, 't');
      assert.equal(readQrImage(Buffer.from(issued.qrPng, 'base64')), issued.hc1);
    });

    it('issues a certificate of recovery valid from day 11 to day 180, and not beyond', async () => {
      const issued = await health.issue(CITIZEN, 'r', null);
      const [entry] = issued.payload.r ?? [];
      assert.deepEqual(entry, { tg: '840539006', fr: dayFromToday(-60), co: 'MN', is: 'Ministry of Health of Mongolia', df: dayFromToday(-60 + RECOVERY_DAYS.from), du: dayFromToday(-60 + RECOVERY_DAYS.until), ci: issued.uvci });
      assert.ok(new Date(issued.expiresAt).getTime() <= Date.parse(`${entry!.du}T23:59:59Z`), 'the certificate ends with the recovery');
      const result = await health.verify(issued.hc1);
      assert.deepEqual(result.failures, []);
      assert.equal(result.certificateType, 'r');
      // Our published trust list alone verifies it: the signer may sign all three types.
      const published = TrustList.fromGatewayList(JSON.stringify((await health.trustList()).signers));
      assert.deepEqual(verifyHc1(issued.hc1, { trust: published }).failures, []);
    });

    it('names what is missing: no test, an ended recovery, and no registry of tests at all', async () => {
      await assert.rejects(health.issue(UNVACCINATED, 'r', null), (error: unknown) => error instanceof HealthInputError && error.key === 'recoveryEnded' && error.params.date === '2021.07.04');
      await assert.rejects(health.issue(UNVACCINATED, 'v', null), (error: unknown) => error instanceof HealthInputError && error.key === 'noVaccination');
      assert.deepEqual(await health.available(CITIZEN), ['v', 't', 'r']);
      assert.deepEqual(await health.available(UNVACCINATED), ['t']);
      const vaccinationsOnly = createHealth(app.ctx, recordsWithTests({ tests: false, recoveries: false }));
      assert.deepEqual(await vaccinationsOnly.available(CITIZEN), ['v']);
      await assert.rejects(vaccinationsOnly.issue(CITIZEN, 't', null), (error: unknown) => error instanceof HealthInputError && error.key === 'noTest' && error.status === 404);
      await assert.rejects(vaccinationsOnly.issue(CITIZEN, 'r', null), (error: unknown) => error instanceof HealthInputError && error.key === 'noRecovery');
    });

    it('refuses a registry record the EU format cannot carry, by name', async () => {
      const broken = createHealth(app.ctx, { ...recordsWithTests(), tests: async () => [{ disease: '840539006', testType: '', sampledAt: '2021-12-02T09:30:00+08:00', result: 'maybe', country: 'Mongolia' }] });
      await assert.rejects(broken.issue(CITIZEN, 't', null), (error: unknown) => error instanceof HealthInputError && error.key === 'recordInvalid' && error.status === 400);
    });
  });

  describe('the API', () => {
    it('issues each type on request, vaccination by default', async () => {
      for (const type of ['t', 'r'] as const) {
        const response = await app.as('dev-citizen', { method: 'POST', url: '/api/v1/dcc/certificates', payload: { type } });
        assert.equal(response.statusCode, 201, response.body);
        const issued = response.json<{ hc1: string; certificateType: string }>();
        assert.equal(issued.certificateType, type);
        const verified = (await app.as(null, { method: 'POST', url: '/api/v1/dcc/verify', payload: { hc1: issued.hc1 } })).json<{ valid: boolean; certificateType: string }>();
        assert.deepEqual([verified.valid, verified.certificateType], [true, type]);
      }
      const byDefault = await app.as('dev-citizen', { method: 'POST', url: '/api/v1/dcc/certificates', payload: {} });
      assert.equal(byDefault.json<{ certificateType: string }>().certificateType, 'v');
      const unknown = await app.as('dev-citizen', { method: 'POST', url: '/api/v1/dcc/certificates', payload: { type: 'x' } });
      assert.equal(unknown.statusCode, 400);
      const ended = await app.as('dev-platform-admin', { method: 'POST', url: '/api/v1/dcc/certificates?lang=en', payload: { type: 'r', registerNumber: UNVACCINATED } });
      assert.equal(ended.statusCode, 404);
      assert.match(ended.body, /valid until 2021.07.04/);
    });
  });

  describe("the citizen's page and the PDF", () => {
    it('offers every type the record holds, issues a recovery certificate and lists it with its PDF', async () => {
      const list = await app.as('dev-citizen', { method: 'GET', url: '/en/my/health-certificates' });
      assert.equal(list.statusCode, 200);
      for (const text of ['Get a vaccination certificate', 'Get a test certificate', 'Get a certificate of recovery']) assert.ok(list.body.includes(text), text);
      const issued = await app.as('dev-citizen', { method: 'POST', url: '/en/my/health-certificates', payload: new URLSearchParams({ _csrf: app.csrf, type: 'r' }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(issued.statusCode, 200, issued.body.slice(0, 300));
      assert.ok(issued.body.includes('Certificate of recovery'));
      const pdfLink = /href="(\/en\/my\/health-certificates\/([0-9A-Z]+)\.pdf)"/.exec(issued.body);
      assert.ok(pdfLink, 'the issued page links its PDF');
      const history = await app.as('dev-citizen', { method: 'GET', url: '/mn/my/health-certificates' });
      assert.ok(history.body.includes(`/mn/my/health-certificates/${pdfLink[2]}.pdf`));
      assert.ok(history.body.includes('Эдгэрсний гэрчилгээ'));
      const other = await app.as(OTHER_CITIZEN, { method: 'GET', url: '/en/my/health-certificates' });
      assert.ok(other.body.includes('Get a test certificate') && !other.body.includes('Get a vaccination certificate'));
    });

    it("serves the person's own certificate as a one-page bilingual PDF whose QR code is the certificate", async (t) => {
      const issued = await health.issue(CITIZEN, 'v', null);
      const url = `/en/my/health-certificates/${issued.id}.pdf`;
      const response = await app.as('dev-citizen', { method: 'GET', url });
      assert.equal(response.statusCode, 200, response.body.slice(0, 300));
      assert.equal(response.headers['content-type'], 'application/pdf');
      const pdf = response.rawPayload;
      assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
      assert.equal(pageCount(pdf), 1);
      assert.match(pdf.toString('latin1'), /\/MediaBox \[0 0 595\.28 841\.89\]/);
      assert.match(pdf.toString('latin1'), /DejaVuSans/);
      // The QR code that is embedded reads back as the certificate (checked before it is embedded).
      assert.equal(readQrImage(await printableQr(issued.hc1)), issued.hc1);
      if (!POPPLER) {
        t.diagnostic(popplerNote);
        return;
      }
      const text = pdfText(pdf);
      for (const expected of ['Нямдорж', 'Сарангэрэл', 'NYAMDORJ', 'SARANGEREL', '1990.05.14', 'EU/1/20/1528', issued.uvci, 'Ministry of Health of Mongolia', 'КОВИД-19-ийн ЕХ-ны дижитал гэрчилгээ', 'EU Digital COVID Certificate', 'Вакцинжуулалтын гэрчилгээ', 'Vaccination certificate', 'http://localhost:3000/mn/dcc/verify', 'http://localhost:3000/en/dcc/verify']) {
        assert.ok(text.includes(expected), `the PDF says ${expected}:\n${text}`);
      }
      assert.match(text, /1\s*\/\s*2/, 'the dose');
      assert.equal(qrOfPdf(pdf), issued.hc1, 'the printed QR code scans to the certificate');
    });

    it('prints Ө and Ү, and a test certificate, in both languages', async (t) => {
      const issued = await health.issue(UNVACCINATED, 't', null);
      const en = app.ctx.i18n.translator('en');
      const pdf = await certificatePdf({ hc1: issued.hc1, payload: issued.payload, certificateType: 't', uvci: issued.uvci, issuer: 'MN', issuedAt: new Date(issued.issuedAt), expiresAt: new Date(issued.expiresAt), baseUrl: 'https://urtuu.example', mn: app.ctx.i18n.translator('mn'), en });
      assert.equal(pageCount(pdf), 1);
      if (!POPPLER) {
        t.diagnostic(popplerNote);
        return;
      }
      const text = pdfText(pdf);
      for (const expected of ['Өлзий-Орших', 'Бат-Эрдэнэ', 'ULZII<ORSHIKH', 'BAT<ERDENE', 'Шинжилгээний гэрчилгээ', 'Test certificate', 'Илрээгүй (сөрөг)', 'Not detected (negative)', 'Өмнөговь аймгийн нэгдсэн эмнэлэг', 'https://urtuu.example/en/dcc/verify']) {
        assert.ok(text.includes(expected), `the PDF says ${expected}:\n${text}`);
      }
      assert.equal(qrOfPdf(pdf), issued.hc1);
    });

    it('gives the PDF only to its own citizen', async () => {
      const issued = await health.issue(CITIZEN, 'v', null);
      const url = `/en/my/health-certificates/${issued.id}.pdf`;
      assert.equal((await app.as(null, { method: 'GET', url })).statusCode, 401);
      assert.equal((await app.as(OTHER_CITIZEN, { method: 'GET', url })).statusCode, 404);
      for (const official of ['dev-police-officer', 'dev-platform-admin']) assert.equal((await app.as(official, { method: 'GET', url })).statusCode, 403);
      assert.equal((await app.as('dev-citizen', { method: 'GET', url: '/en/my/health-certificates/NOSUCHCERTIFICATE0.pdf' })).statusCode, 404);
      assert.equal((await app.as('dev-citizen', { method: 'GET', url: '/en/my/health-certificates/not-an-id.pdf' })).statusCode, 404);
    });
  });
});
