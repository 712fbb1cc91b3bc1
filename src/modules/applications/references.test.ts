// References end to end: every online reference fetched through the exchange under the person's
// consent, signed by its agency and checked on the public verify API; the form's rules (consent,
// audience, double submits), who may see a request, and a registry that cannot be reached.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { form, testApp, type TestApp } from '../../../test/helpers.ts';
import type { Principal } from '../../kernel/auth.ts';
import { seedPeople } from '../exchange/test-fixtures.ts';
import { readQrImage } from '../health/dcc/index.ts';
import { DEMO_CITIZEN, DEMO_FOREIGNER } from '../registries/index.ts';
import { REFERENCES } from './references.ts';
import { createApplications } from './service.ts';

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const POPPLER = has('pdftotext') && has('pdftoppm');

const CITIZEN = DEMO_CITIZEN.registerNumber;
const person = (registerNumber: string, name: string): Principal => ({ id: `person-${registerNumber}`, name, kind: 'citizen', roles: ['citizen'], agencyId: null, registerNumber });
const json = (body: unknown) => ({ payload: body as object, headers: { 'content-type': 'application/json' } });

describe('references', () => {
  let app: TestApp;
  let company: string;

  before(async () => {
    app = await testApp({ seed: true });
    await seedPeople(app, 300, 'reference-tests');
    const { rows } = await app.ctx.db.query<{ key: string }>(`SELECT key FROM registries.records WHERE registry_id = 'legal-entities' ORDER BY key LIMIT 1`);
    company = rows[0]!.key;
  });
  after(async () => app.close());

  it('offers at least 15 references from at least 5 agencies', async () => {
    const response = await app.as('dev-citizen', { method: 'GET', url: '/api/v1/references' });
    assert.equal(response.statusCode, 200);
    const items = response.json().items as { slug: string; agency: { id: string }; keeper: { id: string } | null }[];
    assert.ok(items.length >= 15, `${items.length} references`);
    assert.ok(new Set(items.map((item) => item.agency.id)).size >= 5, 'from 5 agencies or more');
    assert.equal(items.length, REFERENCES.length, 'every defined reference is in the catalogue and active');
    for (const item of items) assert.ok(item.keeper, `${item.slug} names the agency that keeps its register`);
    const page = await app.as(null, { method: 'GET', url: '/en/services/residence-address-reference' });
    assert.match(page.body, /href="\/en\/references\/residence-address-reference"/, 'the catalogue page starts the reference');
    const applyPage = await app.as(null, { method: 'GET', url: '/mn/services/child-money' });
    assert.match(applyPage.body, /href="\/mn\/apply\/child-money"/, 'and an application');
  });

  it('issues every reference as a signed document that verifies, each read logged under its consent', async () => {
    for (const reference of REFERENCES) {
      const principal = reference.audience === 'organisation'
        ? { ...person(company, 'Компани'), actingFor: { kind: 'organisation' as const, registerNumber: company, name: 'Компани', basis: 'director' }, actorRegisterNumber: CITIZEN }
        : reference.slug === 'residence-permit-reference' ? person(DEMO_FOREIGNER.registerNumber, 'KIM MINJUN') : person(CITIZEN, 'Н.Сарангэрэл');
      const response = await app.as(principal, { method: 'POST', url: `/api/v1/references/${reference.slug}`, ...json({ consent: true }) });
      assert.equal(response.statusCode, 201, `${reference.slug}: ${response.body.slice(0, 300)}`);
      const { request, document } = response.json();
      assert.equal(request.status, 'COMPLETED');
      assert.deepEqual(request.actions.map((action: { status: string }) => action.status), ['SUBMITTED', 'COMPLETED']);
      const check = await app.as(null, { method: 'GET', url: `/api/v1/documents/${document.id}` });
      assert.equal(check.statusCode, 200);
      assert.equal(check.json().status, 'valid', `${reference.slug} verifies`);
      assert.equal(check.json().document.source.request, request.number);
      if (reference.audience === 'person') {
        const reads = await app.exchange.accessLog(principal.registerNumber!, 5);
        const read = reads.find((row) => row.purpose?.includes(request.number));
        assert.ok(read, `${reference.slug}: the read is on the person's log`);
        assert.equal(read.status, 200);
        assert.ok(read.consent_id, 'under a consent');
      }
    }
  });

  it('states what the register holds: the demo citizen’s address, spouse and children', async () => {
    const address = await app.as('dev-citizen', { method: 'POST', url: '/api/v1/references/residence-address-reference', ...json({ consent: true }) });
    const document = (await app.as(null, { method: 'GET', url: `/api/v1/documents/${address.json().document.id}` })).json().document;
    const text = JSON.stringify(document.body);
    assert.match(text, /Энхтайваны өргөн чөлөө/);
    assert.equal(document.subject, CITIZEN);
    const marriage = await app.as('dev-citizen', { method: 'POST', url: '/api/v1/references/marriage-reference', ...json({ consent: true }) });
    const married = (await app.as(null, { method: 'GET', url: `/api/v1/documents/${marriage.json().document.id}` })).json().document;
    assert.match(JSON.stringify(married.body), /"Married"/);
  });

  it('refuses without consent, for the wrong audience, and for services that are not online references', async () => {
    const noConsent = await app.as('dev-citizen', { method: 'POST', url: '/api/v1/references/birth-certificate-reference', ...json({ consent: false }) });
    assert.equal(noConsent.statusCode, 400);
    assert.equal(noConsent.json().code, 'REFERENCE_CONSENT_REQUIRED');
    const wrongAudience = await app.as('dev-citizen', { method: 'POST', url: '/api/v1/references/legal-entity-reference', ...json({ consent: true }) });
    assert.equal(wrongAudience.statusCode, 403);
    assert.equal(wrongAudience.json().code, 'REFERENCE_WRONG_AUDIENCE');
    for (const slug of ['child-money', 'no-such-service']) {
      const response = await app.as('dev-citizen', { method: 'POST', url: `/api/v1/references/${slug}`, ...json({ consent: true }) });
      assert.equal(response.statusCode, 404, slug);
      assert.equal(response.json().code, 'REFERENCE_NOT_FOUND');
    }
    const malformed = await app.as('dev-citizen', { method: 'POST', url: '/api/v1/references/birth-certificate-reference', ...json({ consent: 'yes please' }) });
    assert.equal(malformed.statusCode, 400);
  });

  it('answers a form sent twice once: one request, one document', async () => {
    const submissionId = '0190f2a4-1111-7000-8000-000000000001';
    const first = await app.as('dev-citizen', { method: 'POST', url: '/api/v1/references/citizen-id-card-reference', ...json({ consent: true, submissionId }) });
    const second = await app.as('dev-citizen', { method: 'POST', url: '/api/v1/references/citizen-id-card-reference', ...json({ consent: true, submissionId }) });
    assert.equal(first.statusCode, 201);
    assert.equal(second.statusCode, 200);
    assert.equal(second.json().request.number, first.json().request.number);
    assert.equal(second.json().document.id, first.json().document.id);
    const { rows } = await app.ctx.db.query<{ count: string }>(`SELECT count(*)::text AS count FROM documents.documents WHERE source->>'request' = $1`, [first.json().request.number]);
    assert.equal(rows[0]!.count, '1');
  });

  it('shows a request only to the person it is about', async () => {
    const mine = await app.as('dev-citizen', { method: 'POST', url: '/api/v1/references/birth-certificate-reference', ...json({ consent: true }) });
    const number = mine.json().request.number as string;
    assert.equal((await app.as('dev-citizen', { method: 'GET', url: `/api/v1/my/requests/${number}` })).statusCode, 200);
    const other = person(DEMO_FOREIGNER.registerNumber, 'KIM MINJUN');
    const refused = await app.as(other, { method: 'GET', url: `/api/v1/my/requests/${number}` });
    assert.equal(refused.statusCode, 404);
    assert.equal((await app.as(other, { method: 'GET', url: `/en/my/requests/${number}` })).statusCode, 404);
    const list = (await app.as(other, { method: 'GET', url: '/api/v1/my/requests' })).json().items as { number: string }[];
    assert.ok(!list.some((item) => item.number === number));
    const pdf = await app.as(other, { method: 'GET', url: `/en/my/documents/${mine.json().document.id}.pdf` });
    assert.equal(pdf.statusCode, 404);
  });

  it('keeps nothing and withdraws the consent when the registry cannot be reached', async () => {
    const applications = createApplications(app.ctx, {
      service: (slug) => app.catalog.findService(slug),
      keeper: async () => ({ id: 'gasr', name: { mn: 'УБЕГ', en: 'GASR' } }),
      grantConsent: async (subject, services, purpose) => (await app.exchange.grantConsent({ subject, clientId: app.portalSubsystem, services, purpose, method: 'portal', days: 1 })).id,
      withdrawConsent: (subject, consentId) => app.exchange.withdrawConsent(subject, consentId),
      read: async () => ({ status: 503, json: () => ({}) as never }),
      instance: app.exchange.instance,
      documents: app.documents,
      fees: { invoice: async () => ({ id: 'none' }), refund: async () => undefined, isPaid: async () => true },
      notifyStatus: async () => undefined,
      staffMember: async () => undefined,
      agencyName: async () => undefined,
      requestConsentCode: async () => ({ sentTo: '' }),
      redeemConsentCode: async () => ({ refusal: 'codeInvalid' as const }),
    });
    const before = (await applications.requestsOf(CITIZEN)).length;
    const consentsBefore = new Set((await app.exchange.consentsOf(CITIZEN)).map((row) => row.id));
    await assert.rejects(applications.requestReference('birth-certificate-reference', person(CITIZEN, 'Н.Сарангэрэл'), { channel: 'portal' }), (error: Error & { code?: string; status?: number }) => error.code === 'REFERENCE_SOURCE_UNAVAILABLE' && error.status === 503);
    assert.equal((await applications.requestsOf(CITIZEN)).length, before, 'no request is kept');
    const granted = (await app.exchange.consentsOf(CITIZEN)).filter((row) => !consentsBefore.has(row.id));
    assert.equal(granted.length, 1, 'one consent was recorded for the attempt');
    assert.ok(granted[0]!.withdrawn_at, 'and withdrawn when the read failed');
  });

  it('walks the pages without JavaScript: consent, confirmation, the PDF with its QR code', async () => {
    const start = await app.as('dev-citizen', { method: 'GET', url: '/en/references/residence-address-reference' });
    assert.equal(start.statusCode, 200);
    assert.match(start.body, /What will be fetched/);
    const submissionId = /name="submissionId" value="([^"]+)"/.exec(start.body)?.[1];
    assert.ok(submissionId);
    const missing = await app.as('dev-citizen', { method: 'POST', url: '/mn/references/residence-address-reference', ...form({ submissionId }, app.csrf) });
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /govuk-error-summary/);
    assert.match(missing.body, /зөвшөөрч буйгаа тэмдэглэнэ үү/);
    const sent = await app.as('dev-citizen', { method: 'POST', url: '/en/references/residence-address-reference', ...form({ submissionId, consent: 'yes' }, app.csrf) });
    assert.equal(sent.statusCode, 303);
    const confirmation = await app.as('dev-citizen', { method: 'GET', url: sent.headers.location as string });
    assert.equal(confirmation.statusCode, 200);
    assert.match(confirmation.body, /Your reference is ready/);
    const documentId = /\/my\/documents\/([0-9A-Z]{16})\.pdf/.exec(confirmation.body)?.[1];
    assert.ok(documentId);
    const again = await app.as('dev-citizen', { method: 'POST', url: '/en/references/residence-address-reference', ...form({ submissionId, consent: 'yes' }, app.csrf) });
    assert.equal(again.headers.location, sent.headers.location, 'the same form sent again lands on the same request');

    const pdf = await app.as('dev-citizen', { method: 'GET', url: `/en/my/documents/${documentId}.pdf` });
    assert.equal(pdf.statusCode, 200);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
    if (POPPLER) {
      const text = spawnSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: pdf.rawPayload }).stdout.toString('utf8').replace(/\s+/g, ' ');
      assert.match(text, /Оршин суугаа хаягийн лавлагаа/);
      assert.match(text, /Residence address reference/);
      assert.match(text, /Энхтайваны өргөн чөлөө/);
      const folder = mkdtempSync(path.join(tmpdir(), 'urtuu-doc-'));
      try {
        writeFileSync(path.join(folder, 'd.pdf'), pdf.rawPayload);
        assert.equal(spawnSync('pdftoppm', ['-png', '-r', '150', '-singlefile', path.join(folder, 'd.pdf'), path.join(folder, 'page')]).status, 0);
        assert.equal(readQrImage(readFileSync(path.join(folder, 'page.png'))), `${app.config.baseUrl}/verify/${documentId}`);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    }
    const list = await app.as('dev-citizen', { method: 'GET', url: '/en/my/requests' });
    assert.match(list.body, new RegExp((sent.headers.location as string).split('/').at(-1)!));
    const documents = await app.as('dev-citizen', { method: 'GET', url: '/en/my/documents' });
    assert.match(documents.body, new RegExp(documentId));
  });
});
