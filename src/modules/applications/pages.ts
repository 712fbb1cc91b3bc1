// Pages of service requests: the references to be had online, one reference's page (what is
// fetched, from whom, the consent, one button), and the person's requests with their history.
// Every step is a plain form post; a form sent twice is answered once.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type FieldError } from '../../kernel/errors.ts';
import { formatMnt } from '../../kernel/format.ts';
import { page } from '../../web/index.ts';
import { groupedId } from '../documents/index.ts';
import { citizen } from './routes.ts';
import type { Applications, AvailableReference } from './service.ts';
import { latestAnswers, firstDetail, type FactValue, type ServiceRequest } from './schema.ts';
import type { Submissions } from './submissions.ts';
import { answerRows, factRows } from './apply-pages.ts';
import type { Lang } from '../../kernel/i18n.ts';
import { historyOf, type StaffLookup } from './history.ts';

const LIST_VIEW = 'modules/applications/views/references.njk';
const REFERENCE_VIEW = 'modules/applications/views/reference.njk';
const REQUESTS_VIEW = 'modules/applications/views/my-requests.njk';
const REQUEST_VIEW = 'modules/applications/views/request.njk';

/**
 * What a request done online saves, against going to an office: e-Mongolia counted 706.9 bn ₮ saved
 * over 36.5 M e-services by the end of 2023 (about ₮19,400 each), and the UN case study of XYP
 * names 2–4 hours for a driving licence the old way; we count the lower 2 hours for every request.
 */
export const SAVED_PER_REQUEST = { minutes: 120, mnt: 19_400 } as const;

const STATUS_TAG: Record<string, string> = {
  SUBMITTED: 'govuk-tag--blue', PROCESSING: 'govuk-tag--light-blue', EDIT: 'govuk-tag--yellow', FILE_REQUESTED: 'govuk-tag--yellow', PRINTING: 'govuk-tag--purple',
  COMPLETED: 'govuk-tag--green', GRANTED: 'govuk-tag--green', REJECTED: 'govuk-tag--red', EXPIRED: 'govuk-tag--grey',
};

