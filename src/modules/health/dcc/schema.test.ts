import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDateTime, validateDccPayload } from './schema.ts';
import { dccPayload } from './test-fixtures.ts';

const errorsOf = (payload: unknown, schema?: string) => {
  const result = validateDccPayload(payload, schema);
  return result.ok ? [] : result.errors;
};

describe('DCC payload rules (our implementation of the schema, 1.0.0 to 1.3.3)', () => {
  it('accepts a valid payload of each type under every version it is valid for', () => {
    for (const type of ['v', 't', 'r'] as const) {
      for (const ver of ['1.0.0', '1.2.1', '1.3.0', '1.3.3']) assert.deepEqual(errorsOf(dccPayload(type, { ver })), [], `${type} ${ver}`);
    }
  });

  it('requires exactly one of v, t, r, with one entry, from 1.3.0; not before', () => {
    const both = { ...dccPayload('v'), t: dccPayload('t').t };
    assert.match(errorsOf(both).join(), /only one of v, t, r/);
    assert.match(errorsOf({ ...dccPayload('v'), v: undefined }).join(), /must have one of v, t, r/);
    const two = dccPayload('v');
    two.v = [two.v![0]!, two.v![0]!];
    assert.match(errorsOf(two).join(), /\/v must have at most 1 entry/);
    assert.deepEqual(errorsOf({ ...two, ver: '1.2.1' }), []);
    assert.match(errorsOf({ ...dccPayload('v'), v: [] }).join(), /at least 1/);
  });

  it('checks names: fnt required up to 1.3.1, fnt or gnt from 1.3.2; ICAO characters; lengths by version', () => {
    const onlyGnt = dccPayload('v', { nam: { gn: 'Сарнай', gnt: 'SARNAI' } });
    assert.match(errorsOf({ ...onlyGnt, ver: '1.3.1' }).join(), /nam must have the property fnt/);
    assert.deepEqual(errorsOf({ ...onlyGnt, ver: '1.3.2' }), []);
    assert.match(errorsOf(dccPayload('v', { ver: '1.3.2', nam: { fn: 'Бат' } })).join(), /fnt or gnt/);
    assert.match(errorsOf(dccPayload('v', { nam: { fnt: 'BAT-ERDENE' } })).join(), /\/nam\/fnt must match/);
    assert.match(errorsOf(dccPayload('v', { nam: { fnt: 'Bat' } })).join(), /\/nam\/fnt must match/);
    const long = 'A'.repeat(60);
    assert.deepEqual(errorsOf(dccPayload('v', { ver: '1.3.0', nam: { fnt: long } })), []);
    assert.match(errorsOf(dccPayload('v', { ver: '1.2.1', nam: { fnt: long } })).join(), /at most 50/);
    // Lengths count characters, not UTF-16 units.
    assert.deepEqual(errorsOf(dccPayload('v', { nam: { fnt: 'A', fn: '𝔘'.repeat(80) } })), []);
  });

  it('checks the date of birth by the pattern of each version', () => {
    assert.deepEqual(errorsOf(dccPayload('v', { dob: '1990' })), []);
    assert.deepEqual(errorsOf(dccPayload('v', { dob: '1990-04' })), []);
    assert.deepEqual(errorsOf(dccPayload('v', { dob: '' })), [], 'unknown date of birth from 1.3.0');
    assert.match(errorsOf(dccPayload('v', { dob: '', ver: '1.2.1' })).join(), /\/dob must match/);
    assert.match(errorsOf(dccPayload('v', { dob: '1990', ver: '1.0.0' })).join(), /\/dob/);
    assert.match(errorsOf(dccPayload('v', { dob: '1890-01-01' })).join(), /\/dob must match/);
    assert.match(errorsOf(dccPayload('v', { dob: 19900414 })).join(), /\/dob must be a string/);
  });

  it('checks entries: required fields, doses, dates and date-times, country, required tc up to 1.2.1', () => {
    const vaccination = (entry: Record<string, unknown>, ver = '1.3.0') => errorsOf({ ...dccPayload('v', { ver }), v: [{ ...dccPayload('v').v![0], ...entry }] }).join();
    assert.match(vaccination({ dn: 0 }), /\/v\/0\/dn must be at least 1/);
    assert.match(vaccination({ dn: 1.5 }), /\/v\/0\/dn must be an integer/);
    assert.equal(vaccination({ dn: 12, sd: 12 }), '');
    assert.match(vaccination({ dn: 12, sd: 12 }, '1.2.1'), /at most 9/);
    assert.match(vaccination({ dt: '2021-02-30' }), /\/v\/0\/dt must be a date/);
    assert.equal(vaccination({ dt: '2021-02-28T10:00:00Z' }), '', 'a date with a time, as several countries wrote it');
    assert.match(vaccination({ co: 'mn' }), /\/v\/0\/co must match/);
    assert.match(vaccination({ ma: undefined }).replace(/,$/, ''), /must have the property ma/);
    const test = dccPayload('t');
    const entry = { ...test.t![0]! } as Record<string, unknown>;
    delete entry.tc;
    assert.deepEqual(errorsOf({ ...test, t: [entry] }), []);
    assert.match(errorsOf({ ...test, ver: '1.2.1', t: [entry] }).join(), /must have the property tc/);
    assert.match(errorsOf({ ...test, t: [{ ...entry, sc: '2021-06-01T08:30:00' }] }).join(), /\/t\/0\/sc must be a date and time/);
    assert.match(errorsOf({ ...dccPayload('r'), r: [{ ...dccPayload('r').r![0], du: 'soon' }] }).join(), /\/r\/0\/du must be a date/);
  });

  it('reads RFC 3339 date-times', () => {
    assert.ok(isDateTime('2021-06-01T08:30:00Z'));
    assert.ok(isDateTime('2021-06-01 08:30:00.123+02:00'));
    assert.ok(!isDateTime('2021-06-01T24:30:00Z'));
    assert.ok(!isDateTime('2021-06-01T08:30Z'));
    assert.ok(!isDateTime('2021-13-01T08:30:00Z'));
  });

  it('names the version problem apart from the content problem', () => {
    assert.equal(validateDccPayload(dccPayload('v', { ver: '2.0.0' })).ok, false);
    assert.deepEqual((validateDccPayload({ nam: { fnt: 'A' }, dob: '1990' }) as { code: string }).code, 'SCHEMA_VERSION');
    assert.deepEqual((validateDccPayload([]) as { code: string }).code, 'SCHEMA');
    assert.match(errorsOf({ ver: '1.3.0' }).join(), /must have the property nam.*must have the property dob/);
  });
});
