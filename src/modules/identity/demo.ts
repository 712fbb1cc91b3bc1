// Demo staff: so that a person trying `npm start` can sign in through the national login as an
// official too, a few generated adults are given staff roles (the same seed always picks the same).
import type { Db } from '../../kernel/db.ts';
import type { Role } from '../../kernel/auth.ts';
import * as store from './store.ts';

/** The agency id that holds platform administrators (they belong to no agency). */
export const PLATFORM_AGENCY = 'platform';

const DEMO_STAFF: { agencyId: string; roles: Role[]; label: string }[] = [
  { agencyId: PLATFORM_AGENCY, roles: ['platform-admin'], label: 'platform administrator' },
  { agencyId: 'gasr', roles: ['agency-admin'], label: 'GASR agency administrator' },
  { agencyId: 'gasr', roles: ['officer'], label: 'GASR officer' },
  { agencyId: 'police', roles: ['supervisor'], label: 'police supervisor' },
  { agencyId: 'notaries', roles: ['officer'], label: 'notary' },
];

/** Gives demo roles to adults with a mobile number, once; returns who holds which demo role. */
export async function seedDemoStaff(db: Db, exclude: string[]): Promise<{ registerNumber: string; label: string }[]> {
  const existing = await db.query<{ register_number: string; agency_id: string; roles: string[] }>(`SELECT register_number, agency_id, roles FROM identity.staff_changes WHERE changed_by = 'demo' ORDER BY id`);
  if (existing.rows.length > 0) {
    return existing.rows.map((row) => ({ registerNumber: row.register_number, label: DEMO_STAFF.find((staff) => staff.agencyId === row.agency_id && staff.roles.join() === row.roles.join())?.label ?? row.agency_id }));
  }
  const { rows } = await db.query<{ key: string; name: string }>(
    `SELECT key, left(content->>'surname', 1) || '.' || (content->>'givenName') AS name FROM registries.records
     WHERE registry_id = 'population' AND content ? 'mobile' AND NOT content ? 'death'
       AND content->>'birthDate' BETWEEN '1966-01-01' AND '1998-01-01' AND NOT (key = ANY($1))
     ORDER BY key LIMIT $2`,
    [exclude, DEMO_STAFF.length],
  );
  const given: { registerNumber: string; label: string }[] = [];
  for (const [index, person] of rows.entries()) {
    const staff = DEMO_STAFF[index]!;
    await store.changeStaff(db, { registerNumber: person.key, agencyId: staff.agencyId, name: person.name, roles: staff.roles, changedBy: 'demo' });
    given.push({ registerNumber: person.key, label: staff.label });
  }
  return given;
}
