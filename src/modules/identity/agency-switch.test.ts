// An official with roles in two agencies: the back office names the agency and offers the other,
// switching takes that agency's roles from the staff list, and no one switches to an agency they
// hold no role in.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SESSION_COOKIE, decodeSession, type Principal } from '../../kernel/auth.ts';
import { form, testApp, type TestApp } from '../../../test/helpers.ts';
import { seedPeople } from '../exchange/test-fixtures.ts';
import * as store from './store.ts';

describe('an official of two agencies', () => {
  let app: TestApp;
  let official: Principal;
  before(async () => {
    app = await testApp({ seed: true });
    await seedPeople(app, 20, 'agency-switch');
    const { rows } = await app.ctx.db.query<{ key: string }>(`SELECT key FROM registries.records WHERE registry_id = 'population' ORDER BY key LIMIT 1`);
    const registerNumber = rows[0]!.key;
    await store.changeStaff(app.ctx.db, { registerNumber, agencyId: 'gasr', name: 'Б.Тест', roles: ['officer'], changedBy: 'test' });
    await store.changeStaff(app.ctx.db, { registerNumber, agencyId: 'mrt', name: 'Б.Тест', roles: ['supervisor'], changedBy: 'test' });
    // What the sign-in makes of them: the first agency's roles, and both agencies named.
    official = { id: 'two-agencies', name: 'Б.Тест', kind: 'official', roles: ['citizen', 'officer'], agencyId: 'gasr', registerNumber, staffAgencies: ['gasr', 'mrt'] };
  });
  after(async () => app.close());

  it('sees the agency by name and switches to the other one', async () => {
    const [gasr, mrt] = await Promise.all([app.catalog.getAgency('gasr'), app.catalog.getAgency('mrt')]);
    const queue = await app.as(official, { url: '/en/office' });
    assert.equal(queue.statusCode, 200);
    assert.ok(queue.body.includes(`<span class="govuk-caption-l">${gasr.name.en}</span>`), 'the agency by its name, not its code');
    assert.match(queue.body, /Switch agency/);
    assert.ok(queue.body.includes(`>${mrt.name.en}</option>`));

    const switched = await app.as(official, { method: 'POST', url: '/en/admin/agency', ...form({ agency: 'mrt', returnTo: '/en/office' }, app.csrf) });
    assert.equal(switched.statusCode, 303, switched.body.slice(0, 300));
    assert.equal(switched.headers.location, '/en/office');
    const cookie = [switched.headers['set-cookie']].flat().find((line) => String(line).startsWith(`${SESSION_COOKIE}=`));
    const now = decodeSession(app.config.sessionSecret, /=([^;]+)/.exec(String(cookie))![1]);
    assert.equal(now?.agencyId, 'mrt');
    assert.deepEqual(now?.roles, ['citizen', 'supervisor'], "the MRT roles, not GASR's");
    const there = await app.as(now!, { url: '/en/office' });
    assert.ok(there.body.includes(`<span class="govuk-caption-l">${mrt.name.en}</span>`));

    const elsewhere = await app.as(official, { method: 'POST', url: '/en/admin/agency', ...form({ agency: 'police' }, app.csrf) });
    assert.equal(elsewhere.statusCode, 403);
  });
});
