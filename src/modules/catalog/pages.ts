// The public portal: home, search, sectors, agencies and service pages, in Mongolian and English.
// Plain links and GET forms only, so everything works without JavaScript.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, type FieldError } from '../../kernel/errors.ts';
import type { Translate } from '../../kernel/i18n.ts';
import { formatMnt } from '../../kernel/format.ts';
import { isUuid } from '../../kernel/ids.ts';
import { page } from '../../web/index.ts';
import { AUDIENCES, KINDS, MAX_QUERY, type ProcessingTime, type Service, type ServiceList, type ServiceListQuery } from './schema.ts';
import type { Catalog } from './service.ts';

const PAGE_SIZE = 20;

/** "Instant", "5 working days", ... */
export function processingText(time: ProcessingTime, t: Translate): string {
  if (time.unit === 'instant') return t('catalog.time.instant');
  return t(`catalog.time.${time.unit}`, { count: time.value });
}

export function feeText(amount: number, t: Translate): string {
  return amount === 0 ? t('common.free') : formatMnt(amount);
}

/** Page links for GOV.UK pagination: first, last, and two either side of the current page. */
export function paginationView(paging: ServiceList['paging'], href: (page: number) => string, t: Translate) {
  if (paging.pages <= 1) return undefined;
  const items: ({ number: number; href: string; current: boolean } | { ellipsis: true })[] = [];
  let last = 0;
  for (let n = 1; n <= paging.pages; n += 1) {
    if (n === 1 || n === paging.pages || Math.abs(n - paging.page) <= 2) {
      if (n - last > 1) items.push({ ellipsis: true });
      items.push({ number: n, href: href(n), current: n === paging.page });
      last = n;
    }
  }
  return {
    items,
    previous: paging.page > 1 ? { href: href(paging.page - 1), labelText: t('common.previous') } : undefined,
    next: paging.page < paging.pages ? { href: href(paging.page + 1), labelText: t('common.next') } : undefined,
    landmarkLabel: t('catalog.search.pagination'),
  };
}

/** One row of a list of services, ready for the template. */
export function serviceItem(service: Service, lang: 'mn' | 'en', t: Translate) {
  return {
    href: `/${lang}/services/${service.slug}`,
    name: service.name[lang],
    summary: service.summary[lang],
    agency: service.agency.name[lang],
    agencyAbbr: service.agency.abbreviation[lang],
    fee: feeText(service.fee.amount, t),
    time: processingText(service.processingTime, t),
    kind: t(`catalog.kind.${service.kind}`),
    status: service.status,
  };
}

interface SearchParams {
  q: string;
  sector: string;
  agency: string;
  audience: string;
  kind: string;
  lifeEvent: string;
  page: number;
}

const ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Reads the search form's query string, collecting what is wrong instead of failing on the first. */
function readSearch(request: FastifyRequest): { params: SearchParams; errors: FieldError[] } {
  const raw = request.query as Record<string, unknown>;
  const t = request.t;
  const errors: FieldError[] = [];
  const str = (name: string) => {
    const value = raw[name];
    return typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : '';
  };
  let q = str('q');
  if (q.length > MAX_QUERY) {
    errors.push({ field: 'q', message: t('catalog.search.tooLong', { max: MAX_QUERY }) });
    q = q.slice(0, MAX_QUERY);
  }
  const choice = (name: string, allowed: readonly string[] | RegExp) => {
    const value = str(name);
    if (!value) return '';
    const ok = Array.isArray(allowed) ? allowed.includes(value) : (allowed as RegExp).test(value) && value.length <= 80;
    if (!ok) {
      errors.push({ field: name, message: t('catalog.search.badFilter') });
      return '';
    }
    return value;
  };
  const pageText = str('page');
  let pageNumber = 1;
  if (pageText) {
    pageNumber = Number(pageText);
    if (!Number.isInteger(pageNumber) || pageNumber < 1 || pageNumber > 10000) {
      errors.push({ field: 'page', message: t('catalog.search.badPage') });
      pageNumber = 1;
    }
  }
  return {
    params: {
      q,
      sector: choice('sector', ID),
      agency: choice('agency', ID),
      audience: choice('audience', AUDIENCES),
      kind: choice('kind', KINDS),
      lifeEvent: choice('lifeEvent', ID),
      page: pageNumber,
    },
    errors,
  };
}

