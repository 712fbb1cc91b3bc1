import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentDigest, signRequest, verifyRequest } from './http-signature.ts';
import { generateKeyPair } from './pki.ts';

describe('HTTP message signatures', () => {
  const keys = generateKeyPair();
  const other = generateKeyPair();
  const keyFor = (id: string) => (id === 'MN/COM/1234567/crm' ? keys.publicKeyPem : undefined);
  const required = ['@method', '@path', '@query', 'x-road-client', 'x-road-id'];
  const base = () => ({
    method: 'POST',
    url: '/r1/MN/GOV/9000001/population/person/%D0%A3%D0%91?purpose=loan',
    headers: { 'x-road-client': 'MN/COM/1234567/crm', 'x-road-id': 'a1b2c3' } as Record<string, string>,
    body: Buffer.from('{"hello":"world"}'),
  });
  const signed = (request = base(), created?: number) => {
    const added = signRequest(request, { keyId: 'MN/COM/1234567/crm', privateKeyPem: keys.privateKeyPem, headers: ['x-road-client', 'x-road-id'], ...(created ? { created } : {}) });
    return { ...request, headers: { ...request.headers, ...added } };
  };

  it('verifies what it signed', () => {
    const result = verifyRequest(signed(), { keyFor, required, maxAgeSeconds: 300 });
    assert.equal(result.ok, true);
    assert.ok(result.ok && result.nonce && result.keyId === 'MN/COM/1234567/crm');
  });

  it('computes RFC 9530 digests', () => {
    // The example body and digest of RFC 9530, section 2.
    assert.equal(contentDigest(Buffer.from('{"hello": "world"}\n')), 'sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:');
  });

  it('refuses every kind of tampering', () => {
    const request = signed();
    const check = (changed: typeof request) => verifyRequest(changed, { keyFor, required, maxAgeSeconds: 300 });
    assert.deepEqual(check({ ...request, method: 'GET' }), { ok: false, reason: 'bad-signature' });
    assert.deepEqual(check({ ...request, url: request.url.replace('loan', 'other') }), { ok: false, reason: 'bad-signature' });
    assert.deepEqual(check({ ...request, headers: { ...request.headers, 'x-road-client': 'MN/COM/7654321/crm' } }), { ok: false, reason: 'bad-signature' });
    assert.deepEqual(check({ ...request, body: Buffer.from('{"hello":"there"}') }), { ok: false, reason: 'digest-mismatch' });
    assert.deepEqual(check({ ...request, headers: { ...request.headers, signature: undefined as unknown as string } }), { ok: false, reason: 'missing' });
    assert.deepEqual(check({ ...request, headers: { ...request.headers, signature: 'nonsense' } }), { ok: false, reason: 'malformed' });
  });

  it('recomputes the digest over the body that arrived, an empty one too', () => {
    const request = signed();
    const check = (changed: typeof request) => verifyRequest(changed, { keyFor, required, maxAgeSeconds: 300 });
    const { body: _stripped, ...withoutBody } = request;
    assert.deepEqual(verifyRequest(withoutBody, { keyFor, required, maxAgeSeconds: 300 }), { ok: false, reason: 'digest-mismatch' });
    assert.deepEqual(check({ ...request, body: Buffer.alloc(0) }), { ok: false, reason: 'digest-mismatch' });
    // A body with no signed digest at all.
    const { body: _body, ...bodiless } = base();
    const added = signRequest(bodiless, { keyId: 'MN/COM/1234567/crm', privateKeyPem: keys.privateKeyPem, headers: ['x-road-client', 'x-road-id'] });
    assert.deepEqual(check({ ...bodiless, headers: { ...bodiless.headers, ...added }, body: Buffer.from('{}') }), { ok: false, reason: 'missing-component' });
  });

  it('requires headers named as signed-when-present to be covered when they are sent', () => {
    const options = { keyFor, required, requiredWhenPresent: ['urtuu-purpose'], maxAgeSeconds: 300 };
    assert.equal(verifyRequest(signed(), options).ok, true, 'absent: nothing to cover');
    const withPurpose = base();
    withPurpose.headers['urtuu-purpose'] = 'Loan';
    assert.deepEqual(verifyRequest(signed(withPurpose), options), { ok: false, reason: 'missing-component' });
    const covered = signRequest(withPurpose, { keyId: 'MN/COM/1234567/crm', privateKeyPem: keys.privateKeyPem, headers: ['x-road-client', 'x-road-id', 'urtuu-purpose'] });
    const request = { ...withPurpose, headers: { ...withPurpose.headers, ...covered } };
    assert.equal(verifyRequest(request, options).ok, true);
    assert.deepEqual(verifyRequest({ ...request, headers: { ...request.headers, 'urtuu-purpose': 'Other' } }, options), { ok: false, reason: 'bad-signature' });
  });

  it('refuses a key nobody registered, a stale signature and one that leaves out a required header', () => {
    const forged = { ...base() };
    const added = signRequest(forged, { keyId: 'MN/COM/1234567/crm', privateKeyPem: other.privateKeyPem, headers: ['x-road-client', 'x-road-id'] });
    assert.deepEqual(verifyRequest({ ...forged, headers: { ...forged.headers, ...added } }, { keyFor, required, maxAgeSeconds: 300 }), { ok: false, reason: 'bad-signature' });
    assert.deepEqual(verifyRequest(signed(), { keyFor: () => undefined, required, maxAgeSeconds: 300 }), { ok: false, reason: 'unknown-key' });
    assert.deepEqual(verifyRequest(signed(base(), Math.floor(Date.now() / 1000) - 3600), { keyFor, required, maxAgeSeconds: 300 }), { ok: false, reason: 'stale' });
    const partial = base();
    const partialHeaders = signRequest(partial, { keyId: 'MN/COM/1234567/crm', privateKeyPem: keys.privateKeyPem, headers: ['x-road-client'] });
    assert.deepEqual(verifyRequest({ ...partial, headers: { ...partial.headers, ...partialHeaders } }, { keyFor, required, maxAgeSeconds: 300 }), { ok: false, reason: 'missing-component' });
  });
});
