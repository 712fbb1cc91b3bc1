// The immigration agency's register of foreign residents on the exchange: a foreign resident is a
// data subject like a citizen. Reading their residence permit needs their consent (unless the
// agency reads its own register), every read, refused ones included, shows in their access log,
// GovStack's personal data usage answers for an F-register number, and a consent code reaches
// their phone.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testApp, type TestApp } from '../../../test/helpers.ts';
import { signRequest } from '../../kernel/http-signature.ts';
import { outsideMember, seedPeople, type OutsideMember } from '../exchange/test-fixtures.ts';
import { DEMO_FOREIGNER } from './index.ts';

const FOREIGNER = DEMO_FOREIGNER.registerNumber;
const PERMIT_SERVICE = 'MN/GOV/immigration/foreignresidents/residencePermit';
const DR = 'MN/GOV/ema/registries/digitalRegistries';
const PURPOSE = 'Opening a bank account';

describe('foreign residents register on the exchange', () => {
  let app: TestApp;
  let bank: OutsideMember;

  before(async () => {
    app = await testApp({ seed: false });
    await seedPeople(app, 300);
    bank = await outsideMember(app, { memberCode: 'foreignbank', rights: [{ service: PERMIT_SERVICE, method: 'GET' }, { service: DR, path: '/data/**' }] });
  });
  after(async () => app.close());

  it('is a base registry of the immigration agency, published as its residence permit service', async () => {
    const registry = await app.registries.get({ id: 'foreign-residents' });
    assert.equal(registry.ownerAgency, 'immigration');
    assert.equal(registry.keyField, 'registerNumber');
    assert.deepEqual(registry.subjectPaths, ['registerNumber']);
    const dir = await app.exchange.directory();
    assert.ok(dir.services.some((service) => service.id === PERMIT_SERVICE));
    assert.ok(dir.members.some((member) => member.id === 'MN/GOV/immigration' && member.agency_id === 'immigration'));
    // Its schema takes F-register numbers only.
    const record = await app.registries.byKey(registry, FOREIGNER);
    assert.ok(record);
    assert.deepEqual(app.registries.check(registry, record.content), []);
    assert.notDeepEqual(app.registries.check(registry, { ...record.content, registerNumber: 'УБ90051428' }), []);
  });

  it('answers a residence permit by F-register number only with the person’s consent, and logs every read for them', async () => {
    const refused = await bank.exchange.call(PERMIT_SERVICE, `/${FOREIGNER}`, { purpose: PURPOSE });
    assert.equal(refused.status, 403);
    const consent = await app.exchange.grantConsent({ subject: FOREIGNER, clientId: bank.client, services: [PERMIT_SERVICE], purpose: PURPOSE, method: 'portal', days: 1 });
    const answer = await bank.exchange.call(PERMIT_SERVICE, `/${FOREIGNER}`, { consent: consent.id, purpose: PURPOSE });
    assert.equal(answer.status, 200, answer.body.toString());
    const permit = answer.json<{ registerNumber: string; nationality: string; permit: { type: string; validUntil: string }; permitValid: boolean }>();
    assert.equal(permit.registerNumber, FOREIGNER);
    assert.equal(permit.nationality, 'KOR');
    assert.deepEqual(permit.permit, DEMO_FOREIGNER.permit);
    assert.equal(permit.permitValid, true);
    await app.exchange.flush();
    const reads = await app.exchange.accessLog(FOREIGNER, 20);
    assert.ok(reads.some((row) => row.client === bank.client && row.status === 200 && row.consent_id === consent.id), 'the read under consent is theirs to see');
    assert.ok(reads.some((row) => row.client === bank.client && row.status === 403), 'so is the refused one, found by the F-register number in its address');
  });

  it('lets the immigration agency read its own register without consent', async () => {
    const agency = await outsideMember(app, { memberClass: 'GOV', memberCode: 'immigration', subsystemCode: 'permits', rights: [{ service: PERMIT_SERVICE, method: 'GET' }] });
    const response = await agency.exchange.call(PERMIT_SERVICE, `/${FOREIGNER}`, { purpose: 'Permit renewal' });
    assert.equal(response.status, 200, response.body.toString());
  });

  it('answers GovStack personal data usage for an F-register number', async () => {
    const registry = await app.registries.get({ id: 'foreign-residents' });
    const consent = await app.exchange.grantConsent({ subject: FOREIGNER, clientId: bank.client, services: [DR], purpose: 'Audit of reads', method: 'portal', days: 1 });
    const usage = await bank.exchange.call(DR, '/data/myPersonalDataUsage', { query: { userID: FOREIGNER, DatabaseID: String(registry.databaseId) }, consent: consent.id, purpose: 'Audit of reads' });
    assert.equal(usage.status, 200, usage.body.toString());
    const entries = usage.json<{ readerApplicationName: string }[]>();
    assert.ok(entries.some((entry) => entry.readerApplicationName === bank.client), 'the bank’s read of the permit is listed');
  });

  it('sends a one-time consent code to a foreign resident’s phone', async () => {
    const url = '/api/v1/exchange/consent-codes';
    const body = Buffer.from(JSON.stringify({ subject: FOREIGNER, services: [PERMIT_SERVICE], purpose: PURPOSE }));
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-road-client': bank.client, 'x-road-id': `code-${Math.random()}` };
    Object.assign(headers, signRequest({ method: 'POST', url, headers, body }, { keyId: bank.keyId, privateKeyPem: bank.privateKeyPem, headers: ['x-road-client', 'x-road-id'] }));
    const response = await app.server.inject({ method: 'POST', url, headers, payload: body });
    assert.equal(response.statusCode, 201, response.body);
    const [sent] = await app.messaging.outbox(1);
    assert.equal(sent?.recipient, DEMO_FOREIGNER.mobile);
    const code = /\b(\d{6})\b/.exec(sent!.body)?.[1];
    assert.ok(code);
    const read = await bank.exchange.call(PERMIT_SERVICE, `/${FOREIGNER}`, { consentCode: code, purpose: PURPOSE });
    assert.equal(read.status, 200, read.body.toString());
  });
});