function searchHref(lang: string, params: SearchParams, pageNumber: number): string {
  const query = new URLSearchParams();
  for (const key of ['q', 'sector', 'agency', 'audience', 'kind', 'lifeEvent'] as const) if (params[key]) query.set(key, params[key]);
  if (pageNumber > 1) query.set('page', String(pageNumber));
  const text = query.toString();
  return `/${lang}/search${text ? `?${text}` : ''}`;
}

export async function catalogPages(app: FastifyInstance, catalog: Catalog, startOnline: { find: (slug: string) => Promise<string | undefined> }): Promise<void> {
  page(app, 'GET', '/', { cache: true }, async (request, reply) => {
    const lang = request.lang;
    const overview = await catalog.overview();
    return reply.page('modules/catalog/views/home.njk', {
      overview,
      mostUsed: overview.mostUsed.map((service) => serviceItem(service, lang, request.t)),
    }, { title: request.t('catalog.home.title') });
  });

  page(app, 'GET', '/search', { cache: true }, async (request, reply) => {
    const lang = request.lang;
    const t = request.t;
    const { params, errors } = readSearch(request);
    const [sectors, agencies, lifeEvents] = await Promise.all([catalog.listSectors(), catalog.listAgencies(lang), catalog.listLifeEvents()]);
    if (params.sector && !sectors.some((sector) => sector.id === params.sector)) errors.push({ field: 'sector', message: t('catalog.search.badFilter') });
    if (params.agency && !agencies.some((agency) => agency.id === params.agency)) errors.push({ field: 'agency', message: t('catalog.search.badFilter') });
    let results: ServiceList = { items: [], paging: { page: 1, pageSize: PAGE_SIZE, total: 0, pages: 1 } };
    const searching = Boolean(params.q.trim() || params.sector || params.agency || params.audience || params.kind || params.lifeEvent);
    if (errors.length === 0 && searching) {
      const query: ServiceListQuery = { lang, page: params.page, pageSize: PAGE_SIZE };
      if (params.q.trim()) query.q = params.q;
      if (params.sector) query.sector = params.sector;
      if (params.agency) query.agency = params.agency;
      if (params.lifeEvent) query.lifeEvent = params.lifeEvent;
      if (params.audience) query.audience = params.audience as NonNullable<ServiceListQuery['audience']>;
      if (params.kind) query.kind = params.kind as NonNullable<ServiceListQuery['kind']>;
      if (!params.q.trim()) query.sort = 'popular';
      results = await catalog.listServices(query);
    }
    const option = (value: string, text: string, selected: string) => ({ value, text, selected: value === selected });
    return reply.page('modules/catalog/views/search.njk', {
      params,
      searching,
      items: results.items.map((service) => serviceItem(service, lang, t)),
      paging: results.paging,
      pagination: paginationView(results.paging, (n) => searchHref(lang, params, n), t),
      sectorOptions: [option('', t('catalog.search.anySector'), params.sector), ...sectors.map((s) => option(s.id, s.name[lang], params.sector))],
      agencyOptions: [option('', t('catalog.search.anyAgency'), params.agency), ...agencies.filter((a) => a.serviceCount > 0).map((a) => option(a.id, `${a.name[lang]} (${a.abbreviation[lang]})`, params.agency))],
      audienceOptions: [option('', t('catalog.search.anyAudience'), params.audience), ...AUDIENCES.map((a) => option(a, t(`catalog.audience.${a}`), params.audience))],
      kindOptions: [option('', t('catalog.search.anyKind'), params.kind), ...KINDS.map((k) => option(k, t(`catalog.kind.${k}`), params.kind))],
      lifeEventOptions: [option('', t('catalog.search.anyLifeEvent'), params.lifeEvent), ...lifeEvents.filter((e) => e.serviceCount > 0).map((e) => option(e.id, e.name[lang], params.lifeEvent))],
    }, {
      status: errors.length > 0 ? 400 : 200,
      errors,
      title: params.q.trim() ? t('catalog.search.titleFor', { q: params.q.trim().slice(0, 60) }) : t('catalog.search.title'),
    });
  });

  page(app, 'GET', '/sectors', { cache: true }, async (request, reply) => {
    const [sectors, lifeEvents] = await Promise.all([catalog.listSectors(), catalog.listLifeEvents()]);
    return reply.page('modules/catalog/views/sectors.njk', { sectors, lifeEvents: lifeEvents.filter((e) => e.serviceCount > 0) }, { title: request.t('catalog.sectors.title') });
  });

  page(app, 'GET', '/sectors/:id', { cache: true }, async (request, reply) => {
    const lang = request.lang;
    const sector = await catalog.getSector((request.params as { id: string }).id);
    const pageNumber = pageFrom(request);
    const results = await catalog.listServices({ sector: sector.id, sort: 'popular', lang, page: pageNumber, pageSize: PAGE_SIZE });
    return reply.page('modules/catalog/views/sector.njk', {
      sector,
      items: results.items.map((service) => serviceItem(service, lang, request.t)),
      paging: results.paging,
      pagination: paginationView(results.paging, (n) => `/${lang}/sectors/${sector.id}${n > 1 ? `?page=${n}` : ''}`, request.t),
    }, { title: sector.name[lang] });
  });

  page(app, 'GET', '/agencies', { cache: true }, async (request, reply) => {
    const lang = request.lang;
    const agencies = await catalog.listAgencies(lang);
    // Ministries with the agencies under them, then everyone else that is not under a ministry.
    const ministries = agencies.filter((agency) => agency.kind === 'ministry').map((ministry) => ({
      ...ministry,
      children: agencies.filter((agency) => agency.parent?.id === ministry.id),
    }));
    const placed = new Set(ministries.flatMap((ministry) => [ministry.id, ...ministry.children.map((child) => child.id)]));
    const others = agencies.filter((agency) => !placed.has(agency.id));
    return reply.page('modules/catalog/views/agencies.njk', { ministries, others, count: agencies.length }, { title: request.t('catalog.agencies.title') });
  });

  page(app, 'GET', '/agencies/:id', { cache: true }, async (request, reply) => {
    const lang = request.lang;
    const agency = await catalog.getAgency((request.params as { id: string }).id);
    const pageNumber = pageFrom(request);
    const results = await catalog.listServices({ agency: agency.id, sort: 'popular', lang, page: pageNumber, pageSize: PAGE_SIZE });
    const all = await catalog.listAgencies(lang);
    return reply.page('modules/catalog/views/agency.njk', {
      agency,
      children: all.filter((candidate) => candidate.parent?.id === agency.id),
      items: results.items.map((service) => serviceItem(service, lang, request.t)),
      paging: results.paging,
      pagination: paginationView(results.paging, (n) => `/${lang}/agencies/${agency.id}${n > 1 ? `?page=${n}` : ''}`, request.t),
    }, { title: agency.name[lang] });
  });

  page(app, 'GET', '/services/:slug', { cache: true }, async (request, reply) => {
    const lang = request.lang;
    const t = request.t;
    const { slug } = request.params as { slug: string };
    const service = await catalog.getService(slug);
    if (isUuid(slug)) return reply.redirect(`/${lang}/services/${service.slug}`, 301);
    if (service.status !== 'retired') catalog.recordView(service.id);
    const agency = await catalog.getAgency(service.agency.id);
    return reply.page('modules/catalog/views/service.njk', {
      service,
      agency,
      fee: feeText(service.fee.amount, t),
      time: processingText(service.processingTime, t),
      audiences: service.audiences.map((audience) => t(`catalog.audience.${audience}`)).join(', '),
      channels: service.channels.map((channel) => ({ id: channel, name: t(`catalog.channel.${channel}`), how: t(`catalog.how.${channel}`) })),
      metaDescription: service.summary[lang],
      start: service.status === 'active' ? await startOnline.find(service.slug) : undefined,
    }, { title: service.name[lang], ...(service.status !== 'retired' ? { onCacheHit: () => catalog.recordView(service.id) } : {}) });
  });
}

function pageFrom(request: FastifyRequest): number {
  const raw = (request.query as Record<string, unknown>).page;
  if (raw === undefined || raw === '') return 1;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 10000) {
    throw new AppError('VALIDATION_FAILED', { detail: request.t('catalog.search.badPage') }, [{ field: 'page', message: request.t('catalog.search.badPage') }]);
  }
  return value;
}
