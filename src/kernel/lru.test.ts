import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LruCache } from './lru.ts';

describe('LruCache', () => {
  it('forgets the least recently used entry beyond its size', () => {
    const cache = new LruCache<number>(2, 1000);
    cache.set('a', 1, 0);
    cache.set('b', 2, 0);
    assert.equal(cache.get('a', 1), 1);
    cache.set('c', 3, 2);
    assert.equal(cache.get('b', 3), undefined);
    assert.equal(cache.get('a', 3), 1);
    assert.equal(cache.get('c', 3), 3);
  });

  it('expires entries after the time to live', () => {
    const cache = new LruCache<number>(10, 100);
    cache.set('a', 1, 0);
    assert.equal(cache.get('a', 99), 1);
    assert.equal(cache.get('a', 100), undefined);
    assert.equal(cache.size, 0);
  });

  it('is off when the time to live is zero', () => {
    const cache = new LruCache<number>(10, 0);
    cache.set('a', 1);
    assert.equal(cache.get('a'), undefined);
    assert.equal(cache.enabled, false);
  });
});
