import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { searchKey, searchWords, slugify, sortKey } from './text.ts';

describe('searchKey', () => {
  it('folds Cyrillic and every common Latin spelling of a Mongolian word to one key', () => {
    const expected = searchKey('хаяг');
    assert.equal(expected, 'haiag');
    for (const typed of ['khayag', 'hayag', 'xayag', 'KHAYAG', 'Хаяг']) assert.equal(searchKey(typed), expected, typed);
  });

  it('treats long vowels, ö/ү and ts/ц alike', () => {
    assert.equal(searchKey('Улаанбаатар'), searchKey('Ulanbatar'));
    assert.equal(searchKey('Өргөдөл'), searchKey('orgodol'));
    assert.equal(searchKey('Үнэмлэх'), searchKey('unemleh'));
    assert.equal(searchKey('цахим'), searchKey('tsakhim'));
    assert.equal(searchKey('Ерөнхий'), searchKey('yerönkhii'));
  });

  it('keeps digits and drops punctuation, markup and quotes', () => {
    assert.equal(searchKey(`<script>alert('x')</script> 2024`), 'script alert h script 2024');
    assert.equal(searchKey("'; DROP TABLE services; --"), 'drop table services');
    assert.equal(searchKey('   '), '');
  });

  it('handles any Unicode without throwing', () => {
    assert.equal(searchKey('😀 ᠮᠣᠩᠭᠣᠯ 中文 \u0000'), '');
    assert.equal(searchKey('Ńoël'), 'noel');
  });
});

describe('searchWords', () => {
  it('caps the number of words and removes duplicates', () => {
    assert.deepEqual(searchWords('a b a c'), ['a', 'b', 'c']);
    assert.equal(searchWords(Array.from({ length: 50 }, (_, i) => `w${i}`).join(' ')).length, 8);
  });
});

describe('slugify', () => {
  it('makes readable latin slugs from Mongolian and English', () => {
    assert.equal(slugify('Оршин суугаа хаягийн лавлагаа'), 'orshin-suugaa-khayagiin-lavlagaa');
    assert.equal(slugify('  Residence address — reference! '), 'residence-address-reference');
    assert.equal(slugify('Цахим'), 'tsakhim');
  });
});

describe('sortKey', () => {
  it('orders Mongolian words by the Mongolian alphabet', () => {
    const words = ['Үнэмлэх', 'Өргөдөл', 'Утас', 'Орон', 'Пасспорт', 'Хаяг', 'Архив'];
    const sorted = [...words].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
    assert.deepEqual(sorted, ['Архив', 'Орон', 'Өргөдөл', 'Пасспорт', 'Утас', 'Үнэмлэх', 'Хаяг']);
  });
  it('orders English case-insensitively and ignores punctuation', () => {
    const words = ['beta', 'Alpha', 'alpha-2', 'Gamma'];
    const sorted = [...words].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
    assert.deepEqual(sorted, ['Alpha', 'alpha-2', 'beta', 'Gamma']);
  });
});
