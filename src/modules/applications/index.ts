// The applications module's face: service requests. References are fetched from registries through
// the exchange under the person's consent and returned as signed documents; applications with a
// back office build on the same requests and statuses.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { AppContext, ModuleManifest } from '../../kernel/context.ts';
import type { Messages } from '../../kernel/i18n.ts';
import type { Messaging } from '../messaging/index.ts';
import { createOffice, type Office } from './office.ts';
import { applyPages } from './apply-pages.ts';
import { formAdminPages } from './form-admin-pages.ts';
import { formRoutes } from './form-routes.ts';
import { registerGovstackRegistration, type GovstackRegistrationDeps } from './govstack-registration.ts';
import { officePages } from './office-pages.ts';
import { applicationPages } from './pages.ts';
import { applicationRoutes } from './routes.ts';
import { requestLang, type ServiceRequest } from './schema.ts';
import { createApplications, type Applications, type ApplicationsDeps } from './service.ts';
import { createSubmissions, type Submissions } from './submissions.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const messages = (lang: string) => JSON.parse(readFileSync(path.join(here, 'locales', `${lang}.json`), 'utf8')) as Messages;

export const applicationsManifest: ModuleManifest = {
  name: 'applications',
  migrationsDir: path.join(here, 'migrations'),
  messages: { mn: messages('mn'), en: messages('en') },
};

export interface ApplicationsModule {
  applications: Applications;
  submissions: Submissions;
  office: Office;
}

export interface ApplicationsOptions extends Omit<ApplicationsDeps, 'notifyStatus'> {
  messaging: Pick<Messaging, 'notify' | 'defineTemplates'>;
  /** The mobile number the population register holds for a person, for status messages. */
  mobileOf(registerNumber: string): Promise<string | undefined>;
  /** Authenticates a GovStack Registration call made through the exchange (see govstack-registration.ts). */
  authenticateExchangeCaller?: GovstackRegistrationDeps['authenticateExchangeCaller'];
}

/** The message a person gets at each status change of a request, by SMS and in the portal. */
const STATUS_TEMPLATE = {
  id: 'applications.status',
  sms: { mn: 'Urtuu: {number} ({service}) хүсэлтийн төлөв: {status}.', en: 'Urtuu: request {number} ({service}) is now: {status}.' },
  inApp: {
    title: { mn: '{number}: {status}', en: '{number}: {status}' },
    body: { mn: '“{service}” хүсэлтийн тань төлөв “{status}” боллоо.', en: 'Your request “{service}” is now “{status}”.' },
  },
};

export async function registerApplications(app: FastifyInstance, ctx: AppContext, options: ApplicationsOptions): Promise<ApplicationsModule> {
  options.messaging.defineTemplates([STATUS_TEMPLATE]);
  const deps: ApplicationsDeps = {
    ...options,
    async notifyStatus(request: ServiceRequest) {
      // In the language the person applied in; the in-app copy carries both, each with its own names.
      const lang = requestLang(request);
      const status = { mn: ctx.i18n.t('mn', `applications.status.${request.status}`), en: ctx.i18n.t('en', `applications.status.${request.status}`) };
      const service = await options.service(request.serviceSlug);
      const mobile = await options.mobileOf(request.subject);
      await options.messaging.notify({
        template: STATUS_TEMPLATE.id,
        params: { number: request.number, service: service?.name ?? request.serviceSlug, status },
        recipient: { registerNumber: request.subject, ...(mobile ? { mobile } : {}), lang },
        channels: mobile ? ['sms', 'inApp'] : ['inApp'],
        purpose: 'applications.status',
        // Without the language: the inbox opens it in the language the person reads it in.
        link: `/my/requests/${request.number}`,
      });
    },
  };
  const applications = createApplications(ctx, deps);
  const submissions = createSubmissions(ctx, deps);
  const office = createOffice(ctx, deps, submissions, options.documents);
  applicationRoutes(app, applications, ctx.config.baseUrl);
  applicationPages(app, applications, submissions, deps.staffMember);
  applyPages(app, submissions);
  officePages(app, office, submissions, deps);
  formAdminPages(app, submissions);
  formRoutes(app, submissions, office);
  registerGovstackRegistration(app, ctx, {
    submissions,
    office,
    ...(options.authenticateExchangeCaller ? { authenticateExchangeCaller: options.authenticateExchangeCaller } : {}),
    agencyOfMember: options.keeper,
  });
  return { applications, submissions, office };
}

export type { Applications, ApplicationsDeps, AvailableReference, FeeCollector, ReferenceOutcome } from './service.ts';
export type { Office } from './office.ts';
export type { Submissions } from './submissions.ts';
export { REFERENCES, referenceFor, type ReferenceDefinition } from './references.ts';
export { actorSnapshot, type ActorSnapshot, type StaffLookup } from './history.ts';
export type { RequestStatus, ServiceRequest } from './schema.ts';
