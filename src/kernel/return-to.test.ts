import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { safeReturnTo } from './return-to.ts';

const BASE = 'https://urtuu.example';

/** Where a browser goes when a redirect's Location is this path, from a page on BASE. */
const followed = (location: string) => new URL(location, `${BASE}/en/sign-in`);

describe('safeReturnTo', () => {
  it('keeps a path on the platform, with its query and fragment', () => {
    assert.equal(safeReturnTo('/en/my', BASE), '/en/my');
    assert.equal(safeReturnTo('/mn/apply/passport?step=2#fee', BASE), '/mn/apply/passport?step=2#fee');
    assert.equal(safeReturnTo(`${BASE}/en/my`, BASE), '/en/my');
    assert.equal(safeReturnTo('/en/services/%D0%B0', BASE), '/en/services/%D0%B0');
  });

  it('refuses every way of naming another host, and never hands back a path a browser reads as one', () => {
    const vectors = [
      '/\t/evil.example/',
      '/%09/evil.example/',
      '/\n/evil.example',
      '/\r\n/evil.example',
      '\t//evil.example',
      '//evil.example',
      '///evil.example',
      '/\\evil.example',
      '\\\\evil.example',
      '\\/evil.example',
      '/.//evil.example',
      '/./\\evil.example',
      'https://evil.example/en/my',
      'http://urtuu.example/en/my',
      'https://urtuu.example.evil.example/',
      'https://urtuu.example@evil.example/',
      'https://user:pass@urtuu.example/en/my',
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      ' javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'https:evil.example',
      '',
      `/${'a'.repeat(600)}`,
    ];
    for (const vector of vectors) {
      const result = safeReturnTo(vector, BASE);
      if (result !== undefined) assert.equal(followed(result).origin, BASE, `${JSON.stringify(vector)} → ${result}`);
    }
    for (const vector of ['/\t/evil.example/', '//evil.example', '/\\evil.example', '/.//evil.example', 'https://evil.example/', 'javascript:alert(1)', 'https://urtuu.example@evil.example/']) {
      assert.equal(safeReturnTo(vector, BASE), undefined, JSON.stringify(vector));
    }
  });

  it('keeps encoded slashes and percent signs encoded: they stay inside the path', () => {
    for (const vector of ['/%2F%2Fevil.example', '/%5Cevil.example', '/%252F%252Fevil.example', '/%E2%80%8B//evil.example']) {
      const result = safeReturnTo(vector, BASE);
      assert.ok(result === undefined || followed(result).origin === BASE, `${vector} → ${result}`);
    }
    assert.equal(safeReturnTo('/%2F%2Fevil.example', BASE), '/%2F%2Fevil.example');
  });

  it('refuses what is not a string', () => {
    for (const value of [undefined, null, 42, ['/en/my'], { href: '/en/my' }]) assert.equal(safeReturnTo(value, BASE), undefined);
  });
});
