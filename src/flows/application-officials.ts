// Flow: officials are named in a request's history. Serves rule 2 (each action says who took it):
// an official by id is looked up in the national login's staff records, or among the development
// personas when the development sign-in is on. Joins applications and identity.
import type { Config } from '../kernel/config.ts';
import { actorSnapshot, type StaffLookup } from '../modules/applications/index.ts';
import type { IdentityModule } from '../modules/identity/index.ts';
import { DEV_PERSONAS } from '../web/dev-sign-in.ts';

/** Officials by id: national-login staff from their records, development personas by their own names. */
export function applicationOfficials(config: Pick<Config, 'devLogin'>, identity: Pick<IdentityModule, 'staffMember'>): StaffLookup {
  return async (id) => {
    const persona = config.devLogin ? DEV_PERSONAS.find((candidate) => candidate.id === id) : undefined;
    return persona ? actorSnapshot(persona) : identity.staffMember(id);
  };
}
