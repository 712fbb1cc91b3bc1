import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { before, describe, it } from 'node:test';
import { decode, encode, Tagged } from 'cborg';
import type { Issued } from '../../../kernel/pki.ts';
import { base45Encode } from './base45.ts';
import { DCC_EKU_ALTERNATE, kidOf } from './certificates.ts';
import { issueDcc } from './issue.ts';
import { createCsca, createDsc } from './keys.ts';
import { claims, craftCose, dccPayload, toHc1, type CraftOptions } from './test-fixtures.ts';
import { TrustList } from './trust.ts';
import { FAILURE_CODES, verifyCose, verifyHc1, type FailureCode, type VerificationResult } from './verify.ts';

const DAY = 86_400_000;
const now = Date.now();
const at = (offsetMs: number) => new Date(now + offsetMs);

describe('DCC verification failures', () => {
  const seen = new Set<FailureCode>();
  let csca: Issued;
  let dsc: Issued;
  let rsaDsc: Issued;
  let trust: TrustList;

  before(async () => {
    csca = await createCsca({ subject: 'CN=Urtuu Test CSCA, C=MN', notBefore: at(-400 * DAY), days: 4 * 365 });
    // Valid from 10 days ago for two years.
    dsc = await createDsc(csca, { subject: 'CN=Urtuu Test DSC, C=MN', notBefore: at(-10 * DAY), days: 730 });
    rsaDsc = await createDsc(csca, { subject: 'CN=Urtuu Test DSC RSA, C=MN', notBefore: at(-10 * DAY), days: 730, keyType: 'rsa' });
    trust = TrustList.fromPem(dsc.certificatePem + rsaDsc.certificatePem);
  });

  /** Verifies an HC1 text and records the failure codes seen, so the last test can tell all were produced. */
  const check = (hc1: unknown, options: { trust?: TrustList; at?: Date } = {}): VerificationResult => {
    const result = verifyHc1(hc1, { trust: options.trust ?? trust, ...(options.at ? { at: options.at } : {}) });
    for (const code of result.failures) seen.add(code);
    assert.equal(result.valid, result.failures.length === 0);
    return result;
  };
  const crafted = (options: Partial<CraftOptions> = {}, verifyOptions: { trust?: TrustList; at?: Date } = {}) => check(toHc1(craftCose({ signer: dsc, ...options })), verifyOptions);
  const valid = () => issueDcc({ payload: dccPayload('v'), signer: dsc, issuer: 'MN', issuedAt: at(-DAY), expiresAt: at(100 * DAY) });

  it('accepts a well-made certificate', () => {
    assert.deepEqual(check(valid()).failures, []);
    assert.deepEqual(crafted().failures, []);
  });

  it('PREFIX: a wrong or missing context prefix, or no text at all', () => {
    const hc1 = valid();
    assert.deepEqual(check(`HC2:${hc1.slice(4)}`).failures, ['PREFIX']);
    assert.deepEqual(check(`HL0:${hc1.slice(4)}`).failures, ['PREFIX']);
    assert.deepEqual(check(hc1.slice(4)).failures, ['PREFIX']);
    assert.deepEqual(check(undefined).failures, ['PREFIX']);
    assert.deepEqual(check(42).failures, ['PREFIX']);
  });

  it('BASE45: characters outside the alphabet, a dangling character, a group out of range', () => {
    assert.deepEqual(check('HC1:abc').failures, ['BASE45']);
    assert.deepEqual(check('HC1:GGW').failures, ['BASE45']);
    assert.deepEqual(check('HC1:BB8A').failures, ['BASE45']);
  });

  it('COMPRESSION: content that is not ZLIB, or a truncated code', () => {
    const cose = craftCose({ signer: dsc });
    assert.deepEqual(check(`HC1:${base45Encode(cose)}`).failures, ['COMPRESSION'], 'not compressed');
    const hc1 = valid();
    assert.deepEqual(check(hc1.slice(0, hc1.length - 3)).failures, ['COMPRESSION'], 'truncated');
  });

  it('TOO_LARGE: an oversized text, a decompression bomb, oversized COSE bytes', () => {
    assert.deepEqual(check(`HC1:${'0'.repeat(9000)}`).failures, ['TOO_LARGE']);
    assert.deepEqual(check(`HC1:${base45Encode(deflateSync(Buffer.alloc(200_000)))}`).failures, ['TOO_LARGE']);
    const result = verifyCose(Buffer.alloc(70_000), { trust });
    assert.deepEqual(result.failures, ['TOO_LARGE']);
  });

  it('CBOR: bytes that are not CBOR, or a message cut short', () => {
    assert.deepEqual(check(toHc1(Buffer.from([0xff, 0x00, 0x01]))).failures, ['CBOR']);
    const cose = craftCose({ signer: dsc });
    assert.deepEqual(check(toHc1(cose.subarray(0, cose.length - 10))).failures, ['CBOR']);
    assert.deepEqual(check(toHc1(Buffer.concat([cose, Buffer.from([0x00])]))).failures, ['CBOR'], 'trailing bytes');
  });

  it('COSE_TAG: another COSE message type or tags in the wrong order', () => {
    assert.deepEqual(crafted({ tags: [98] }).failures, ['COSE_TAG']);
    assert.deepEqual(crafted({ tags: [18, 61] }).failures, ['COSE_TAG']);
  });

  it('COSE_STRUCTURE: not four elements, wrong element types, a protected header that is no map, critical headers', () => {
    const [protectedBytes, unprotected, payload, signature] = (decode(craftCose({ signer: dsc }), { useMaps: true, tags: Tagged.preserve(18) }) as Tagged).value as [Uint8Array, Map<number, unknown>, Uint8Array, Uint8Array];
    const wrap = (items: unknown[]) => check(toHc1(encode(new Tagged(18, items))));
    assert.deepEqual(wrap([protectedBytes, unprotected, payload]).failures, ['COSE_STRUCTURE']);
    assert.deepEqual(wrap([protectedBytes, unprotected, 'payload', signature]).failures, ['COSE_STRUCTURE']);
    assert.deepEqual(wrap([encode([1, 2]), unprotected, payload, signature]).failures, ['COSE_STRUCTURE']);
    const critical = encode(new Map<number, unknown>([[1, -7], [2, [99]], [4, kidOf(dsc.certificatePem)]]));
    assert.ok(wrap([critical, unprotected, payload, signature]).failures.includes('COSE_STRUCTURE'));
  });

  it('KID_MISSING and KID_UNKNOWN: no kid, or a kid the trust list does not hold', () => {
    assert.deepEqual(crafted({ kid: null }).failures, ['KID_MISSING']);
    assert.deepEqual(check(valid(), { trust: new TrustList() }).failures, ['KID_UNKNOWN']);
    assert.deepEqual(check(valid(), { trust: TrustList.fromPem(rsaDsc.certificatePem) }).failures, ['KID_UNKNOWN']);
  });

  it('reads the kid from the unprotected header too, and prefers the protected one', () => {
    const good = kidOf(dsc.certificatePem);
    const wrong = Buffer.from('foo');
    assert.deepEqual(crafted({ kidIn: 'unprotected' }).failures, []);
    assert.deepEqual(crafted({ kidIn: 'both' }).failures, []);
    assert.deepEqual(crafted({ kid: good, unprotectedKid: wrong }).failures, [], 'protected correct, unprotected wrong');
    assert.deepEqual(crafted({ kid: wrong, unprotectedKid: good }).failures, ['KID_UNKNOWN'], 'protected wrong, unprotected correct');
    assert.deepEqual(crafted({ algIn: 'unprotected' }).failures, [], 'alg only in the unprotected header, as some issuers wrote it');
  });

  it('accepts untagged messages and the CWT tag 61 around tag 18', () => {
    assert.deepEqual(crafted({ tags: [] }).failures, []);
    assert.deepEqual(crafted({ tags: [61, 18] }).failures, []);
  });

  it('verifies PS256 signatures (RSASSA-PSS, SHA-256, salt length 32)', () => {
    const result = crafted({ signer: rsaDsc });
    assert.deepEqual(result.failures, []);
    assert.equal(result.algorithm, 'PS256');
    assert.deepEqual(crafted({ signer: rsaDsc, mutateSignature: (signature) => Buffer.concat([signature.subarray(0, 10), Buffer.from([signature[10]! ^ 1]), signature.subarray(11)]) }).failures, ['SIGNATURE']);
  });

  it('ALGORITHM: an unsupported algorithm id, none, or one that does not suit the key', () => {
    assert.deepEqual(crafted({ alg: -35 }).failures, ['ALGORITHM'], 'ES384');
    assert.deepEqual(crafted({ alg: 'ES256' as unknown as number }).failures, ['ALGORITHM'], 'alg as text');
    assert.deepEqual(crafted({ signer: rsaDsc, alg: -7 }).failures, ['ALGORITHM'], 'ES256 named, RSA key');
    assert.deepEqual(crafted({ alg: -37, signAs: 'ES256' }).failures, ['ALGORITHM'], 'PS256 named, EC key');
  });

  it('SIGNATURE: a corrupted signature byte, a wrong-length signature, an altered payload', () => {
    const flip = (signature: Buffer) => Buffer.concat([signature.subarray(0, 20), Buffer.from([signature[20]! ^ 0x80]), signature.subarray(21)]);
    assert.deepEqual(crafted({ mutateSignature: flip }).failures, ['SIGNATURE']);
    assert.deepEqual(crafted({ mutateSignature: (signature) => signature.subarray(0, 63) }).failures, ['SIGNATURE']);
    const message = (decode(craftCose({ signer: dsc }), { useMaps: true, tags: Tagged.preserve(18) }) as Tagged).value as [Uint8Array, Map<number, unknown>, Uint8Array, Uint8Array];
    const payload = Buffer.from(message[2]);
    payload[payload.indexOf(Buffer.from('BATBOLD'))] = 'C'.charCodeAt(0);
    const result = check(toHc1(encode(new Tagged(18, [message[0], message[1], payload, message[3]]))));
    assert.deepEqual(result.failures, ['SIGNATURE']);
    assert.equal(result.payload?.nam.fnt, 'CATBOLD', 'the payload is still shown, for the record, while invalid');
  });

  it('SIGNER_EXPIRED and SIGNER_NOT_YET_VALID: checked at the validation time', async () => {
    const old = await createDsc(csca, { subject: 'CN=Old DSC, C=MN', notBefore: at(-100 * DAY), days: 30 });
    const oldTrust = TrustList.fromPem(old.certificatePem);
    const oldHc1 = issueDcc({ payload: dccPayload('t'), signer: old, issuer: 'MN', issuedAt: at(-95 * DAY), expiresAt: at(-75 * DAY) });
    assert.deepEqual(check(oldHc1, { trust: oldTrust }).failures, ['SIGNER_EXPIRED', 'CWT_EXPIRED']);
    assert.deepEqual(check(oldHc1, { trust: oldTrust, at: at(-80 * DAY) }).failures, [], 'valid when checked back then');

    const future = await createDsc(csca, { subject: 'CN=Future DSC, C=MN', notBefore: at(10 * DAY), days: 30 });
    const futureHc1 = toHc1(craftCose({ signer: future, claims: claims(dccPayload('v'), at(11 * DAY), at(20 * DAY)) }));
    const futureTrust = TrustList.fromPem(future.certificatePem);
    assert.deepEqual(check(futureHc1, { trust: futureTrust }).failures, ['SIGNER_NOT_YET_VALID', 'CWT_NOT_YET_VALID']);
    assert.deepEqual(check(futureHc1, { trust: futureTrust, at: at(12 * DAY) }).failures, []);
  });

  it('CWT_EXPIRED and CWT_NOT_YET_VALID: exp and iat against the validation time', () => {
    assert.deepEqual(crafted({ claims: claims(dccPayload('r'), at(-5 * DAY), at(-DAY)) }).failures, ['CWT_EXPIRED']);
    assert.deepEqual(crafted({ claims: claims(dccPayload('r'), at(3_600_000), at(100 * DAY)) }).failures, ['CWT_NOT_YET_VALID']);
    assert.deepEqual(crafted({ claims: claims(dccPayload('r'), at(-5 * DAY), at(-DAY)) }, { at: at(-2 * DAY) }).failures, []);
  });

  it('CWT_OUTSIDE_SIGNER_VALIDITY: issued before the signer was valid, or valid after it expires', () => {
    assert.deepEqual(crafted({ claims: claims(dccPayload('v'), at(-20 * DAY), at(10 * DAY)) }).failures, ['CWT_OUTSIDE_SIGNER_VALIDITY']);
    assert.deepEqual(crafted({ claims: claims(dccPayload('v'), at(-DAY), at(800 * DAY)) }).failures, ['CWT_OUTSIDE_SIGNER_VALIDITY']);
  });

  it('KEY_USAGE: a signer limited to other certificate types, in either OID arc', async () => {
    const testsOnly = await createDsc(csca, { subject: 'CN=Tests DSC, C=MN', notBefore: at(-DAY), types: ['t'] });
    const limited = TrustList.fromPem(testsOnly.certificatePem);
    const claimsOf = (type: 'v' | 't' | 'r') => claims(dccPayload(type), at(-60_000), at(10 * DAY));
    assert.deepEqual(crafted({ signer: testsOnly, claims: claimsOf('v') }, { trust: limited }).failures, ['KEY_USAGE']);
    assert.deepEqual(crafted({ signer: testsOnly, claims: claimsOf('r') }, { trust: limited }).failures, ['KEY_USAGE']);
    assert.deepEqual(crafted({ signer: testsOnly, claims: claimsOf('t') }, { trust: limited }).failures, []);

    const alternate = await createDsc(csca, { subject: 'CN=Vaccination DSC, C=MN', notBefore: at(-DAY), extendedKeyUsage: [DCC_EKU_ALTERNATE.v] });
    const alternateTrust = TrustList.fromPem(alternate.certificatePem);
    assert.deepEqual(crafted({ signer: alternate, claims: claimsOf('v') }, { trust: alternateTrust }).failures, []);
    assert.deepEqual(crafted({ signer: alternate, claims: claimsOf('t') }, { trust: alternateTrust }).failures, ['KEY_USAGE']);

    const serverOnly = await createDsc(csca, { subject: 'CN=Other EKU DSC, C=MN', notBefore: at(-DAY), extendedKeyUsage: ['1.3.6.1.5.5.7.3.1'] });
    assert.deepEqual(crafted({ signer: serverOnly, claims: claimsOf('r') }, { trust: TrustList.fromPem(serverOnly.certificatePem) }).failures, [], 'no DCC usage named: any type');
  });

  it('CERTIFICATE_TYPE, SCHEMA and SCHEMA_VERSION: the payload against the schema rules', () => {
    const sign = (payload: unknown) => crafted({ claims: claims(payload, at(-60_000), at(10 * DAY)) });
    const both = sign({ ...dccPayload('v'), t: dccPayload('t').t });
    assert.ok(both.failures.includes('CERTIFICATE_TYPE'));
    assert.equal(both.certificateType, undefined);
    assert.ok(sign({ ver: '1.3.0', nam: dccPayload('v').nam, dob: '1990-01-01' }).failures.includes('CERTIFICATE_TYPE'));
    assert.deepEqual(sign(dccPayload('v', { dob: 'yesterday' })).failures, ['SCHEMA']);
    assert.deepEqual(sign(dccPayload('v', { nam: { fn: 'Батболд' } })).failures, ['SCHEMA'], 'the transliterated given name (gnt) is required');
    assert.deepEqual(sign(dccPayload('v', { ver: '2.0.0' })).failures, ['SCHEMA_VERSION']);
    assert.deepEqual(sign(dccPayload('t', { ver: '1.0.0' })).failures, [], 'an old version against its own schema');
    assert.deepEqual(sign({ ...dccPayload('v'), photo: new Uint8Array([1, 2]) }).failures, ['SCHEMA'], 'a byte string is not JSON');
    assert.deepEqual(sign('just text').failures, ['SCHEMA']);
  });

  it('VALUE_SET: a coded field outside the EU value sets is refused, naming the field and the value set', () => {
    const sign = (payload: unknown) => crafted({ claims: claims(payload, at(-60_000), at(10 * DAY)) });
    const entry = (type: 'v' | 't' | 'r', fields: Record<string, unknown>) => ({ ...dccPayload(type), [type]: [{ ...dccPayload(type)[type]![0]!, ...fields }] });
    const refused = (payload: unknown, pattern: RegExp) => {
      const result = sign(payload);
      assert.deepEqual(result.failures, ['VALUE_SET'], JSON.stringify(result.details));
      assert.equal(result.valid, false);
      assert.match(result.details.VALUE_SET ?? '', pattern);
    };
    refused(entry('v', { ma: 'ORG-999999999' }), /\/v\/0\/ma "ORG-999999999" is not in the EU value set vaccines-covid-19-auth-holders/);
    refused(entry('v', { mp: 'EU/1/99/9999' }), /vaccines-covid-19-names/);
    refused(entry('v', { vp: '123' }), /sct-vaccines-covid-19/);
    refused(entry('v', { co: 'QQ' }), /\/v\/0\/co "QQ" is not in the EU value set country-2-codes/);
    refused(entry('r', { tg: '729999' }), /disease-agent-targeted/);
    refused(entry('t', { tt: 'LP217198-3', ma: '99999' }), /\/t\/0\/ma "99999" is not in the EU value set covid-19-lab-test-manufacturer-and-name/);
    refused(entry('t', { tr: '1' }), /covid-19-lab-result/);
    refused(entry('t', { tt: 'XX' }), /covid-19-lab-test-type/);
    // Codes that are in the value sets, and a PCR test that names no device.
    assert.deepEqual(sign(entry('t', { tt: 'LP217198-3', ma: '1232' })).failures, []);
    assert.deepEqual(sign(entry('v', { mp: 'NVX-CoV2373', vp: 'J07BX03' })).failures, [], 'codes since marked inactive');
    assert.deepEqual(sign(entry('t', { tt: 'LP217198-3', ma: '1065' })).failures, [], 'a device since taken off the list');
    assert.deepEqual(sign(entry('t', { ma: '' })).failures, []);
    refused(entry('t', { tt: 'LP217198-3', ma: '' }), /ma ""/);
  });

  it('CWT_CLAIMS and HCERT_MISSING: missing or malformed claims', () => {
    const base = claims(dccPayload('v'), at(-60_000), at(10 * DAY));
    const without = (label: number) => new Map([...base].filter(([key]) => key !== label));
    assert.deepEqual(crafted({ claims: without(4) }).failures, ['CWT_CLAIMS']);
    assert.deepEqual(crafted({ claims: new Map([...base, [6, '2021-06-01']]) }).failures, ['CWT_CLAIMS']);
    assert.deepEqual(crafted({ claims: without(-260) }).failures, ['HCERT_MISSING']);
    assert.deepEqual(crafted({ claims: new Map([...base, [-260, new Map([[2, {}]])]]) }).failures, ['HCERT_MISSING']);
    const list = crafted({ claims: [1, 2, 3] as unknown as Map<number, unknown> });
    assert.ok(list.failures.includes('CWT_CLAIMS'));
  });

  it('never throws, whatever the input', () => {
    const hc1 = valid();
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
    for (let round = 0; round < 300; round += 1) {
      const chars = [...hc1];
      for (let edit = 0; edit < 1 + (round % 4); edit += 1) chars[4 + randomInt(chars.length - 4)] = alphabet[randomInt(alphabet.length)]!;
      const result = verifyHc1(chars.join(''), { trust });
      assert.equal(result.valid, result.failures.length === 0);
    }
    const cose = craftCose({ signer: dsc });
    for (let round = 0; round < 300; round += 1) {
      const bytes = Buffer.from(cose);
      bytes[randomInt(bytes.length)] = randomInt(256);
      const result = verifyCose(bytes, { trust });
      assert.equal(result.valid, result.failures.length === 0);
    }
    for (const input of [null, {}, [], '', 'HC1:', Buffer.from('HC1:'), 'HC1:' + '%'.repeat(3000)]) {
      assert.equal(verifyHc1(input, { trust }).valid, false);
    }
    assert.equal(verifyCose('not bytes' as unknown as Uint8Array, { trust }).valid, false);
  });

  it('has produced every failure code of the catalogue from a crafted input', () => {
    assert.deepEqual([...FAILURE_CODES].filter((code) => !seen.has(code)), []);
  });
});
