// The audit log records both people when one acts for another.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testApp, type TestApp } from '../../test/helpers.ts';
import type { Principal } from './auth.ts';

describe('audit log', () => {
  let app: TestApp;
  before(async () => {
    app = await testApp({ seed: false });
  });
  after(async () => app.close());

  it('records the person at the keyboard and whom they act for', async () => {
    const parent: Principal = {
      id: 'parent-account', name: 'Н.Сарангэрэл', kind: 'citizen', roles: ['citizen'], agencyId: null, registerNumber: 'УБ12345678',
      actorRegisterNumber: 'УБ90051428', actingFor: { kind: 'person', registerNumber: 'УБ12345678', name: 'Б.Тэмүүлэн', basis: 'parent' },
    };
    await app.ctx.audit.record(app.ctx.db, parent, { action: 'test.act', subjectType: 'test', subjectId: 'one', details: { note: 'kept' } }, 'req-1');
    const [entry] = await app.ctx.audit.forSubject('test', 'one');
    assert.equal(entry?.actorId, 'parent-account');
    assert.deepEqual(entry?.details, { note: 'kept', actingFor: { kind: 'person', registerNumber: 'УБ12345678', basis: 'parent' } });
  });

  it('records one person alone as before', async () => {
    await app.ctx.audit.record(app.ctx.db, { id: 'alone', name: 'A', kind: 'citizen', roles: ['citizen'], agencyId: null }, { action: 'test.act', subjectType: 'test', subjectId: 'two' });
    const [entry] = await app.ctx.audit.forSubject('test', 'two');
    assert.deepEqual(entry?.details, {});
  });
});
