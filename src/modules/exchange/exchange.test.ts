// The exchange's message pipeline as a member's system meets it: authentication, access rights,
// consent, errors in X-Road's terms, metaservices, and the log of every message.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { testApp, type TestApp } from '../../../test/helpers.ts';
import { signRequest } from '../../kernel/http-signature.ts';
import { generateKeyPair } from '../../kernel/pki.ts';
import { DEMO_CITIZEN } from '../registries/index.ts';
import { ADDRESS_SERVICE, ID_CARD_SERVICE, outsideMember, seedPeople, type OutsideMember } from './test-fixtures.ts';

const CITIZEN = DEMO_CITIZEN.registerNumber;
const PURPOSE = 'Loan application 2026/118';

interface XRoadError {
  type: string;
  message: string;
  detail: string;
}

describe('the exchange', () => {
  let app: TestApp;
  let bank: OutsideMember;
  let otherPerson: string;

  before(async () => {
    app = await testApp({ seed: false });
    await seedPeople(app);
    bank = await outsideMember(app, { memberCode: 'khanbank', subsystemCode: 'loans', name: 'Khan Bank', rights: [{ service: ADDRESS_SERVICE, method: 'GET', path: '/*' }] });
    const { rows } = await app.ctx.db.query<{ key: string }>(`SELECT key FROM registries.records WHERE registry_id = 'population' AND key <> $1 ORDER BY key LIMIT 1`, [CITIZEN]);
    otherPerson = rows[0]!.key;
  });
  after(async () => app.close());

  const consentFor = (subject: string, member: OutsideMember, services = [ADDRESS_SERVICE]) =>
    app.exchange.grantConsent({ subject, clientId: member.client, services, purpose: PURPOSE, method: 'portal', days: 30 });

  /** A request signed by `member` (or by nobody), for crafting what the client class would never send. */
  async function raw(options: { url: string; method?: string; headers?: Record<string, string>; sign?: { keyId: string; privateKeyPem: string; created?: number; nonce?: string } | false; body?: Buffer }) {
    const method = options.method ?? 'GET';
    const headers: Record<string, string> = { 'x-road-client': bank.client, 'x-road-id': `test-${Math.random()}`, ...options.headers };
    const sign = options.sign === undefined ? { keyId: bank.keyId, privateKeyPem: bank.privateKeyPem } : options.sign;
    if (sign) Object.assign(headers, signRequest({ method, url: options.url, headers, body: options.body }, { ...sign, headers: ['x-road-client', 'x-road-id'] }));
    return app.server.inject({ method: method as 'GET', url: options.url, headers, ...(options.body ? { payload: options.body } : {}) });
  }
  const addressUrl = (registerNumber = CITIZEN) => `/r1/MN/GOV/gasr/population/address/${encodeURIComponent(registerNumber)}`;

  describe('reads with the person’s consent', () => {
    it('answers a signed request carrying a consent, with X-Road’s response headers', async () => {
      const consent = await consentFor(CITIZEN, bank);
      const response = await bank.exchange.call(ADDRESS_SERVICE, `/${CITIZEN}`, { consent: consent.id, purpose: PURPOSE, userId: 'officer-17', issue: 'LOAN-118' });
      assert.equal(response.status, 200, response.body.toString());
      const body = response.json<{ registerNumber: string; address: { aimagCityName: string } }>();
      assert.equal(body.registerNumber, CITIZEN);
      assert.ok(body.address.aimagCityName);
      assert.match(response.headers['x-road-request-id'] ?? '', /^[0-9a-f-]{36}$/);
      assert.equal(Buffer.from(response.headers['x-road-request-hash'] ?? '', 'base64').length, 64);
      assert.equal(response.headers['x-road-client'], bank.client);
      assert.equal(response.headers['x-road-service'], ADDRESS_SERVICE);
      assert.ok(response.headers['x-road-id']);
    });

    it('accepts the client from Information-Mediator-Client and X-GovStack-Client too', async () => {
      const consent = await consentFor(CITIZEN, bank);
      for (const name of ['information-mediator-client', 'x-govstack-client']) {
        const url = addressUrl();
        const headers: Record<string, string> = { [name]: bank.client, 'x-road-client': bank.client, 'x-road-id': `id-${name}`, 'urtuu-consent': consent.id, 'urtuu-purpose': PURPOSE };
        Object.assign(headers, signRequest({ method: 'GET', url, headers }, { keyId: bank.keyId, privateKeyPem: bank.privateKeyPem, headers: ['x-road-client', 'x-road-id', 'urtuu-consent', 'urtuu-purpose'] }));
        delete headers['x-road-client'];
        // The signature covers x-road-client; a client that names itself only in the other header
        // signs that value under the X-Road name, which the exchange reads from the same place.
        const response = await app.server.inject({ method: 'GET', url, headers: { ...headers, 'x-road-client': bank.client } });
        assert.equal(response.statusCode, 200, `${name}: ${response.body}`);
      }
    });

    it('asks for a purpose, then for consent, before disclosing a person’s data', async () => {
      let response = await bank.exchange.call(ADDRESS_SERVICE, `/${CITIZEN}`);
      assert.equal(response.status, 400);
      assert.equal(response.json<XRoadError>().type, 'Server.ServerProxy.PurposeRequired');
      response = await bank.exchange.call(ADDRESS_SERVICE, `/${CITIZEN}`, { purpose: PURPOSE });
      assert.equal(response.status, 403);
      const error = response.json<XRoadError>();
      assert.equal(error.type, 'Server.ServerProxy.ConsentRequired');
      assert.match(error.message, /consent/i);
      assert.equal(error.detail, response.headers['x-road-request-id']);
      assert.ok(!response.body.toString().includes('aimagCityName'), 'no data leaks with the refusal');
    });

    it('refuses a consent that does not cover this person, client or service, or was withdrawn or expired', async () => {
      const forOther = await consentFor(otherPerson, bank);
      const otherService = await consentFor(CITIZEN, bank, [ID_CARD_SERVICE]);
      const withdrawn = await consentFor(CITIZEN, bank);
      await app.exchange.withdrawConsent(CITIZEN, withdrawn.id);
      const pastDue = await app.exchange.grantConsent({ subject: CITIZEN, clientId: bank.client, services: [ADDRESS_SERVICE], purpose: PURPOSE, method: 'portal', days: -1 });
      const otherClient = await outsideMember(app, { memberCode: 'golomtbank', rights: [{ service: ADDRESS_SERVICE }] });
      const forOtherClient = await consentFor(CITIZEN, otherClient);
      for (const [name, id] of [['another person', forOther.id], ['another service', otherService.id], ['withdrawn', withdrawn.id], ['expired', pastDue.id], ['another client', forOtherClient.id], ['unknown', '00000000-0000-4000-8000-000000000000'], ['malformed', 'not-a-consent']] as const) {
        const response = await bank.exchange.call(ADDRESS_SERVICE, `/${CITIZEN}`, { consent: id, purpose: PURPOSE });
        assert.equal(response.status, 403, name);
        assert.equal(response.json<XRoadError>().type, 'Server.ServerProxy.ConsentInvalid', name);
      }
    });

    it('lets an agency read its own registry without consent, still logging the read', async () => {
      const gasr = await outsideMember(app, { memberClass: 'GOV', memberCode: 'gasr', subsystemCode: 'registration', rights: [{ service: 'MN/GOV/ema/registries/digitalRegistries', path: '/data/population/**' }] });
      const response = await gasr.exchange.call('MN/GOV/ema/registries/digitalRegistries', '/data/population/1.0/read', { method: 'POST', body: { query: { content: { registerNumber: CITIZEN } } } });
      assert.equal(response.status, 200, response.body.toString());
      assert.equal(response.json<{ content: { givenName: string } }>().content.givenName, DEMO_CITIZEN.givenName);
      // Another member with the same right still needs the person's consent.
      const other = await outsideMember(app, { memberCode: 'insurer', rights: [{ service: 'MN/GOV/ema/registries/digitalRegistries', path: '/data/population/**' }] });
      const refused = await other.exchange.call('MN/GOV/ema/registries/digitalRegistries', '/data/population/1.0/read', { method: 'POST', body: { query: { content: { registerNumber: CITIZEN } } }, purpose: PURPOSE });
      assert.equal(refused.json<XRoadError>().type, 'Server.ServerProxy.ConsentRequired');
      const mine = await app.exchange.accessLog(CITIZEN);
      assert.ok(mine.some((row) => row.client === gasr.client && row.status === 200));
    });
  });

  describe('one-time consent codes', () => {
    async function requestCode(member: OutsideMember, subject = CITIZEN): Promise<{ status: number; body: Record<string, unknown>; code?: string }> {
      const before = await app.messaging.outbox(1);
      const url = '/api/v1/exchange/consent-codes';
      const body = Buffer.from(JSON.stringify({ subject, services: [ADDRESS_SERVICE], purpose: PURPOSE }));
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-road-client': member.client, 'x-road-id': `code-${Math.random()}` };
      Object.assign(headers, signRequest({ method: 'POST', url, headers, body }, { keyId: member.keyId, privateKeyPem: member.privateKeyPem, headers: ['x-road-client', 'x-road-id'] }));
      const response = await app.server.inject({ method: 'POST', url, headers, payload: body });
      const after = await app.messaging.outbox(1);
      const sent = after[0] && after[0].id !== before[0]?.id ? after[0] : undefined;
      return { status: response.statusCode, body: response.json(), ...(sent ? { code: /\b(\d{6})\b/.exec(sent.body)?.[1] } : {}) };
    }

    it('sends a code to the person’s mobile; the code opens one read and becomes a consent', async () => {
      const sent = await requestCode(bank);
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      assert.match(String(sent.body.sentTo), /^\d\d\*{4}\d\d$/);
      assert.ok(sent.code, 'the SMS carries a six-digit code');
      const response = await bank.exchange.call(ADDRESS_SERVICE, `/${CITIZEN}`, { consentCode: sent.code!, purpose: PURPOSE });
      assert.equal(response.status, 200, response.body.toString());
      const consentId = response.headers['urtuu-consent'];
      assert.match(consentId ?? '', /^[0-9a-f-]{36}$/);
      // The code is spent; the consent it became keeps working for its term.
      const again = await bank.exchange.call(ADDRESS_SERVICE, `/${CITIZEN}`, { consentCode: sent.code!, purpose: PURPOSE });
      assert.equal(again.json<XRoadError>().type, 'Server.ServerProxy.ConsentCodeInvalid');
      assert.equal((await bank.exchange.call(ADDRESS_SERVICE, `/${CITIZEN}`, { consent: consentId!, purpose: PURPOSE })).status, 200);
      const consents = await app.exchange.consentsOf(CITIZEN);
      assert.ok(consents.some((row) => row.id === consentId && row.method === 'code' && row.client_id === bank.client));
    });

    it('does not open another person’s data with a code', async () => {
      const sent = await requestCode(bank);
      const response = await bank.exchange.call(ADDRESS_SERVICE, `/${otherPerson}`, { consentCode: sent.code!, purpose: PURPOSE });
      assert.equal(response.status, 403);
    });

    it('locks the code after five wrong guesses, even for the right one', async () => {
      const member = await outsideMember(app, { memberCode: 'guesser', rights: [{ service: ADDRESS_SERVICE }] });
      const sent = await requestCode(member);
      const wrong = sent.code === '000000' ? '111111' : '000000';
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const response = await member.exchange.call(ADDRESS_SERVICE, `/${CITIZEN}`, { consentCode: wrong, purpose: PURPOSE });
        assert.equal(response.json<XRoadError>().type, 'Server.ServerProxy.ConsentCodeInvalid');
      }
      const locked = await member.exchange.call(ADDRESS_SERVICE, `/${CITIZEN}`, { consentCode: sent.code!, purpose: PURPOSE });
      assert.equal(locked.status, 429);
      assert.equal(locked.json<XRoadError>().type, 'Server.ServerProxy.ConsentCodeLocked');
      const malformed = await member.exchange.call(ADDRESS_SERVICE, `/${CITIZEN}`, { consentCode: '12ab', purpose: PURPOSE });
      assert.equal(malformed.json<XRoadError>().type, 'Server.ServerProxy.ConsentCodeInvalid');
    });

    it('refuses code requests that are unsigned, malformed or for nobody', async () => {
      const unsigned = await app.server.inject({ method: 'POST', url: '/api/v1/exchange/consent-codes', headers: { 'content-type': 'application/json', 'x-road-client': bank.client }, payload: { subject: CITIZEN, services: [ADDRESS_SERVICE], purpose: PURPOSE } });
      assert.equal(unsigned.statusCode, 401);
      assert.equal(unsigned.json().type, 'Server.ClientProxy.AuthenticationFailed');
      const nobody = await requestCode(bank, 'ЯЯ00000000');
      assert.equal(nobody.status, 400);
      assert.equal(nobody.code, undefined, 'no SMS for a person who has no mobile number');
      const malformed = await requestCode(bank, 'not a number');
      assert.equal(malformed.status, 400);
    });
  });

  describe('bad clients and bad requests', () => {
    it('refuses a missing, malformed or unknown client', async () => {
      let response = await app.server.inject({ method: 'GET', url: addressUrl() });
      assert.equal(response.statusCode, 400);
      assert.equal(response.json<XRoadError>().type, 'Client.InvalidClientIdentifier');
      response = await raw({ url: addressUrl(), headers: { 'x-road-client': 'MN/COM' } });
      assert.equal(response.json<XRoadError>().type, 'Client.InvalidClientIdentifier');
      response = await raw({ url: addressUrl(), headers: { 'x-road-client': 'MN/COM/nobody/system' } });
      assert.equal(response.statusCode, 401);
      assert.equal(response.json<XRoadError>().type, 'Server.ClientProxy.UnknownMember');
    });

    it('refuses unsigned, forged, stale and replayed requests', async () => {
      const forger = generateKeyPair();
      const cases: [string, Parameters<typeof raw>[0]][] = [
        ['unsigned', { url: addressUrl(), sign: false }],
        ['forged', { url: addressUrl(), sign: { keyId: bank.keyId, privateKeyPem: forger.privateKeyPem } }],
        ['unknown key', { url: addressUrl(), sign: { keyId: 'someone-else', privateKeyPem: forger.privateKeyPem } }],
        ['stale', { url: addressUrl(), sign: { keyId: bank.keyId, privateKeyPem: bank.privateKeyPem, created: Math.floor(Date.now() / 1000) - 600 } }],
      ];
      for (const [name, request] of cases) {
        const response = await raw(request);
        assert.equal(response.statusCode, 401, name);
        assert.equal(response.json<XRoadError>().type, 'Server.ClientProxy.AuthenticationFailed', name);
      }
      // A signed request sent twice: the second is refused, whatever it asks for.
      const consent = await consentFor(CITIZEN, bank);
      const url = addressUrl();
      const headers: Record<string, string> = { 'x-road-client': bank.client, 'x-road-id': 'replayed-once', 'urtuu-consent': consent.id, 'urtuu-purpose': PURPOSE };
      Object.assign(headers, signRequest({ method: 'GET', url, headers }, { keyId: bank.keyId, privateKeyPem: bank.privateKeyPem, headers: ['x-road-client', 'x-road-id', 'urtuu-consent', 'urtuu-purpose'] }));
      assert.equal((await app.server.inject({ method: 'GET', url, headers })).statusCode, 200);
      const replay = await app.server.inject({ method: 'GET', url, headers });
      assert.equal(replay.statusCode, 409);
      assert.equal(replay.json<XRoadError>().type, 'Server.ClientProxy.DuplicateMessage');
    });

    it('refuses a request whose path or body differs from what was signed', async () => {
      const url = addressUrl();
      const headers: Record<string, string> = { 'x-road-client': bank.client, 'x-road-id': 'tampered' };
      Object.assign(headers, signRequest({ method: 'GET', url, headers }, { keyId: bank.keyId, privateKeyPem: bank.privateKeyPem, headers: ['x-road-client', 'x-road-id'] }));
      const response = await app.server.inject({ method: 'GET', url: addressUrl(otherPerson), headers });
      assert.equal(response.statusCode, 401);
      const body = Buffer.from('{"a":1}');
      const signed: Record<string, string> = { 'x-road-client': bank.client, 'x-road-id': 'tampered-body', 'content-type': 'application/json' };
      Object.assign(signed, signRequest({ method: 'POST', url: '/r1/MN/GOV/ema/registries/digitalRegistries/data/population/1.0/read', headers: signed, body }, { keyId: bank.keyId, privateKeyPem: bank.privateKeyPem, headers: ['x-road-client', 'x-road-id'] }));
      const changed = await app.server.inject({ method: 'POST', url: '/r1/MN/GOV/ema/registries/digitalRegistries/data/population/1.0/read', headers: signed, payload: '{"a":2}' });
      assert.equal(changed.statusCode, 401);
    });

    it('refuses a signed POST whose body was removed on the way, its digest kept', async () => {
      const url = '/r1/MN/GOV/ema/registries/digitalRegistries/data/population/1.0/read';
      const body = Buffer.from(JSON.stringify({ query: { content: { registerNumber: CITIZEN } } }));
      const signed: Record<string, string> = { 'x-road-client': bank.client, 'x-road-id': 'stripped-body', 'content-type': 'application/json' };
      Object.assign(signed, signRequest({ method: 'POST', url, headers: signed, body }, { keyId: bank.keyId, privateKeyPem: bank.privateKeyPem, headers: ['x-road-client', 'x-road-id'] }));
      const stripped = await app.server.inject({ method: 'POST', url, headers: { ...signed, 'content-length': '0' } });
      assert.equal(stripped.statusCode, 401, stripped.body);
      assert.match(stripped.json<XRoadError>().message, /digest-mismatch/);
      // A body added to a request signed without one has no signed digest: refused too.
      const bodiless: Record<string, string> = { 'x-road-client': bank.client, 'x-road-id': 'added-body', 'content-type': 'application/json' };
      Object.assign(bodiless, signRequest({ method: 'POST', url, headers: bodiless }, { keyId: bank.keyId, privateKeyPem: bank.privateKeyPem, headers: ['x-road-client', 'x-road-id'] }));
      const added = await app.server.inject({ method: 'POST', url, headers: bodiless, payload: body });
      assert.equal(added.statusCode, 401);
      assert.match(added.json<XRoadError>().message, /missing-component/);
      const { 'content-digest': _dropped, ...withoutDigest } = signed;
      const noDigest = await app.server.inject({ method: 'POST', url, headers: withoutDigest, payload: body });
      assert.equal(noDigest.statusCode, 401);
    });

    it('refuses a message whose purpose or consent was changed, added or dropped after signing', async () => {
      const consent = await consentFor(CITIZEN, bank);
      const other = await consentFor(CITIZEN, bank);
      const url = addressUrl();
      const send = (id: string, change: (headers: Record<string, string>) => void, sign = ['x-road-client', 'x-road-id', 'urtuu-consent', 'urtuu-purpose']) => {
        const headers: Record<string, string> = { 'x-road-client': bank.client, 'x-road-id': id, 'urtuu-consent': consent.id, 'urtuu-purpose': PURPOSE };
        Object.assign(headers, signRequest({ method: 'GET', url, headers }, { keyId: bank.keyId, privateKeyPem: bank.privateKeyPem, headers: sign }));
        change(headers);
        return app.server.inject({ method: 'GET', url, headers });
      };
      assert.equal((await send('purpose-intact', () => {})).statusCode, 200);
      for (const [name, change] of [
        ['purpose changed', (h: Record<string, string>) => (h['urtuu-purpose'] = 'Something else entirely')],
        ['consent changed', (h: Record<string, string>) => (h['urtuu-consent'] = other.id)],
        ['purpose dropped', (h: Record<string, string>) => delete h['urtuu-purpose']],
        ['code added', (h: Record<string, string>) => (h['urtuu-consent-code'] = '123456')],
      ] as const) {
        const response = await send(`purpose-${name}`, change);
        assert.equal(response.statusCode, 401, name);
        assert.equal(response.json<XRoadError>().type, 'Server.ClientProxy.AuthenticationFailed', name);
      }
      // A signature that leaves the purpose and consent out is not enough when they are sent.
      const unsigned = await send('purpose-not-covered', () => {}, ['x-road-client', 'x-road-id']);
      assert.equal(unsigned.statusCode, 401);
      assert.match(unsigned.json<XRoadError>().message, /missing-component/);
    });

    it('does not take a caller forwarded by a proxy on this host for a local subsystem', async () => {
      const memberId = await app.exchange.admin.upsertMember({ memberClass: 'GOV', memberCode: 'localagency', name: { mn: 'Local', en: 'Local' } });
      const client = await app.exchange.admin.upsertSubsystem({ memberId, subsystemCode: 'sidecar', name: { mn: 'Local', en: 'Local' }, authMode: 'local' });
      await app.exchange.admin.grant({ serviceId: ADDRESS_SERVICE, clientId: client, method: 'GET', path: '/*' });
      const send = (headers: Record<string, string>) => app.server.inject({ method: 'GET', url: addressUrl(), remoteAddress: '127.0.0.1', headers: { 'x-road-client': client, ...headers } });
      const direct = await send({});
      assert.equal(direct.statusCode, 400, direct.body);
      assert.equal(direct.json<XRoadError>().type, 'Server.ServerProxy.PurposeRequired', 'local: authenticated, only the purpose is missing');
      for (const headers of [{ 'x-forwarded-for': '203.0.113.5' }, { forwarded: 'for=203.0.113.5' }] as Record<string, string>[]) {
        const proxied = await send(headers);
        assert.equal(proxied.statusCode, 401, JSON.stringify(headers));
        assert.match(proxied.json<XRoadError>().message, /forwarded by a proxy/);
      }
    });

    it('accepts X-Road’s identifier characters in codes, as GovStack’s eregistrations-dev', async () => {
      const member = await outsideMember(app, { memberCode: 'e-reg.1', subsystemCode: 'eregistrations-dev', rights: [{ service: ADDRESS_SERVICE, method: 'GET', path: '/*' }] });
      assert.equal(member.client, 'MN/COM/e-reg.1/eregistrations-dev');
      const response = await member.exchange.call(ADDRESS_SERVICE, `/${CITIZEN}`);
      assert.equal(response.json<XRoadError>().type, 'Server.ServerProxy.PurposeRequired', 'authenticated: only the purpose is missing');
      for (const code of ['..', 'a/b', 'with space', 'x'.repeat(65)]) {
        await assert.rejects(app.exchange.admin.upsertSubsystem({ memberId: 'MN/COM/e-reg.1', subsystemCode: code, name: { mn: 'Х', en: 'X' } }), (error: { code?: string }) => error.code === 'VALIDATION_FAILED', code);
      }
    });

    it('stops accepting a revoked key', async () => {
      const member = await outsideMember(app, { memberCode: 'revoked', rights: [{ service: ADDRESS_SERVICE }] });
      assert.equal((await member.exchange.call(ADDRESS_SERVICE, `/${CITIZEN}`)).status, 400, 'before: only the purpose is missing');
      await app.exchange.admin.revokeKey(member.keyId);
      const response = await member.exchange.call(ADDRESS_SERVICE, `/${CITIZEN}`);
      assert.equal(response.status, 401);
    });

    it('names unknown services, denied access and malformed addresses', async () => {
      let response = await bank.exchange.call('MN/GOV/gasr/population/noSuchService', `/${CITIZEN}`);
      assert.equal(response.status, 404);
      assert.equal(response.json<XRoadError>().type, 'Server.ServerProxy.UnknownService');
      response = await bank.exchange.call(ID_CARD_SERVICE, `/${CITIZEN}`, { purpose: PURPOSE });
      assert.equal(response.status, 403);
      const denied = response.json<XRoadError>();
      assert.equal(denied.type, 'Server.ServerProxy.AccessDenied');
      assert.ok(!denied.message.includes(CITIZEN), 'the refusal does not echo the register number');
      response = await bank.exchange.call(ADDRESS_SERVICE, `/${CITIZEN}`, { method: 'DELETE', purpose: PURPOSE });
      assert.equal(response.json<XRoadError>().type, 'Server.ServerProxy.AccessDenied', 'the right is for GET only');
      response = await bank.exchange.call(ADDRESS_SERVICE, `/${CITIZEN}/history`, { purpose: PURPOSE });
      assert.equal(response.json<XRoadError>().type, 'Server.ServerProxy.AccessDenied', 'the right is for /* only');
      for (const url of ['/r1/MN/GOV/gasr', '/r2/MN/GOV/gasr/population/address/x', '/r1/MN/GOV/gasr/population/address/..%2F..%2Fadmin']) {
        const malformed = await raw({ url });
        assert.equal(malformed.statusCode, 400, url);
        assert.match(malformed.json<XRoadError>().type, /^Client\./, url);
      }
    });

    it('answers in XML when the client asks for it, and in Mongolian when asked', async () => {
      const xml = await bank.exchange.call('MN/GOV/gasr/population/noSuchService', '/x', { headers: { accept: 'text/xml' } });
      assert.match(xml.headers['content-type'] ?? '', /xml/);
      assert.match(xml.body.toString(), /^<error><type>Server\.ServerProxy\.UnknownService<\/type><message>[^<]+<\/message><detail>[0-9a-f-]{36}<\/detail><\/error>$/);
      const mongolian = await bank.exchange.call('MN/GOV/gasr/population/noSuchService', '/x', { headers: { 'accept-language': 'mn' } });
      assert.match(mongolian.json<XRoadError>().message, /[А-Яа-яӨөҮү]/);
    });

    it('refuses an oversized body with its own error and keeps serving', async () => {
      const response = await raw({ method: 'POST', url: '/r1/MN/GOV/ema/registries/digitalRegistries/data/population/1.0/read', headers: { 'content-type': 'application/json' }, body: Buffer.alloc(11 * 1024 * 1024, 0x20) });
      assert.equal(response.statusCode, 413);
      assert.equal(response.json<XRoadError>().type, 'Client.BodyTooLarge');
      assert.equal((await bank.exchange.call(ADDRESS_SERVICE, `/${CITIZEN}`, { purpose: PURPOSE })).status, 403, 'still answering');
    });
  });

  describe('services of members over HTTP', () => {
    let provider: Server;
    let providerUrl: string;
    let seen: { method: string; url: string; headers: Record<string, unknown>; body: string }[];

    before(async () => {
      seen = [];
      provider = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          seen.push({ method: request.method!, url: request.url!, headers: request.headers, body: Buffer.concat(chunks).toString() });
          if (request.url?.startsWith('/slow')) return void setTimeout(() => response.end('late'), 2000);
          response.setHeader('content-type', 'application/json');
          response.end(JSON.stringify({ licence: 'ok', path: request.url }));
        });
      });
      await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
      providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
      const police = await app.exchange.admin.upsertMember({ memberClass: 'GOV', memberCode: 'police', name: { mn: 'Цагдаа', en: 'Police' } });
      const subsystem = await app.exchange.admin.upsertSubsystem({ memberId: police, subsystemCode: 'licences', name: { mn: 'Жолооны үнэмлэх', en: 'Driving licences' } });
      const service = await app.exchange.admin.upsertService({ subsystemId: subsystem, serviceCode: 'licence', title: { mn: 'Жолооны үнэмлэх', en: 'Driving licence' }, kind: 'rest', baseUrl: providerUrl, personal: false, timeoutMs: 500, openapi: { openapi: '3.0.0', info: { title: 'Licences', version: '1' }, paths: { '/licences/{number}': { get: {} }, '/slow': { get: {} } } } });
      await app.exchange.admin.grant({ serviceId: service, clientId: bank.client, method: '*', path: '/**' });
      const down = await app.exchange.admin.upsertService({ subsystemId: subsystem, serviceCode: 'down', title: { mn: 'Унтарсан', en: 'Down' }, kind: 'rest', baseUrl: 'http://127.0.0.1:9', personal: false });
      await app.exchange.admin.grant({ serviceId: down, clientId: bank.client });
    });
    after(async () => new Promise<void>((resolve) => provider.close(() => resolve())));

    it('forwards the request with X-Road headers and returns the provider’s answer', async () => {
      const response = await bank.exchange.call('MN/GOV/police/licences/licence', '/licences/AB123', { method: 'POST', body: { check: true }, userId: 'clerk-4', query: { full: '1' } });
      assert.equal(response.status, 200, response.body.toString());
      assert.deepEqual(response.json(), { licence: 'ok', path: '/licences/AB123?full=1' });
      const request = seen.at(-1)!;
      assert.equal(request.method, 'POST');
      assert.equal(request.body, '{"check":true}');
      assert.equal(request.headers['x-road-client'], bank.client);
      assert.equal(request.headers['x-road-userid'], 'clerk-4');
      assert.equal(request.headers['x-road-request-id'], response.headers['x-road-request-id']);
      assert.equal(request.headers.signature, undefined, 'the member’s signature stays at the exchange');
    });

    it('names a provider that is down or too slow', async () => {
      const down = await bank.exchange.call('MN/GOV/police/licences/down', '/x');
      assert.equal(down.status, 502);
      assert.equal(down.json<XRoadError>().type, 'Server.ServerProxy.ServiceFailed');
      const slow = await bank.exchange.call('MN/GOV/police/licences/licence', '/slow');
      assert.equal(slow.status, 504);
      assert.equal(slow.json<XRoadError>().type, 'Server.ServerProxy.ServiceTimeout');
    });

    it('answers the metaservices from the directory', async () => {
      const clients = (await app.server.inject({ method: 'GET', url: '/listClients' })).json<{ member: { id: { object_type: string; member_code: string; subsystem_code?: string } }[] }>();
      assert.ok(clients.member.some((m) => m.id.object_type === 'SUBSYSTEM' && m.id.member_code === 'khanbank' && m.id.subsystem_code === 'loans'));
      const methods = (await bank.exchange.call('MN/GOV/police/licences/listMethods', '')).json<{ service: { service_code: string; endpoint_list: { method: string; path: string }[] }[] }>();
      const licence = methods.service.find((s) => s.service_code === 'licence');
      assert.deepEqual(licence?.endpoint_list.sort((a, b) => a.path.localeCompare(b.path)), [{ method: 'GET', path: '/licences/*' }, { method: 'GET', path: '/slow' }]);
      const allowed = (await bank.exchange.call('MN/GOV/gasr/population/allowedMethods', '')).json<{ service: { service_code: string; endpoint_list: unknown[] }[] }>();
      assert.deepEqual(allowed.service.map((s) => s.service_code), ['address']);
      const openapi = (await bank.exchange.call('MN/GOV/police/licences/getOpenAPI', '', { query: { serviceCode: 'licence' } })).json<{ info: { title: string }; servers: { url: string }[] }>();
      assert.equal(openapi.info.title, 'Licences');
      assert.equal(openapi.servers[0]?.url, 'http://localhost:3000/r1/MN/GOV/police/licences/licence');
      const unknown = await bank.exchange.call('MN/GOV/police/licences/getOpenAPI', '', { query: { serviceCode: 'nothing' } });
      assert.equal(unknown.status, 404);
    });
  });

  describe('the message log', () => {
    it('logs every message, refusals too, without register numbers in clear', async () => {
      await app.exchange.flush();
      const { rows } = await app.ctx.db.query<{ path: string; error_type: string | null; subjects: string[]; client: string | null }>('SELECT path, error_type, subjects, client FROM exchange.message_log ORDER BY seq');
      assert.ok(rows.length >= 30, `${rows.length} entries`);
      assert.ok(rows.some((row) => row.error_type === 'Server.ClientProxy.AuthenticationFailed'));
      assert.ok(rows.some((row) => row.error_type === 'Server.ServerProxy.ConsentRequired'));
      assert.ok(rows.some((row) => row.error_type === 'Client.InvalidClientIdentifier' && row.client === null));
      for (const row of rows) {
        assert.ok(!row.path.includes(CITIZEN), `path ${row.path} names the person`);
        assert.ok(row.subjects.every((subject) => !subject.includes(CITIZEN)));
      }
      assert.ok(rows.some((row) => row.subjects.includes(app.exchange.subjectHash(CITIZEN))));
    });

    it('verifies untouched, and names the first entry changed behind its back', async () => {
      const intact = await app.exchange.verifyLog();
      assert.equal(intact.ok, true, JSON.stringify(intact.firstBad));
      assert.ok(intact.entries >= 30);
      const { rows } = await app.ctx.db.query<{ seq: number }>('SELECT seq FROM exchange.message_log ORDER BY seq OFFSET 5 LIMIT 1');
      const target = rows[0]!.seq;
      // The log refuses updates; an attacker with the database owner's rights switches that off.
      await app.ctx.db.exec('ALTER TABLE exchange.message_log DISABLE TRIGGER USER');
      try {
        await app.ctx.db.query(`UPDATE exchange.message_log SET purpose = 'nothing to see' WHERE seq = $1`, [target]);
      } finally {
        await app.ctx.db.exec('ALTER TABLE exchange.message_log ENABLE TRIGGER USER');
      }
      const tampered = await app.exchange.verifyLog();
      assert.equal(tampered.ok, false);
      assert.equal(tampered.firstBad?.seq, target);
    });
  });
});
