// Flow: the catalogue's "Start now" leads to where a service is done online. Serves the
// catalogue's promise that a service said to be online can be started from its page. Joins
// catalog with applications (references and forms) and health (certificates). The catalogue is
// registered first, so the answer is bound late, once applications is up.
import type { ApplicationsModule } from '../modules/applications/index.ts';
import { referenceFor } from '../modules/applications/index.ts';
import type { OnlineStart } from '../modules/catalog/index.ts';
import { HEALTH_STARTS } from '../modules/health/index.ts';

/** A start the catalogue can hold before anything is online; `bindOnlineStart` fills it in. */
export function lateOnlineStart(): { find: OnlineStart } {
  return { find: async () => undefined };
}

/** Where a service starts online: its reference, its health certificate page or its form, if any. */
export function bindOnlineStart(start: { find: OnlineStart }, applications: Pick<ApplicationsModule, 'submissions'>): void {
  start.find = async (slug) => {
    if (referenceFor(slug)) return `/references/${slug}`;
    if (HEALTH_STARTS[slug]) return HEALTH_STARTS[slug];
    return (await applications.submissions.available()).some(({ form }) => form.slug === slug) ? `/apply/${slug}` : undefined;
  };
}
