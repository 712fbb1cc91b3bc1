// The demo officials `npm start` prints: every agency that takes applications has one who can
// handle them, and starting again keeps the same people while adding what is missing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testApp, type TestApp } from '../../../test/helpers.ts';
import { seedPeople } from '../exchange/test-fixtures.ts';
import { DEMO_CITIZEN } from '../registries/index.ts';
import { seedDemoStaff, type ApplicationAgency } from './demo.ts';
import * as store from './store.ts';

describe('demo officials', () => {
  let app: TestApp;
  let agencies: ApplicationAgency[];
  before(async () => {
    app = await testApp({ seed: true });
    await seedPeople(app, 60, 'demo-staff');
    const byAgency = new Map<string, ApplicationAgency>();
    for (const { service } of await app.applications.submissions.available()) {
      const agency = byAgency.get(service.agency.id) ?? { id: service.agency.id, abbreviation: service.agency.abbreviation.en, services: [] };
      agency.services.push(service.name.en);
      byAgency.set(agency.id, agency);
    }
    agencies = [...byAgency.values()];
  });
  after(async () => app.close());

  it('gives every agency with application services an officer, printed with the services they handle', async () => {
    // A data folder from before: only the first demo roles were given.
    const before = await seedDemoStaff(app.ctx.db, [DEMO_CITIZEN.registerNumber]);
    const staff = await seedDemoStaff(app.ctx.db, [DEMO_CITIZEN.registerNumber], agencies);
    assert.ok(agencies.length >= 3, 'several agencies take applications');
    for (const earlier of before) assert.ok(staff.some((one) => one.registerNumber === earlier.registerNumber && one.label === earlier.label), `${earlier.label} kept`);
    for (const agency of agencies) {
      const officer = staff.find((one) => one.services.length > 0 && one.services.every((name) => agency.services.includes(name)) && one.services.length === agency.services.length);
      assert.ok(officer, `an officer for ${agency.id}`);
      const roles = await store.rolesOf(app.ctx.db, officer.registerNumber);
      assert.ok(roles.some((row) => row.agency_id === agency.id && row.roles.includes('officer')), `${officer.registerNumber} is an officer of ${agency.id}`);
    }
    assert.equal(new Set(staff.map((one) => one.registerNumber)).size, staff.length, 'one person per demo role');
    assert.ok(!staff.some((one) => one.registerNumber === DEMO_CITIZEN.registerNumber));
    assert.deepEqual(await seedDemoStaff(app.ctx.db, [DEMO_CITIZEN.registerNumber], agencies), staff, 'the same people each start');
  });
});
