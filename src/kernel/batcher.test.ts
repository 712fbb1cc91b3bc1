import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Batcher } from './batcher.ts';

describe('Batcher', () => {
  it('runs items in batches and gives each caller its own result', async () => {
    const sizes: number[] = [];
    const batcher = new Batcher<number, number>({ maxItems: 3, maxWaitMs: 5, run: async (items) => { sizes.push(items.length); return items.map((n) => n * 2); } });
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.submit(n)));
    assert.deepEqual(results, [2, 4, 6, 8, 10]);
    assert.deepEqual(sizes, [3, 2]);
  });

  it('fails an item that fails alone, and the next batch still runs', async () => {
    const batcher = new Batcher<number, number>({ maxItems: 2, maxWaitMs: 1, run: async (items) => { if (items.includes(1)) throw new Error('down'); return items; } });
    const first = await Promise.allSettled([batcher.submit(1)]);
    assert.equal(first[0]!.status, 'rejected');
    assert.equal(await batcher.submit(3), 3);
  });

  it('runs a failed batch again one item at a time, so one bad item fails only its own caller', async () => {
    const sizes: number[] = [];
    // Like a multi-row INSERT: one row the database refuses fails the whole statement.
    const batcher = new Batcher<string, string>({ maxItems: 50, maxWaitMs: 0, run: async (items) => { sizes.push(items.length); if (items.includes('poison')) throw new Error('refused'); return items.map((item) => item.toUpperCase()); } });
    const items = ['a', 'b', 'poison', 'c', 'd'];
    const settled = await Promise.allSettled(items.map((item) => batcher.submit(item)));
    assert.deepEqual(settled.map((result) => (result.status === 'fulfilled' ? result.value : 'rejected')), ['A', 'B', 'rejected', 'C', 'D']);
    assert.deepEqual(sizes, [5, 1, 1, 1, 1, 1], 'the batch, then each item alone');
  });

  it('without a wait, runs at once when idle and groups what arrives while a batch runs', async () => {
    const sizes: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batcher = new Batcher<number, number>({ maxItems: 100, maxWaitMs: 0, run: async (items) => { sizes.push(items.length); if (sizes.length === 1) await gate; return items; } });
    const first = batcher.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(sizes, [1], 'the first item did not wait for company');
    const rest = [2, 3, 4].map((n) => batcher.submit(n));
    release();
    assert.deepEqual(await Promise.all([first, ...rest]), [1, 2, 3, 4]);
    assert.deepEqual(sizes, [1, 3], 'what arrived during the first batch went as one');
  });

  it('flushes on demand', async () => {
    const batcher = new Batcher<number, number>({ maxItems: 100, maxWaitMs: 10_000, run: async (items) => items });
    const pending = batcher.submit(7);
    await batcher.flush();
    assert.equal(await pending, 7);
  });
});
