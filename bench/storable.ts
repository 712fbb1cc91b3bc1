// What the input checks of every request cost (src/kernel/storable.ts): walking a request's
// parsed query, params and body for text PostgreSQL cannot store, as the edge does for every
// request, and walking a statement's parameters, as the database seam does for every query. The
// baseline, measured in the same run on the same values, is JSON.stringify, which the drivers do to
// those values anyway.
//
//   node --import tsx bench/storable.ts [--rounds 20000]
import { parseArgs } from 'node:util';
import { findUnstorable } from '../src/kernel/storable.ts';
import { machine } from './lib.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '20000' } } });
const rounds = Number(values.rounds);

// A form of an application (a few dozen fields), and one batch of the exchange's message log (500
// entries of 23 values each, the largest statement the hot path sends).
const applicationBody = Object.fromEntries(Array.from({ length: 40 }, (_, index) => [`field${index}`, index % 3 ? `Улаанбаатар хот, Баянзүрх дүүрэг ${index}` : { nested: ['a', 'b', index] }]));
const logBatch = Array.from({ length: 500 * 23 }, (_, index) => (index % 23 === 11 ? ['a1b2c3d4e5f6a7b8', 'c9d0e1f2a3b4c5d6'] : index % 5 === 0 ? index : `/УБ90051428/address?x=${index}`));

function time(work: () => void, times: number): number {
  for (let i = 0; i < Math.min(times, 1000); i += 1) work();
  const started = process.hrtime.bigint();
  for (let i = 0; i < times; i += 1) work();
  return Number(process.hrtime.bigint() - started) / times / 1000;
}

const rows: { name: string; check: number; baseline: number }[] = [
  { name: 'an application form body (40 fields)', check: time(() => findUnstorable(applicationBody), rounds), baseline: time(() => JSON.stringify(applicationBody), rounds) },
  { name: 'one log batch (500 entries, 11,500 values)', check: time(() => { for (const value of logBatch) findUnstorable(value, Infinity); }, Math.max(10, rounds / 500)), baseline: time(() => { for (const value of logBatch) JSON.stringify(value); }, Math.max(10, rounds / 500)) },
];
console.log(`${machine()}`);
for (const row of rows) console.log(`${row.name}: check ${row.check.toFixed(2)} µs, JSON.stringify ${row.baseline.toFixed(2)} µs, ratio ${(row.check / row.baseline).toFixed(2)}`);
console.log(`storable: form ${rows[0]!.check.toFixed(1)} µs (${(rows[0]!.check / rows[0]!.baseline).toFixed(2)}× stringify), log batch ${rows[1]!.check.toFixed(0)} µs (${(rows[1]!.check / rows[1]!.baseline).toFixed(2)}× stringify)`);
