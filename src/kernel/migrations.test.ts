import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { testApp, type TestApp } from '../../test/helpers.ts';
import { createAudit } from './audit.ts';
import { migrate, readMigrations } from './migrations.ts';

describe('migrations', () => {
  let app: TestApp;
  before(async () => {
    app = await testApp({ seed: false });
  });
  after(async () => app.close());

  it('applies a module once, records it, and skips it the next time', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'urtuu-mig-'));
    writeFileSync(path.join(dir, '001_first.sql'), 'CREATE SCHEMA probe; CREATE TABLE probe.t (id int);');
    const first = await migrate(app.ctx.db, [{ module: 'probe', dir }]);
    assert.equal(first.applied.length, 1);
    const second = await migrate(app.ctx.db, [{ module: 'probe', dir }]);
    assert.equal(second.applied.length, 0);
    const { rows } = await app.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM kernel.migrations WHERE module = 'probe'`);
    assert.equal(rows[0]?.n, 1);
  });

  it('refuses to start when an applied migration was edited', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'urtuu-mig-'));
    writeFileSync(path.join(dir, '001_first.sql'), 'CREATE SCHEMA probe2;');
    await migrate(app.ctx.db, [{ module: 'probe2', dir }]);
    writeFileSync(path.join(dir, '001_first.sql'), 'CREATE SCHEMA probe2; -- edited');
    await assert.rejects(migrate(app.ctx.db, [{ module: 'probe2', dir }]), /changed after it was applied/);
  });

  it('rolls back every statement of a failing batch', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'urtuu-mig-'));
    writeFileSync(path.join(dir, '001_ok.sql'), 'CREATE SCHEMA probe3;');
    writeFileSync(path.join(dir, '002_bad.sql'), 'CREATE TABLE probe3.t (id int); SELECT no_such_function();');
    await assert.rejects(migrate(app.ctx.db, [{ module: 'probe3', dir }]));
    const { rows } = await app.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name = 'probe3'`);
    assert.equal(rows[0]?.n, 0);
  });

  it('rejects badly named or gapped files', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'urtuu-mig-'));
    writeFileSync(path.join(dir, '002_gap.sql'), 'SELECT 1;');
    assert.throws(() => readMigrations({ module: 'gap', dir }), /without gaps/);
  });

  it('keeps the audit log append-only', async () => {
    const audit = createAudit(app.ctx.db);
    await audit.record(app.ctx.db, null, { action: 'test.thing', subjectType: 'thing', subjectId: '1' });
    const [entry] = await audit.forSubject('thing', '1');
    assert.equal(entry?.action, 'test.thing');
    await assert.rejects(app.ctx.db.query(`UPDATE kernel.audit_log SET action = 'forged'`), /append-only/);
    await assert.rejects(app.ctx.db.query(`DELETE FROM kernel.audit_log`), /append-only/);
  });
});
