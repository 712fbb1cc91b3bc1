// The back office as pages: the agency's queue (by status, mine, overdue) and one application with
// everything the officer needs to decide: the answers, what registries said, the files, the fee,
// the history, and a form for each action the status allows.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isPersonNumber, readPersonNumber } from '../../kernel/person-number.ts';
import type { ApplicationsDeps } from './service.ts';
import { AppError, type FieldError } from '../../kernel/errors.ts';
import { page } from '../../web/index.ts';
import { bilingualPurpose } from '../exchange/index.ts';
import type { Office, OfficeActionInput } from './office.ts';
import { firstStep } from './apply-pages.ts';
import { historyOf, peopleOf, personText } from './history.ts';
import { applicationView, sendAttachment } from './pages.ts';
import { REQUEST_STATUSES, type RequestStatus, type ServiceRequest } from './schema.ts';
import type { Submissions } from './submissions.ts';
import { ALLOWED, OFFICE_ACTIONS, type OfficeAction } from './workflow.ts';

const QUEUE_VIEW = 'modules/applications/views/office-queue.njk';
const REQUEST_VIEW = 'modules/applications/views/office-request.njk';

/** The consent codes an official at a service centre works with. */
export interface CounterCodes {
  service: ApplicationsDeps['service'];
  requestConsentCode: ApplicationsDeps['requestConsentCode'];
  redeemConsentCode: ApplicationsDeps['redeemConsentCode'];
  /** The exchange instance, e.g. "MN". */
  instance: string;
  staffMember: ApplicationsDeps['staffMember'];
  agencyName: ApplicationsDeps['agencyName'];
}

const ON_BEHALF_VIEW = 'modules/applications/views/on-behalf.njk';
const NAME_SERVICE = 'GOV/gasr/population/citizenIdCard';

