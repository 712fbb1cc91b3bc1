import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { X509Certificate } from 'node:crypto';
import { before, describe, it } from 'node:test';
import type { Issued } from '../../../kernel/pki.ts';
import { certificateTypesAllowed, DCC_EKU, kidOf } from './certificates.ts';
import { DccIssueError, issueDcc } from './issue.ts';
import { createCsca, createDsc } from './keys.ts';
import { failureMessage, healthMessages } from './messages.ts';
import { qrPng, qrSvg, readQrPng } from './qr.ts';
import { isDccDate, schemaVersionFor, validateDccPayload } from './schema.ts';
import { dccPayload } from './test-fixtures.ts';
import { TrustList } from './trust.ts';
import { FAILURE_CODES, verifyHc1 } from './verify.ts';

const DAY = 86_400_000;
const now = Date.now();
const issuedAt = new Date(now - DAY);
const expiresAt = new Date(now + 180 * DAY);

describe('DCC issuance and verification', () => {
  let csca: Issued;
  let dsc: Issued;
  let rsaDsc: Issued;
  let trust: TrustList;

  before(async () => {
    csca = await createCsca({ subject: 'CN=Urtuu Test CSCA, O=Ministry of Health, C=MN', notBefore: new Date(now - 30 * DAY) });
    dsc = await createDsc(csca, { subject: 'CN=Urtuu Test DSC 1, O=Ministry of Health, C=MN', notBefore: new Date(now - 10 * DAY), days: 730 });
    rsaDsc = await createDsc(csca, { subject: 'CN=Urtuu Test DSC RSA, O=Ministry of Health, C=MN', notBefore: new Date(now - 10 * DAY), days: 730, keyType: 'rsa' });
    trust = TrustList.fromPem(`${dsc.certificatePem}\n${rsaDsc.certificatePem}`);
  });

  it('issues certificates that verify, for each of v, t and r', () => {
    for (const type of ['v', 't', 'r'] as const) {
      const payload = dccPayload(type);
      const hc1 = issueDcc({ payload, signer: dsc, issuer: 'MN', issuedAt, expiresAt });
      assert.match(hc1, /^HC1:[0-9A-Z $%*+\-./:]+$/);
      const result = verifyHc1(hc1, { trust });
      assert.deepEqual(result.failures, [], `type ${type}: ${JSON.stringify(result.details)}`);
      assert.equal(result.valid, true);
      assert.equal(result.certificateType, type);
      assert.deepEqual(result.payload, payload);
      assert.equal(result.issuer, 'MN');
      assert.equal(result.kid, kidOf(dsc.certificatePem).toString('base64'));
      assert.equal(result.algorithm, 'ES256');
      assert.equal(result.issuedAt?.getTime(), Math.floor(issuedAt.getTime() / 1000) * 1000);
      assert.equal(result.expiresAt?.getTime(), Math.floor(expiresAt.getTime() / 1000) * 1000);
      assert.equal(result.schemaVersion, '1.3.0');
      assert.match(result.signerSubject ?? '', /Urtuu Test DSC 1/);
    }
  });

  it('signs with PS256 (RSASSA-PSS, salt 32) when the signer has an RSA key, and verifies it', () => {
    const hc1 = issueDcc({ payload: dccPayload('t'), signer: rsaDsc, issuer: 'MN', issuedAt, expiresAt });
    const result = verifyHc1(hc1, { trust });
    assert.deepEqual(result.failures, []);
    assert.equal(result.algorithm, 'PS256');
    assert.equal(result.certificateType, 't');
  });

  it('writes the kid as the first 8 bytes of SHA-256 of the DSC, in the protected header', async () => {
    const { decodeHc1 } = await import('./verify.ts');
    const { parseCoseSign1 } = await import('./cose.ts');
    const decoded = decodeHc1(issueDcc({ payload: dccPayload('v'), signer: dsc, issuer: 'MN', issuedAt, expiresAt }));
    assert.ok(decoded.ok);
    const message = parseCoseSign1(decoded.cose);
    assert.ok(message.ok);
    assert.deepEqual(message.value.tags, [18]);
    assert.deepEqual(Buffer.from(message.value.protectedHeader.get(4) as Uint8Array), kidOf(new X509Certificate(dsc.certificatePem).raw));
    assert.equal(message.value.protectedHeader.get(1), -7);
    assert.equal(message.value.signature.length, 64, 'raw r||s, not DER');
  });

  it('refuses to issue what verifiers would refuse', async () => {
    const testsOnly = await createDsc(csca, { subject: 'CN=Test centre DSC, C=MN', notBefore: new Date(now - DAY), types: ['t'] });
    const attempt = (request: Partial<Parameters<typeof issueDcc>[0]>) => () => issueDcc({ payload: dccPayload('v'), signer: dsc, issuer: 'MN', issuedAt, expiresAt, ...request });
    assert.throws(attempt({ signer: testsOnly }), (error: unknown) => error instanceof DccIssueError && error.code === 'KEY_USAGE');
    assert.throws(attempt({ payload: dccPayload('v', { dob: 'yesterday' }) }), (error: unknown) => error instanceof DccIssueError && error.code === 'SCHEMA');
    assert.throws(attempt({ payload: { ...dccPayload('v'), t: dccPayload('t').t } }), (error: unknown) => error instanceof DccIssueError && (error.code === 'CERTIFICATE_TYPE' || error.code === 'SCHEMA'));
    assert.throws(attempt({ expiresAt: new Date(now + 5 * 365 * DAY) }), (error: unknown) => error instanceof DccIssueError && error.code === 'VALIDITY');
    assert.throws(attempt({ signer: { certificatePem: dsc.certificatePem, privateKeyPem: rsaDsc.privateKeyPem } }), (error: unknown) => error instanceof DccIssueError && error.code === 'SIGNER_KEY');
    assert.ok(issueDcc({ payload: dccPayload('t'), signer: testsOnly, issuer: 'MN', issuedAt: new Date(now - 60_000), expiresAt: new Date(now + DAY) }));
  });

  it('makes DSCs with the DCC extended key usages asked for', async () => {
    const recovery = await createDsc(csca, { subject: 'CN=Recovery DSC, C=MN', types: ['r'] });
    assert.deepEqual(new X509Certificate(recovery.certificatePem).keyUsage, [DCC_EKU.r]);
    assert.deepEqual([...(certificateTypesAllowed(new X509Certificate(dsc.certificatePem).keyUsage) ?? [])].sort(), ['r', 't', 'v']);
    const any = await createDsc(csca, { subject: 'CN=Any DSC, C=MN', types: [] });
    assert.equal(new X509Certificate(any.certificatePem).keyUsage, undefined);
    assert.ok(new X509Certificate(dsc.certificatePem).checkIssued(new X509Certificate(csca.certificatePem)));
    assert.ok(new X509Certificate(rsaDsc.certificatePem).verify(new X509Certificate(csca.certificatePem).publicKey));
  });

  it('builds trust lists from PEM files, a gateway-like JSON list and bare public keys', async () => {
    const hc1 = issueDcc({ payload: dccPayload('r'), signer: dsc, issuer: 'MN', issuedAt, expiresAt });
    const dir = await mkdtemp(path.join(tmpdir(), 'dcc-trust-'));
    try {
      const file = path.join(dir, 'dsc.pem');
      await writeFile(file, dsc.certificatePem);
      const fromFiles = await TrustList.fromPemFiles([file]);
      assert.equal(fromFiles.size, 1);
      assert.equal(verifyHc1(hc1, { trust: fromFiles }).valid, true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const der = new X509Certificate(dsc.certificatePem).raw.toString('base64');
    const gateway = TrustList.fromGatewayList(JSON.stringify([{ kid: kidOf(dsc.certificatePem).toString('base64'), certificate: der }]));
    assert.equal(verifyHc1(hc1, { trust: gateway }).valid, true);
    assert.equal(verifyHc1(hc1, { trust: TrustList.fromGatewayList([{ rawData: der }]) }).valid, true, 'kid computed when absent');

    const bare = new TrustList();
    bare.addPublicKey(kidOf(dsc.certificatePem).toString('base64'), dsc.publicKeyPem);
    const result = verifyHc1(hc1, { trust: bare });
    assert.deepEqual(result.failures, [], 'a bare key has no validity or key usage to check');
    assert.throws(() => TrustList.fromGatewayList('{"not":"a list"}'), TypeError);
  });

  it('tries every signer that shares a kid', () => {
    const hc1 = issueDcc({ payload: dccPayload('v'), signer: dsc, issuer: 'MN', issuedAt, expiresAt });
    const kid = kidOf(dsc.certificatePem).toString('base64');
    const list = new TrustList();
    list.addCertificate(rsaDsc.certificatePem, kid);
    list.addPublicKey(kid, dsc.publicKeyPem);
    assert.deepEqual(verifyHc1(hc1, { trust: list }).failures, []);
  });

  it('renders a level-Q QR code that an independent reader decodes to the same text, which verifies', async () => {
    const hc1 = issueDcc({ payload: dccPayload('v'), signer: dsc, issuer: 'MN', issuedAt, expiresAt });
    const png = await qrPng(hc1);
    assert.deepEqual([...png.subarray(1, 4)].map((byte) => String.fromCharCode(byte)).join(''), 'PNG');
    const read = readQrPng(png);
    assert.equal(read, hc1);
    assert.equal(verifyHc1(read, { trust }).valid, true);
    const svg = await qrSvg(hc1);
    assert.match(svg, /^<svg[\s\S]*<\/svg>\s*$/);
    await assert.rejects(qrSvg('hc1:lower case'), TypeError);
    assert.equal(readQrPng(Buffer.from('not a png')), undefined);
  });
});

describe('DCC schema selection', () => {
  it('picks the bundled schema for a version: the same, else the newest that is not newer', () => {
    assert.equal(schemaVersionFor('1.3.0'), '1.3.0');
    assert.equal(schemaVersionFor('1.0.0'), '1.0.0');
    assert.equal(schemaVersionFor('1.3.9'), '1.3.3');
    assert.equal(schemaVersionFor('1.4.0'), '1.3.3');
    assert.equal(schemaVersionFor('1.0.5'), '1.0.1');
    assert.equal(schemaVersionFor('2.0.0'), undefined);
    assert.equal(schemaVersionFor('1.3'), undefined);
    assert.equal(schemaVersionFor(130), undefined);
  });

  it('validates dates as real calendar days, with or without a time of day', () => {
    assert.ok(isDccDate('2020-02-29'));
    assert.ok(isDccDate('2021-03-18T22:54:00+02:00'), 'a time in a date field, as some countries wrote');
    assert.ok(!isDccDate('2021-02-29'));
    assert.ok(!isDccDate('2021-09-99'));
    assert.ok(!isDccDate('18.03.2021'));
    const result = validateDccPayload(dccPayload('v', {}));
    assert.ok(result.ok);
    const bad = validateDccPayload({ ...dccPayload('v'), v: [{ ...dccPayload('v').v![0]!, dt: '2021-13-01' }] });
    assert.equal(bad.ok, false);
  });
});

describe('DCC failure messages', () => {
  it('has a Mongolian and an English text for every failure code, and the same keys in both', () => {
    const keys = (lang: 'mn' | 'en') => Object.keys((healthMessages(lang).dcc as { failures: Record<string, string> }).failures).sort();
    assert.deepEqual(keys('mn'), keys('en'));
    assert.deepEqual(keys('en'), [...FAILURE_CODES].sort());
    for (const code of FAILURE_CODES) {
      assert.notEqual(failureMessage(code, 'mn'), code);
      assert.notEqual(failureMessage(code, 'en'), code);
      assert.notEqual(failureMessage(code, 'mn'), failureMessage(code, 'en'));
    }
    assert.match(failureMessage('SIGNATURE', 'mn'), /[А-Яа-яӨөҮү]/);
  });
});
