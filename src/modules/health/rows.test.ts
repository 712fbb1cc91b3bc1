import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { I18n } from '../../kernel/i18n.ts';
import type { DccPayload } from './dcc/index.ts';
import { healthManifest } from './index.ts';
import { dccDate, payloadRows } from './rows.ts';

describe('a certificate as rows', () => {
  it('shows its dates as yyyy.MM.dd (times in Ulaanbaatar time), as every other page', () => {
    assert.equal(dccDate('2021-06-20'), '2021.06.20');
    assert.equal(dccDate('1990-05'), '1990.05');
    assert.equal(dccDate('2021-06-20T01:30:00Z'), '2021.06.20 09:30');
    assert.equal(dccDate('not a date'), 'not a date');
    const t = new I18n().add('health', healthManifest.messages).translator('en');
    const payload = { ver: '1.3.0', nam: { fn: 'Test', gn: 'Person', fnt: 'TEST', gnt: 'PERSON' }, dob: '1990-05-14', v: [{ tg: '840539006', vp: '1119349007', mp: 'EU/1/20/1528', ma: 'ORG-100030215', dn: 2, sd: 2, dt: '2021-06-20', co: 'MN', is: 'Ministry of Health', ci: 'URN:UVCI:01:MN:X' }] } as unknown as DccPayload;
    const rows = payloadRows(payload, { certificateType: 'v', expiresAt: new Date('2022-06-20T00:00:00Z'), issuer: 'MN' }, t);
    const text = rows.map((row) => row.value.text).join(' | ');
    assert.match(text, /1990\.05\.14/);
    assert.match(text, /2021\.06\.20/);
    assert.match(text, /2022\.06\.20/);
    assert.doesNotMatch(text, /\d{4}-\d{2}-\d{2}/);
  });
});
