// The catalogue's administration pages: platform administrators manage every service, agency
// administrators their own agency's. Forms post back to themselves; on a mistake the form comes
// back with everything typed kept and an error summary (the GOV.UK pattern).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireRole, type Role } from '../../kernel/auth.ts';
import { AppError, type FieldError } from '../../kernel/errors.ts';
import { page } from '../../web/index.ts';
import { paginationView } from './pages.ts';
import { AUDIENCES, CHANNELS, KINDS, STATUSES, TIME_UNITS, type Service, type ServiceInput, type ServiceListQuery } from './schema.ts';
import type { Catalog } from './service.ts';

const ADMINS = requireRole('platform-admin', 'agency-admin');
const OFFICIAL_ROLES: Role[] = ['platform-admin', 'agency-admin', 'supervisor', 'officer'];
const OFFICIALS = requireRole(...OFFICIAL_ROLES);

type FormBody = Record<string, string | string[] | undefined>;

function one(body: FormBody, name: string): string {
  const value = body[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

function many(body: FormBody, name: string): string[] {
  const value = body[name];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function integer(text: string): number {
  const cleaned = text.replace(/[\s,₮]/g, '');
  return /^\d{1,12}$/.test(cleaned) ? Number(cleaned) : Number.NaN;
}

const lines = (text: string) => text.split(/\r?\n/);
const words = (text: string) => text.split(/[,\n]/);

/** Reads the service form into the same shape the API accepts. */
export function readServiceForm(body: FormBody): ServiceInput {
  const basisMn = one(body, 'legalBasis-mn');
  const basisEn = one(body, 'legalBasis-en');
  return {
    slug: one(body, 'slug'),
    name: { mn: one(body, 'name-mn'), en: one(body, 'name-en') },
    summary: { mn: one(body, 'summary-mn'), en: one(body, 'summary-en') },
    description: { mn: one(body, 'description-mn'), en: one(body, 'description-en') },
    agencyId: one(body, 'agencyId'),
    sectorId: one(body, 'sectorId'),
    lifeEvents: many(body, 'lifeEvents'),
    audiences: many(body, 'audiences'),
    kind: one(body, 'kind'),
    feeMnt: integer(one(body, 'feeMnt')),
    processingTime: { value: integer(one(body, 'processingTime-value')), unit: one(body, 'processingTime-unit') },
    channels: many(body, 'channels'),
    requirements: { mn: lines(one(body, 'requirements-mn')), en: lines(one(body, 'requirements-en')) },
    legalBasis: basisMn || basisEn ? { mn: basisMn, en: basisEn } : null,
    status: one(body, 'status'),
    exchangeService: one(body, 'exchangeService') || null,
    keywords: { mn: words(one(body, 'keywords-mn')), en: words(one(body, 'keywords-en')) },
  };
}

/** The form's values as strings, from a stored service or from what was posted. */
function formValues(source: Service | FormBody | undefined): Record<string, string | string[]> {
  if (!source) return { status: 'active', kind: 'reference', 'processingTime-unit': 'instant', 'processingTime-value': '0', feeMnt: '0', audiences: ['citizen'], channels: ['portal', 'app'] };
  if ('slug' in source && typeof source.slug === 'string' && 'name' in source && typeof source.name === 'object') {
    const service = source as Service;
    return {
      slug: service.slug,
      'name-mn': service.name.mn, 'name-en': service.name.en,
      'summary-mn': service.summary.mn, 'summary-en': service.summary.en,
      'description-mn': service.description.mn, 'description-en': service.description.en,
      agencyId: service.agency.id, sectorId: service.sector.id,
      lifeEvents: service.lifeEvents, audiences: service.audiences, kind: service.kind,
      feeMnt: String(service.fee.amount),
      'processingTime-value': String(service.processingTime.value), 'processingTime-unit': service.processingTime.unit,
      channels: service.channels,
      'requirements-mn': service.requirements.mn.join('\n'), 'requirements-en': service.requirements.en.join('\n'),
      'legalBasis-mn': service.legalBasis?.mn ?? '', 'legalBasis-en': service.legalBasis?.en ?? '',
      status: service.status === 'retired' ? 'active' : service.status,
      exchangeService: service.exchangeService ?? '',
      'keywords-mn': service.keywords.mn.join(', '), 'keywords-en': service.keywords.en.join(', '),
      version: String(service.version),
    };
  }
  const body = source as FormBody;
  const values: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(body)) if (key !== '_csrf' && value !== undefined) values[key] = value;
  for (const key of ['lifeEvents', 'audiences', 'channels']) values[key] = many(body, key);
  return values;
}

/** The services list's filter (search, status, agency, page) as a query string, checked, to carry through an edit and back. */
export function listFilter(raw: unknown): string {
  const text = typeof raw === 'string' && raw.length <= 400 ? raw : '';
  const given = new URLSearchParams(text);
  const kept = new URLSearchParams();
  const q = given.get('q');
  if (q && q.length <= 200) kept.set('q', q);
  const status = given.get('status');
  if (status && (STATUSES as readonly string[]).includes(status)) kept.set('status', status);
  const agency = given.get('agency');
  if (agency && /^[a-z0-9-]{1,80}$/.test(agency)) kept.set('agency', agency);
  const pageNumber = given.get('page');
  if (pageNumber && /^[1-9]\d{0,3}$/.test(pageNumber)) kept.set('page', pageNumber);
  return kept.toString();
}

const DONE = ['created', 'updated', 'retired', 'reinstated'] as const;

/** Back to the list as it was filtered, saying what was done to which service. */
function listAfter(lang: string, back: string, done: (typeof DONE)[number], slug: string): string {
  return `/${lang}/admin/services?${back ? `${back}&` : ''}${done}=${encodeURIComponent(slug)}`;
}

/** Domain field names ('name.mn') become form ids ('name-mn'); groups point at their first box. */
function toFormErrors(errors: FieldError[]): FieldError[] {
  return errors.map((error) => ({ ...error, field: error.field.replace(/\./g, '-') }));
}

export async function catalogAdminPages(app: FastifyInstance, catalog: Catalog): Promise<void> {
  /** The list's filter a page was opened from: in the query of a GET, in the form of a POST. */
  const backOf = (request: FastifyRequest) => listFilter(request.method === 'GET' ? (request.query as Record<string, unknown>).back : ((request.body ?? {}) as FormBody).back);

  async function renderForm(request: FastifyRequest, reply: FastifyReply, options: { service?: Service; values: Record<string, string | string[]>; errors?: FieldError[]; status?: number }) {
    const lang = request.lang;
    const t = request.t;
    const principal = request.principal!;
    const [agencies, sectors, lifeEvents] = await Promise.all([catalog.listAgencies(lang), catalog.listSectors(), catalog.listLifeEvents()]);
    const manageable = agencies.filter((agency) => catalog.canManage(principal, agency.id));
    const v = options.values;
    const selected = (name: string, value: string) => (Array.isArray(v[name]) ? (v[name] as string[]).includes(value) : v[name] === value);
    return reply.page('modules/catalog/views/admin/form.njk', {
      service: options.service,
      back: backOf(request),
      v,
      action: options.service ? `/${lang}/admin/services/${options.service.id}/edit` : `/${lang}/admin/services/new`,
      agencyItems: [{ value: '', text: t('catalog.admin.chooseAgency') }, ...manageable.map((agency) => ({ value: agency.id, text: `${agency.name[lang]} (${agency.abbreviation[lang]})`, selected: selected('agencyId', agency.id) }))],
      sectorItems: [{ value: '', text: t('catalog.admin.chooseSector') }, ...sectors.map((sector) => ({ value: sector.id, text: sector.name[lang], selected: selected('sectorId', sector.id) }))],
      lifeEventItems: lifeEvents.map((event) => ({ value: event.id, text: event.name[lang], checked: selected('lifeEvents', event.id) })),
      audienceItems: AUDIENCES.map((audience) => ({ value: audience, text: t(`catalog.audience.${audience}`), checked: selected('audiences', audience) })),
      kindItems: KINDS.map((kind) => ({ value: kind, text: t(`catalog.kind.${kind}`), hint: { text: t(`catalog.kindHint.${kind}`) }, checked: selected('kind', kind) })),
      channelItems: CHANNELS.map((channel) => ({ value: channel, text: t(`catalog.channel.${channel}`), checked: selected('channels', channel) })),
      unitItems: TIME_UNITS.map((unit) => ({ value: unit, text: t(`catalog.unit.${unit}`), selected: selected('processingTime-unit', unit) })),
      statusItems: (['active', 'planned'] as const).map((status) => ({ value: status, text: t(`catalog.status.${status}`), checked: selected('status', status) })),
    }, {
      status: options.status ?? 200,
      errors: toFormErrors(options.errors ?? []),
      title: options.service ? t('catalog.admin.editTitle', { name: options.service.name[lang] }) : t('catalog.admin.newTitle'),
    });
  }

  async function manageable(request: FastifyRequest): Promise<Service> {
    const service = await catalog.getService((request.params as { id: string }).id);
    if (!catalog.canManage(request.principal, service.agency.id)) throw new AppError('FORBIDDEN_OTHER_AGENCY');
    return service;
  }

  // The staff home: what this official may do, by role, each a link. The pages behind the links
  // keep their own guards; this only spares people guessing addresses.
  page(app, 'GET', '/admin', { preHandler: OFFICIALS }, async (request, reply) => {
    const principal = request.principal!;
    const t = request.t;
    const has = (...roles: Role[]) => roles.some((role) => principal.roles.includes(role));
    const platform = has('platform-admin');
    const agency = principal.agencyId ? await catalog.getAgency(principal.agencyId).catch(() => undefined) : undefined;
    const counts = has('platform-admin', 'agency-admin')
      ? await catalog.listServices({ pageSize: 1, ...(platform ? {} : { agency: principal.agencyId ?? '' }) }, { statuses: [...STATUSES] })
      : undefined;
    const card = (path: string, title: string, lead: string) => ({ path, title: t(title), lead: t(lead, { count: counts?.paging.total ?? 0 }) });
    const cards = [
      ...(principal.agencyId || platform ? [card('/office', 'catalog.admin.home.queue', 'catalog.admin.home.queueLead'), card('/office/on-behalf', 'catalog.admin.home.counter', 'catalog.admin.home.counterLead')] : []),
      ...(counts ? [card('/admin/services', 'catalog.admin.servicesTitle', 'catalog.admin.servicesLead'), card('/admin/services/new', 'catalog.admin.newTitle', 'catalog.admin.newLead'), card('/admin/forms', 'catalog.admin.home.forms', 'catalog.admin.home.formsLead'), card('/admin/staff', 'catalog.admin.home.staff', 'catalog.admin.home.staffLead')] : []),
      ...(has(...OFFICIAL_ROLES) ? [card('/admin/payments', 'catalog.admin.home.payments', 'catalog.admin.home.paymentsLead')] : []),
      ...(principal.agencyId === 'notaries' ? [card('/admin/powers-of-attorney', 'catalog.admin.home.powers', 'catalog.admin.home.powersLead')] : []),
      ...(platform ? [card('/admin/exchange', 'exchange.admin.title', 'exchange.admin.cardLead')] : []),
    ];
    return reply.page('modules/catalog/views/admin/index.njk', { agency, cards }, { title: t('catalog.admin.title') });
  });

  page(app, 'GET', '/admin/services', { preHandler: ADMINS }, async (request, reply) => {
    const lang = request.lang;
    const principal = request.principal!;
    const raw = request.query as Record<string, string | undefined>;
    const q = (raw.q ?? '').slice(0, 200);
    const status = (STATUSES as readonly string[]).includes(raw.status ?? '') ? (raw.status as Service['status']) : undefined;
    const pageNumber = Math.min(10000, Math.max(1, Number.parseInt(raw.page ?? '1', 10) || 1));
    const query: ServiceListQuery = { lang, page: pageNumber, pageSize: 50, sort: q ? 'relevance' : 'name' };
    if (q.trim()) query.q = q;
    if (status) query.status = status;
    if (!principal.roles.includes('platform-admin')) query.agency = principal.agencyId ?? 'none';
    else if (raw.agency && /^[a-z0-9-]{1,80}$/.test(raw.agency)) query.agency = raw.agency;
    const results = await catalog.listServices(query, { statuses: [...STATUSES] });
    const href = (n: number) => {
      const params = new URLSearchParams();
      if (q) params.set('q', q);
      if (status) params.set('status', status);
      if (query.agency && principal.roles.includes('platform-admin')) params.set('agency', query.agency);
      if (n > 1) params.set('page', String(n));
      const text = params.toString();
      return `/${lang}/admin/services${text ? `?${text}` : ''}`;
    };
    const back = href(pageNumber).split('?')[1] ?? '';
    // What was just done, named, with where to see it.
    const doneKey = DONE.find((key) => typeof raw[key] === 'string');
    const doneService = doneKey ? await catalog.findService(String(raw[doneKey]).slice(0, 120)) : undefined;
    return reply.page('modules/catalog/views/admin/services.njk', {
      q, status, results, pagination: paginationView(results.paging, href, request.t),
      back,
      done: doneService && doneKey && catalog.canManage(principal, doneService.agency.id) ? { key: doneKey, service: doneService } : undefined,
      statusItems: [{ value: '', text: request.t('catalog.admin.anyStatus') }, ...STATUSES.map((s) => ({ value: s, text: request.t(`catalog.status.${s}`), selected: s === status }))],
    }, { title: request.t('catalog.admin.servicesTitle') });
  });

  page(app, 'GET', '/admin/services/new', { preHandler: ADMINS }, async (request, reply) => {
    const values = formValues(undefined);
    if (request.principal?.agencyId) values.agencyId = request.principal.agencyId;
    return renderForm(request, reply, { values });
  });

  page(app, 'POST', '/admin/services/new', { preHandler: ADMINS }, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const { input, errors } = await catalog.validateInput(readServiceForm(body), request.t, request.principal);
    if (!input) return renderForm(request, reply, { values: formValues(body), errors, status: 400 });
    const service = await catalog.createService(request.principal!, input, request.id);
    return reply.redirect(listAfter(request.lang, backOf(request), 'created', service.slug), 303);
  });

  page(app, 'GET', '/admin/services/:id/edit', { preHandler: ADMINS }, async (request, reply) => {
    const service = await manageable(request);
    if (service.status === 'retired') throw new AppError('ACTION_NOT_ALLOWED', { action: 'edit', state: service.status, allowed: catalog.allowedActions(service).join(', ') });
    return renderForm(request, reply, { service, values: formValues(service) });
  });

  page(app, 'POST', '/admin/services/:id/edit', { preHandler: ADMINS }, async (request, reply) => {
    const service = await manageable(request);
    const body = (request.body ?? {}) as FormBody;
    const { input, errors } = await catalog.validateInput(readServiceForm(body), request.t, request.principal, service.id);
    if (!input) return renderForm(request, reply, { service, values: formValues(body), errors, status: 400 });
    const version = integer(one(body, 'version'));
    try {
      await catalog.updateService(request.principal!, service.id, Number.isInteger(version) ? version : -1, input, request.id);
    } catch (error) {
      if (error instanceof AppError && (error.code === 'STALE_EDIT' || error.code === 'SLUG_TAKEN')) {
        return renderForm(request, reply, { service, values: formValues(body), errors: [{ field: error.code === 'SLUG_TAKEN' ? 'slug' : 'name-mn', message: error.text(request.lang) }], status: 409 });
      }
      throw error;
    }
    return reply.redirect(listAfter(request.lang, backOf(request), 'updated', input.slug), 303);
  });

  page(app, 'GET', '/admin/services/:id/retire', { preHandler: ADMINS }, async (request, reply) => {
    const service = await manageable(request);
    return reply.page('modules/catalog/views/admin/retire.njk', { service, reason: '', back: backOf(request) }, { title: request.t('catalog.admin.retireTitle', { name: service.name[request.lang] }) });
  });

  page(app, 'POST', '/admin/services/:id/retire', { preHandler: ADMINS }, async (request, reply) => {
    const service = await manageable(request);
    const body = (request.body ?? {}) as FormBody;
    const reason = one(body, 'reason').trim();
    if (reason.length < 3 || reason.length > 500) {
      return reply.page('modules/catalog/views/admin/retire.njk', { service, reason, back: backOf(request) }, {
        status: 400,
        title: request.t('catalog.admin.retireTitle', { name: service.name[request.lang] }),
        errors: [{ field: 'reason', message: request.t('catalog.form.errors.reason') }],
      });
    }
    await catalog.retireService(request.principal!, service.id, integer(one(body, 'version')), reason, request.id);
    return reply.redirect(listAfter(request.lang, backOf(request), 'retired', service.slug), 303);
  });

  page(app, 'POST', '/admin/services/:id/reinstate', { preHandler: ADMINS }, async (request, reply) => {
    const service = await manageable(request);
    await catalog.reinstateService(request.principal!, service.id, integer(one((request.body ?? {}) as FormBody, 'version')), request.id);
    return reply.redirect(listAfter(request.lang, backOf(request), 'reinstated', service.slug), 303);
  });

  page(app, 'GET', '/admin/services/:id/history', { preHandler: ADMINS }, async (request, reply) => {
    const service = await manageable(request);
    return reply.page('modules/catalog/views/admin/history.njk', { service, revisions: await catalog.history(service.id), back: backOf(request) }, { title: request.t('catalog.admin.historyTitle', { name: service.name[request.lang] }) });
  });
}
