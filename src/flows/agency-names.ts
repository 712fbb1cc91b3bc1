// Flow: agencies are named as the catalogue names them. Serves rule 5 (every name in both
// languages, from one source): documents, the exchange's members and the registries' services
// carry the catalogue's agency names. Joins catalog with documents, exchange and registries.
import type { Catalog } from '../modules/catalog/index.ts';

export type AgencyName = (agencyId: string) => Promise<{ mn: string; en: string } | undefined>;

/** An agency's name in both languages, or nothing when the catalogue does not know it. */
export function agencyNames(catalog: Pick<Catalog, 'getAgency'>): AgencyName {
  return async (agencyId) => {
    const agency = await catalog.getAgency(agencyId).catch(() => undefined);
    return agency?.name;
  };
}
