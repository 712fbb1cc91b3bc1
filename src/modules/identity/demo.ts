// Demo staff: so that a person trying `npm start` can sign in through the national login as an
// official too, a few generated adults are given staff roles (the same seed always picks the same),
// and every agency that takes applications gets an officer, so each application can be followed
// from the citizen's form to the agency's decision.
import type { Db } from '../../kernel/db.ts';
import type { Role } from '../../kernel/auth.ts';
import * as store from './store.ts';

/** The agency id that holds platform administrators (they belong to no agency). */
export const PLATFORM_AGENCY = 'platform';

interface DemoRole {
  agencyId: string;
  roles: Role[];
  label: string;
}

const DEMO_STAFF: DemoRole[] = [
  { agencyId: PLATFORM_AGENCY, roles: ['platform-admin'], label: 'platform administrator' },
  { agencyId: 'gasr', roles: ['agency-admin'], label: 'GASR agency administrator' },
  { agencyId: 'gasr', roles: ['officer'], label: 'GASR officer' },
  { agencyId: 'police', roles: ['supervisor'], label: 'police supervisor' },
  { agencyId: 'notaries', roles: ['officer'], label: 'notary' },
];

/** An agency that handles applications, with what to call its officer and the services they handle. */
export interface ApplicationAgency {
  id: string;
  abbreviation: string;
  services: string[];
}

const sameRole = (a: { agencyId: string; roles: readonly string[] }, b: { agencyId: string; roles: readonly string[] }) => a.agencyId === b.agencyId && a.roles.join() === b.roles.join();

/** Gives the demo roles not yet given to adults with a mobile number; returns who holds which, with the services an officer handles. */
export async function seedDemoStaff(db: Db, exclude: string[], agencies: ApplicationAgency[] = []): Promise<{ registerNumber: string; label: string; services: string[] }[]> {
  const wanted: (DemoRole & { services: string[] })[] = DEMO_STAFF.map((staff) => ({ ...staff, services: agencies.find((agency) => agency.id === staff.agencyId && staff.roles.includes('officer'))?.services ?? [] }));
  for (const agency of agencies) {
    if (!wanted.some((staff) => staff.agencyId === agency.id && staff.roles.includes('officer'))) wanted.push({ agencyId: agency.id, roles: ['officer'], label: `${agency.abbreviation} officer`, services: agency.services });
  }
  const existing = (await db.query<{ register_number: string; agency_id: string; roles: string[] }>(`SELECT register_number, agency_id, roles FROM identity.staff_changes WHERE changed_by = 'demo' ORDER BY id`)).rows;
  const held = (staff: DemoRole) => existing.find((row) => sameRole({ agencyId: row.agency_id, roles: row.roles }, staff))?.register_number;
  const missing = wanted.filter((staff) => !held(staff));
  if (missing.length > 0) {
    const { rows } = await db.query<{ key: string; name: string }>(
      `SELECT key, left(content->>'surname', 1) || '.' || (content->>'givenName') AS name FROM registries.records
       WHERE registry_id = 'population' AND content ? 'mobile' AND NOT content ? 'death'
         AND content->>'birthDate' BETWEEN '1966-01-01' AND '1998-01-01' AND NOT (key = ANY($1))
       ORDER BY key LIMIT $2`,
      [[...exclude, ...existing.map((row) => row.register_number)], missing.length],
    );
    for (const [index, person] of rows.entries()) {
      const staff = missing[index]!;
      await store.changeStaff(db, { registerNumber: person.key, agencyId: staff.agencyId, name: person.name, roles: staff.roles, changedBy: 'demo' });
      existing.push({ register_number: person.key, agency_id: staff.agencyId, roles: staff.roles });
    }
  }
  return wanted.flatMap((staff) => {
    const registerNumber = held(staff);
    return registerNumber ? [{ registerNumber, label: staff.label, services: staff.services }] : [];
  });
}
