import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_NESTING, findNonFinite, findUnstorable, isStorable, storable } from './storable.ts';

describe('text PostgreSQL can store', () => {
  it('tells a NUL and half a surrogate pair from text that is fine, emoji included', () => {
    for (const text of ['', 'Сарангэрэл', 'Ө Ү ә', '😀 a pair', '\u202e', 'tab\tand\nnewline']) assert.equal(isStorable(text), true, JSON.stringify(text));
    for (const text of ['\u0000', 'a\u0000b', '\ud800', 'a\udc00b', '\ud83d', 'x\ude00']) assert.equal(isStorable(text), false, JSON.stringify(text));
  });

  it('escapes what cannot be stored, for a record that must keep what was sent', () => {
    assert.equal(storable('/x\u0000y'), '/x\\u0000y');
    assert.equal(storable('a\ud800b'), 'a\\ud800b');
    assert.equal(storable('fine 😀'), 'fine 😀');
    assert.equal(isStorable(storable('\u0000\ud800\udc00\udc00')), true);
  });

  it('names the first place in a parsed value, keys included, and refuses deep nesting', () => {
    assert.equal(findUnstorable({ a: 'ok', b: [1, 'x', { c: 'd\u0000' }] })?.path, 'b[2].c');
    assert.deepEqual(findUnstorable({ 'k\u0000': 1 }), { kind: 'text', path: 'request' });
    assert.equal(findUnstorable(Buffer.from([0, 0, 0])), undefined, 'bytes are not text');
    assert.equal(findUnstorable({ when: new Date(), n: 5, yes: true, none: null }), undefined);
    let deep: unknown = 'leaf';
    for (let i = 0; i < MAX_NESTING + 1; i += 1) deep = [deep];
    assert.equal(findUnstorable(deep)?.kind, 'nesting');
    assert.equal(findUnstorable(deep, Infinity), undefined, 'no limit where none is asked');
    let fine: unknown = 'leaf';
    for (let i = 0; i < MAX_NESTING - 1; i += 1) fine = { a: fine };
    assert.equal(findUnstorable(fine), undefined);
  });

  it('finds numbers that are not finite', () => {
    assert.equal(findNonFinite({ page: Infinity }), 'page');
    assert.equal(findNonFinite({ list: [1, 2, -Infinity] }), 'list[2]');
    assert.equal(findNonFinite({ page: 3, q: '1e999' }), undefined, 'text that looks like a number is text');
  });
});