export function officePages(app: FastifyInstance, office: Office, submissions: Submissions, codes: CounterCodes): void {
  // A service centre: the official applies for a person who is at the counter. The person's phone
  // gets a code; reading it out is the person's consent, recorded on the exchange.
  const counter = async (request: FastifyRequest, step: Record<string, unknown>, errors: FieldError[] = [], status = 200) => {
    office.agencyOf(request.principal);
    const services = (await submissions.available()).map(({ service }) => ({ value: service.slug, text: `${service.name[request.lang]} (${service.agency.abbreviation[request.lang]})` }));
    return { services, ...step, errors, status };
  };
  const showCounter = async (request: FastifyRequest, reply: FastifyReply, step: Record<string, unknown>, errors: FieldError[] = []) => {
    const data = await counter(request, step, errors);
    return reply.page(ON_BEHALF_VIEW, data, { title: request.t('applications.operator.title'), errors, status: errors.length ? 400 : 200 });
  };

  page(app, 'GET', '/office/on-behalf', {}, async (request, reply) => {
    const sent = (request.query as { sent?: string }).sent;
    return showCounter(request, reply, { sent: typeof sent === 'string' && /^UR-\d{4}-\d{7,}$/.test(sent) ? sent : undefined });
  });

  page(app, 'POST', '/office/on-behalf', {}, async (request, reply) => {
    office.agencyOf(request.principal);
    const body = (request.body ?? {}) as { registerNumber?: unknown; service?: unknown };
    const registerNumber = readPersonNumber(body.registerNumber);
    const slug = typeof body.service === 'string' ? body.service : '';
    const errors: FieldError[] = [];
    if (!isPersonNumber(registerNumber)) errors.push({ field: 'registerNumber', message: request.t('applications.operator.badNumber') });
    const found = slug ? await submissions.form(slug).catch(() => undefined) : undefined;
    if (!found) errors.push({ field: 'service', message: request.t('applications.operator.chooseService') });
    if (errors.length) return showCounter(request, reply, { registerNumber, slug }, errors);
    const services = [...new Set([...(found!.form.facts ?? []).map((fact) => `${codes.instance}/${fact.service}`), `${codes.instance}/${NAME_SERVICE}`])];
    try {
      const sent = await codes.requestConsentCode(registerNumber, services, bilingualPurpose({ mn: `Үйлчилгээний төвөөр өргөдөл: ${found!.service.name.mn}`, en: `Application at a service centre: ${found!.service.name.en}` }), request.lang);
      return showCounter(request, reply, { registerNumber, slug, serviceName: found!.service.name[request.lang], sentTo: sent.sentTo });
    } catch (error) {
      if (error instanceof AppError && error.status < 500) return showCounter(request, reply, { registerNumber, slug }, [{ field: 'registerNumber', message: error.code === 'RATE_LIMITED' ? error.text(request.lang) : request.t('applications.operator.noPhone') }]);
      throw error;
    }
  });

  page(app, 'POST', '/office/on-behalf/code', {}, async (request, reply) => {
    const principal = request.principal;
    office.agencyOf(principal);
    const body = (request.body ?? {}) as { registerNumber?: unknown; service?: unknown; code?: unknown };
    const registerNumber = readPersonNumber(body.registerNumber);
    const slug = typeof body.service === 'string' ? body.service : '';
    const code = typeof body.code === 'string' ? body.code.replace(/\s/g, '') : '';
    const found = isPersonNumber(registerNumber) ? await submissions.form(slug).catch(() => undefined) : undefined;
    if (!found) return showCounter(request, reply, {}, [{ field: 'registerNumber', message: request.t('applications.operator.badNumber') }]);
    const outcome = await codes.redeemConsentCode(registerNumber, code);
    if ('refusal' in outcome) {
      return showCounter(request, reply, { registerNumber, slug, serviceName: found.service.name[request.lang], sentTo: '' }, [{ field: 'code', message: request.t(outcome.refusal === 'codeLocked' ? 'applications.operator.codeLocked' : 'applications.operator.codeWrong') }]);
    }
    const draft = await submissions.begin(slug, principal!, { subject: registerNumber, consentId: outcome.consentId });
    return reply.redirect(firstStep(request.lang, draft), 303);
  });

  /** The agencies an official may switch between, named, when more than one. */
  const agenciesOf = async (request: FastifyRequest) => {
    const ids = request.principal?.staffAgencies ?? [];
    if (ids.length < 2) return [];
    return Promise.all(ids.map(async (id) => ({ value: id, text: (await codes.agencyName(id))?.[request.lang] ?? id, selected: id === (request.principal?.agencyId ?? 'platform') })));
  };

  page(app, 'GET', '/office', {}, async (request, reply) => {
    const query = request.query as { status?: string; mine?: string; overdue?: string; page?: string; agency?: string };
    const status = REQUEST_STATUSES.includes(query.status as RequestStatus) ? (query.status as RequestStatus) : undefined;
    const pageNumber = Math.max(1, Math.min(10_000, Number.parseInt(query.page ?? '1', 10) || 1));
    const principal = request.principal;
    if (!principal) throw new AppError('UNAUTHENTICATED');
    const agency = office.agencyOf(principal, typeof query.agency === 'string' ? query.agency.slice(0, 80) : undefined);
    const result = await office.queue(principal, { ...(status ? { status } : {}), mine: query.mine === '1', overdue: query.overdue === '1', page: pageNumber, pageSize: 50 }, agency);
    const names = new Map<string, string>();
    for (const slug of new Set(result.items.map((item) => item.serviceSlug))) names.set(slug, (await codes.service(slug))?.name[request.lang] ?? slug);
    const now = Date.now();
    // A queue page has a few handlers at most: each is looked up once.
    const handlers = new Map<string, Promise<string>>();
    const handlerName = (id: string) => {
      if (!handlers.has(id)) handlers.set(id, id === principal.id ? Promise.resolve(request.t('applications.history.youHandle')) : codes.staffMember(id).then((who) => (who ? who.name : request.t('applications.history.anOfficial'))));
      return handlers.get(id)!;
    };
    return reply.page(QUEUE_VIEW, {
      agency,
      // Officials read the agency's name; its code is for machines.
      agencyName: (await codes.agencyName(agency))?.[request.lang] ?? agency,
      agencies: await agenciesOf(request),
      status,
      mine: query.mine === '1',
      overdue: query.overdue === '1',
      counts: result.counts,
      total: result.total,
      page: pageNumber,
      pages: Math.max(1, Math.ceil(result.total / 50)),
      items: await Promise.all(result.items.map(async (item) => ({
        ...item,
        name: names.get(item.serviceSlug) ?? item.serviceSlug,
        late: item.dueAt !== null && Date.parse(item.dueAt) < now,
        handler: item.assignedTo ? await handlerName(item.assignedTo) : undefined,
      }))),
    }, { title: request.t('applications.office.title') });
  });

  const numberParams = { type: 'object', properties: { number: { type: 'string', maxLength: 30 }, id: { type: 'string', maxLength: 40 } } } as const;

  const show = async (request: FastifyRequest, found: ServiceRequest, errors: FieldError[] = [], values: Record<string, unknown> = {}) => {
    const principal = request.principal!;
    const lang = request.lang;
    const service = await submissions.form(found.serviceSlug).catch(() => undefined);
    const agencyName = (id: string) => (id === found.agencyId ? service?.service.agency.name[lang] : undefined);
    const supervisor = principal.roles.includes('platform-admin') || principal.roles.includes('supervisor') || principal.roles.includes('agency-admin');
    const actions = (ALLOWED[found.status] as readonly string[]).filter((action): action is OfficeAction => (OFFICE_ACTIONS as readonly string[]).includes(action))
      .filter((action) => (action === 'assign' ? supervisor : action === 'take' ? found.assignedTo !== principal.id : true));
    return {
      request: found,
      name: service?.service.name[lang] ?? found.serviceSlug,
      application: await applicationView(found, submissions, lang, request.t),
      history: (await historyOf(found, principal, request.t, agencyName, codes.staffMember)).reverse(),
      assignedTo: found.assignedTo ? (found.assignedTo === principal.id ? request.t('applications.history.youHandle') : personText(await peopleOf(found, codes.staffMember)(found.assignedTo), request.t, agencyName)) : undefined,
      actions,
      late: found.dueAt !== null && Date.parse(found.dueAt) < Date.now(),
      mine: found.assignedTo === principal.id,
      values,
      errors,
    };
  };

  page(app, 'GET', '/office/requests/:number', { schema: { params: numberParams } }, async (request, reply) => {
    const principal = request.principal;
    if (!principal) throw new AppError('UNAUTHENTICATED');
    const found = await office.request(principal, (request.params as { number: string }).number);
    return reply.page(REQUEST_VIEW, await show(request, found), { title: `${found.number}` });
  });

  page(app, 'POST', '/office/requests/:number', { schema: { params: numberParams } }, async (request, reply) => {
    const principal = request.principal;
    if (!principal) throw new AppError('UNAUTHENTICATED');
    const { number } = request.params as { number: string };
    const body = (request.body ?? {}) as Record<string, unknown>;
    const action = String(body.action ?? '') as OfficeAction;
    if (!(OFFICE_ACTIONS as readonly string[]).includes(action)) throw new AppError('VALIDATION_FAILED', { detail: 'action' });
    const input: OfficeActionInput = { action, ...(typeof body.text === 'string' ? { text: body.text } : {}), ...(typeof body.field === 'string' ? { field: body.field } : {}), ...(typeof body.assignee === 'string' ? { assignee: body.assignee } : {}) };
    try {
      await office.act(principal, number, input, request.lang, request.id);
    } catch (error) {
      if (error instanceof AppError && error.status < 500 && error.code !== 'REQUEST_NOT_FOUND') {
        const found = await office.request(principal, number);
        const errors = error.fieldErrors.length ? error.fieldErrors.map((item) => ({ ...item, field: `${action}-${item.field}` })) : [{ field: `${action}-text`, message: error.text(request.lang) }];
        return reply.page(REQUEST_VIEW, await show(request, found, errors, { [action]: body.text ?? '' }), { title: number, errors, status: error.status });
      }
      throw error;
    }
    return reply.redirect(`/${request.lang}/office/requests/${number}`, 303);
  });

  page(app, 'GET', '/office/requests/:number/files/:id', { schema: { params: numberParams } }, async (request, reply) => {
    const principal = request.principal;
    if (!principal) throw new AppError('UNAUTHENTICATED');
    const { number, id } = request.params as { number: string; id: string };
    return sendAttachment(reply, submissions, await office.request(principal, number), id);
  });
}
