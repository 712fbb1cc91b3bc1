import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { globMatches, isLocalCaller, maskRegisterNumbers, normalisePath, requestHash, subjectHash } from './access.ts';

describe('access rules', () => {
  it('treats a loopback caller as local only when no proxy forwarded it, unless the proxy is trusted', () => {
    assert.ok(isLocalCaller('127.0.0.1', {}, false));
    assert.ok(isLocalCaller('::1', {}, true));
    assert.ok(!isLocalCaller('203.0.113.5', {}, true));
    assert.ok(!isLocalCaller('127.0.0.1', { 'x-forwarded-for': '203.0.113.5' }, false));
    assert.ok(!isLocalCaller('127.0.0.1', { forwarded: 'for=203.0.113.5;proto=https' }, false));
    assert.ok(!isLocalCaller('127.0.0.1', { 'x-real-ip': '203.0.113.5' }, false));
    assert.ok(!isLocalCaller('127.0.0.1', { 'x-forwarded-for': '127.0.0.1' }, false), 'proxy headers, proxy not trusted');
    assert.ok(!isLocalCaller('127.0.0.1', { 'x-forwarded-for': '203.0.113.5, 127.0.0.1' }, true));
    assert.ok(!isLocalCaller('127.0.0.1', { forwarded: 'for="[2001:db8::1]:4711"' }, true));
    assert.ok(isLocalCaller('127.0.0.1', { 'x-forwarded-for': '127.0.0.1' }, true));
    assert.ok(isLocalCaller('127.0.0.1', { forwarded: 'for="[::1]"' }, true));
  });

  it('matches globs within and across segments', () => {
    assert.ok(globMatches('/**', '/a/b/c'));
    assert.ok(globMatches('/persons/*', '/persons/УБ90051428'));
    assert.ok(!globMatches('/persons/*', '/persons/УБ90051428/address'));
    assert.ok(globMatches('/persons/*/address', '/persons/УБ90051428/address'));
    assert.ok(!globMatches('/persons/*', '/other/x'));
    assert.ok(globMatches('/data/population/**', '/data/population/1.0/read'));
    assert.ok(!globMatches('/data/population/**', '/data/populationX/1.0/read'));
    assert.ok(!globMatches('/a.b', '/aXb'), 'dots are literal');
  });

  it('refuses paths that could escape a glob', () => {
    assert.equal(normalisePath('/persons/%D0%A3%D0%9190051428'), '/persons/УБ90051428');
    for (const bad of ['/persons/../admin', '/persons/%2e%2e/admin', '/a%2Fb', '/a//b', '/a/%00', '/a\\b', 'relative', '/%E0%A4%A']) {
      assert.equal(normalisePath(bad), undefined, bad);
    }
  });

  it('hashes requests the X-Road way, covering the body', () => {
    const a = requestHash('GET', '/r1/MN/GOV/1/a/b', [['x-road-client', 'MN/COM/2/c']], undefined);
    const b = requestHash('GET', '/r1/MN/GOV/1/a/b', [['x-road-client', 'MN/COM/3/c']], undefined);
    assert.notEqual(a, b);
    assert.equal(Buffer.from(a, 'base64').length, 64);
    assert.notEqual(requestHash('POST', '/x', [], Buffer.from('1')), requestHash('POST', '/x', [], Buffer.from('2')));
  });

  it('masks register numbers with a keyed hash', () => {
    const masked = maskRegisterNumbers('secret', '/citizenIdCard/УБ90051428?x=1');
    assert.equal(masked, `/citizenIdCard/#${subjectHash('secret', 'УБ90051428')}?x=1`);
    assert.notEqual(subjectHash('secret', 'УБ90051428'), subjectHash('other', 'УБ90051428'));
  });
});