export function applicationPages(app: FastifyInstance, applications: Applications, submissions: Submissions, staffMember: StaffLookup): void {
  page(app, 'GET', '/references', {}, async (request, reply) => {
    const lang = request.lang;
    const groups = new Map<string, { agency: string; items: { slug: string; name: string; summary: string }[] }>();
    for (const { definition, service } of await applications.references()) {
      const group = groups.get(service.agency.id) ?? { agency: service.agency.name[lang], items: [] };
      group.items.push({ slug: definition.slug, name: service.name[lang], summary: service.summary[lang] });
      groups.set(service.agency.id, group);
    }
    return reply.page(LIST_VIEW, { groups: [...groups.values()] }, { title: request.t('applications.references.title') });
  });

  const showReference = (request: FastifyRequest, reply: FastifyReply, found: AvailableReference, errors: FieldError[] = []) => {
    const lang = request.lang;
    const principal = request.principal;
    return reply.page(REFERENCE_VIEW, {
      slug: found.definition.slug,
      service: found.service,
      fields: found.definition.fields.map((field) => field[lang]),
      keeper: found.keeper?.name[lang] ?? found.service.agency.name[lang],
      signedIn: Boolean(principal?.roles.includes('citizen') && principal.registerNumber),
      official: Boolean(principal && !principal.roles.includes('citizen')),
      forWhom: principal?.registerNumber ? `${principal.actingFor?.name ?? principal.name} (${principal.registerNumber})` : '',
      // "On behalf of" only when she acts for someone else; applying for herself names her as the applicant.
      actingForOther: Boolean(principal?.actingFor),
      submissionId: randomUUID(),
      returnTo: `/${lang}/references/${found.definition.slug}`,
    }, { title: found.service.name[lang], errors, status: errors.length ? 400 : 200 });
  };

  page(app, 'GET', '/references/:slug', { schema: { params: { type: 'object', properties: { slug: { type: 'string', maxLength: 80 } } } } }, async (request, reply) =>
    showReference(request, reply, await applications.reference((request.params as { slug: string }).slug)));

  page(app, 'POST', '/references/:slug', { schema: { params: { type: 'object', properties: { slug: { type: 'string', maxLength: 80 } } } } }, async (request, reply) => {
    const found = await applications.reference((request.params as { slug: string }).slug);
    const principal = citizen(request);
    const body = (request.body ?? {}) as { consent?: unknown; submissionId?: unknown };
    if (body.consent !== 'yes') return showReference(request, reply, found, [{ field: 'consent', message: request.t('applications.reference.consentError') }]);
    const outcome = await applications.requestReference(found.definition.slug, principal, {
      channel: 'portal',
      requestId: request.id,
      lang: request.lang,
      ...(typeof body.submissionId === 'string' ? { submissionId: body.submissionId } : {}),
    });
    return reply.redirect(`/${request.lang}/my/requests/${outcome.request.number}`, 303);
  });

  page(app, 'GET', '/my/requests', {}, async (request, reply) => {
    const principal = citizen(request);
    const requests = await applications.requestsOf(principal.registerNumber);
    const names = new Map<string, string>();
    for (const slug of new Set(requests.map((item) => item.serviceSlug))) names.set(slug, (await applications.service(slug))?.name[request.lang] ?? slug);
    const done = requests.filter((item) => item.status === 'COMPLETED' || item.status === 'GRANTED').length;
    return reply.page(REQUESTS_VIEW, {
      requests: requests.map((item) => ({ ...item, name: names.get(item.serviceSlug) ?? item.serviceSlug, tag: STATUS_TAG[item.status] })),
      saved: { done, hours: Math.round((done * SAVED_PER_REQUEST.minutes) / 60), money: formatMnt(done * SAVED_PER_REQUEST.mnt) },
    }, { title: request.t('applications.my.title') });
  });

  page(app, 'GET', '/my/requests/:number', { schema: { params: { type: 'object', properties: { number: { type: 'string', maxLength: 30 } } } } }, async (request, reply) => {
    const principal = citizen(request);
    const lang = request.lang;
    const { number } = request.params as { number: string };
    const found = await applications.requestOf(principal.registerNumber, number);
    const service = await applications.service(found.serviceSlug);
    const documentId = firstDetail(found, 'document');
    const application = found.kind === 'application' ? await applicationView(found, submissions, lang, request.t) : undefined;
    return reply.page(REQUEST_VIEW, {
      request: found,
      name: service?.name[lang] ?? found.serviceSlug,
      agency: service?.agency.name[lang] ?? found.agencyId,
      tag: STATUS_TAG[found.status],
      document: documentId ? { id: documentId, number: groupedId(documentId) } : undefined,
      history: (await historyOf(found, principal, request.t, (id) => (id === found.agencyId ? service?.agency.name[lang] : undefined), staffMember)).reverse(),
      application,
      already: (request.query as { already?: string }).already === '1',
      fileError: (request.query as { error?: string }).error === 'file' ? request.t('applications.request.fileError') : undefined,
    }, { title: `${found.number}: ${service?.name[lang] ?? found.serviceSlug}`, ...((request.query as { error?: string }).error === 'file' ? { errors: [{ field: 'file', message: request.t('applications.request.fileError') }], status: 400 } : {}) });
  });

  page(app, 'GET', '/my/requests/:number/files/:id', { schema: { params: { type: 'object', properties: { number: { type: 'string', maxLength: 30 }, id: { type: 'string', maxLength: 40 } } } } }, async (request, reply) => {
    const principal = citizen(request);
    const { number, id } = request.params as { number: string; id: string };
    const found = await applications.requestOf(principal.registerNumber, number);
    return sendAttachment(reply, submissions, found, id);
  });
}

/** What the request page shows of an application: answers, facts, files, the fee, what is asked. */
export async function applicationView(found: ServiceRequest, submissions: Submissions, lang: Lang, t: (key: string, params?: Record<string, string>) => string) {
  const definition = await submissions.formOf(found);
  const answers = latestAnswers(found);
  const facts = (found.actions[0]?.details.facts ?? []) as { id: string; value: FactValue }[];
  const files = await submissions.attachments(found.id);
  const invoice = firstDetail(found, 'invoice');
  const asked = found.status === 'FILE_REQUESTED' || found.status === 'EDIT' ? found.actions.findLast((action) => action.status === found.status)?.details.message : undefined;
  return {
    rows: definition ? answerRows(definition, answers, files.filter((file) => definition.fields[file.field]), lang, t) : [],
    facts: definition ? factRows(definition, facts, lang) : [],
    files: files.map((file) => ({ id: file.id, name: file.filename, size: Math.ceil(file.size / 1024) })),
    invoice: invoice && !found.paid ? invoice : undefined,
    asked: typeof asked === 'string' ? asked : undefined,
    dueAt: found.dueAt,
  };
}

/** Sends one of a request's files, as a download, never rendered in the page's origin. */
export async function sendAttachment(reply: FastifyReply, submissions: Submissions, found: ServiceRequest, id: string) {
  const file = await submissions.attachment(id);
  if (!file || file.owner_id !== found.id) throw new AppError('NOT_FOUND');
  return reply
    .header('content-type', file.content_type)
    .header('content-disposition', `attachment; filename="${encodeURIComponent(file.filename)}"`)
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, no-store')
    .send(file.data);
}
