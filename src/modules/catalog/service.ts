// The catalogue's rules: who may change what, what a valid service is, how searches are read, and
// what the portal shows first. No HTTP and no SQL here.
import type { Principal } from '../../kernel/auth.ts';
import type { AppContext } from '../../kernel/context.ts';
import type { Queryable } from '../../kernel/db.ts';
import { AppError, type FieldError } from '../../kernel/errors.ts';
import type { Lang, Translate } from '../../kernel/i18n.ts';
import { isUuid } from '../../kernel/ids.ts';
import { isoDate } from '../../kernel/format.ts';
import { LruCache } from '../../kernel/lru.ts';
import { searchKey, slugify, sortKey } from '../../kernel/text.ts';
import {
  AUDIENCES, CHANNELS, KINDS, MAX_QUERY, STATUSES, TIME_UNITS,
  type Agency, type AgencyId, type LifeEvent, type Revision, type Sector, type SectorId, type Service, type ServiceId,
  type ServiceInput, type ServiceList, type ServiceListQuery, type ServiceStatus, type ValidServiceInput,
} from './schema.ts';
import * as store from './store.ts';

/** Actions an administrator may take on a service in each state (rule: state derives what is allowed). */
const ALLOWED_ACTIONS: Record<ServiceStatus, string[]> = {
  active: ['edit', 'retire'],
  planned: ['edit', 'retire'],
  retired: ['reinstate'],
};

export interface HomeOverview {
  sectors: Sector[];
  lifeEvents: LifeEvent[];
  mostUsed: Service[];
  totals: { services: number; agencies: number };
}

export interface Catalog {
  listServices(query: ServiceListQuery, options?: { statuses?: ServiceStatus[] }): Promise<ServiceList>;
  /** The service with this id or slug; throws SERVICE_NOT_FOUND. */
  getService(idOrSlug: string): Promise<Service>;
  findService(idOrSlug: string): Promise<Service | undefined>;
  listAgencies(lang: Lang): Promise<Agency[]>;
  getAgency(id: string): Promise<Agency>;
  listSectors(): Promise<Sector[]>;
  getSector(id: string): Promise<Sector>;
  listLifeEvents(): Promise<LifeEvent[]>;
  /** What the home page shows; cached for config.cacheTtlMs. */
  overview(): Promise<HomeOverview>;
  /** Counts a page view; written to the database in batches. */
  recordView(id: ServiceId): void;
  flushUsage(): Promise<void>;
  /** True when the principal may create or change services of this agency. */
  canManage(principal: Principal | null, agencyId: string): boolean;
  validateInput(raw: ServiceInput, t: Translate, principal: Principal | null, currentId?: ServiceId): Promise<{ input?: ValidServiceInput; errors: FieldError[] }>;
  createService(actor: Principal, input: ValidServiceInput, requestId?: string): Promise<Service>;
  updateService(actor: Principal, id: ServiceId, version: number, input: ValidServiceInput, requestId?: string): Promise<Service>;
  retireService(actor: Principal, id: ServiceId, version: number, reason: string, requestId?: string): Promise<Service>;
  reinstateService(actor: Principal, id: ServiceId, version: number, requestId?: string): Promise<Service>;
  history(id: ServiceId): Promise<Revision[]>;
  allowedActions(service: Service): string[];
  close(): Promise<void>;
}

/** The folded keys a service is sorted and searched by. */
export function serviceKeys(input: ValidServiceInput, agency: Pick<Agency, 'abbreviation' | 'name'>, sectorName: { mn: string; en: string }): store.ServiceKeys {
  return {
    sortMn: sortKey(input.name.mn),
    sortEn: sortKey(input.name.en),
    nameKey: searchKey([input.name.mn, input.name.en, ...input.keywords.mn, ...input.keywords.en].join(' ')),
    bodyKey: searchKey(
      [input.summary.mn, input.summary.en, input.description.mn, input.description.en, agency.abbreviation.mn,
        agency.abbreviation.en, agency.name.mn, agency.name.en, sectorName.mn, sectorName.en, input.exchangeService ?? ''].join(' '),
    ),
  };
}

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const EXCHANGE_SERVICE = /^[A-Za-z0-9][A-Za-z0-9_./:-]{1,119}$/;

export function createCatalog(ctx: AppContext): Catalog {
  const { db } = ctx;
  let overviewCache: { at: number; value: HomeOverview } | undefined;
  // Search results are the same for everyone; people repeat the same few searches.
  const searchCache = new LruCache<{ items: Service[]; total: number }>(1000, ctx.config.cacheTtlMs);
  const counts = () => store.countServices(db);

  const pendingViews = new Map<string, number>();
  let lastFullRefresh = '';

  const invalidate = () => {
    overviewCache = undefined;
    searchCache.clear();
    ctx.pageCache.clear();
  };

  async function findService(idOrSlug: string): Promise<Service | undefined> {
    if (isUuid(idOrSlug)) return store.findServiceById(db, idOrSlug.toLowerCase());
    if (!SLUG.test(idOrSlug) || idOrSlug.length > 80) return undefined;
    return store.findServiceBySlug(db, idOrSlug);
  }

  async function getService(idOrSlug: string): Promise<Service> {
    const service = await findService(idOrSlug);
    if (!service) throw new AppError('SERVICE_NOT_FOUND', { id: idOrSlug.slice(0, 80) });
    return service;
  }

  async function getAgency(id: string): Promise<Agency> {
    const agency = SLUG.test(id) ? await store.findAgency(db, id, await counts()) : undefined;
    if (!agency) throw new AppError('AGENCY_NOT_FOUND', { id: id.slice(0, 80) });
    return agency;
  }

  async function getSector(id: string): Promise<Sector> {
    const sector = SLUG.test(id) ? await store.findSector(db, id, await counts()) : undefined;
    if (!sector) throw new AppError('SECTOR_NOT_FOUND', { id: id.slice(0, 80) });
    return sector;
  }

  function canManage(principal: Principal | null, agencyId: string): boolean {
    if (!principal) return false;
    if (principal.roles.includes('platform-admin')) return true;
    return principal.roles.includes('agency-admin') && principal.agencyId === agencyId;
  }

  function assertAllowed(service: Service, action: string): void {
    const allowed = ALLOWED_ACTIONS[service.status];
    if (!allowed.includes(action)) {
      throw new AppError('ACTION_NOT_ALLOWED', { action, state: service.status, allowed: allowed.join(', ') });
    }
  }

  async function writeRevision(tx: Queryable, actor: Principal, id: ServiceId, action: string, reason: string | null, requestId?: string): Promise<Service> {
    const after = await store.findServiceById(tx, id);
    if (!after) throw new AppError('SERVICE_NOT_FOUND', { id });
    await store.refreshCounts(tx);
    await store.insertRevision(tx, { serviceId: id, version: after.version, action, reason, actorId: actor.id, actorName: actor.name, snapshot: after });
    await ctx.audit.record(tx, actor, { action: `catalog.service.${action}`, subjectType: 'service', subjectId: id, details: { version: after.version, slug: after.slug, ...(reason ? { reason } : {}) } }, requestId);
    return after;
  }

  async function keysFor(tx: Queryable, input: ValidServiceInput): Promise<store.ServiceKeys> {
    const agency = await store.findAgency(tx, input.agencyId);
    const sector = await store.findSector(tx, input.sectorId);
    if (!agency || !sector) throw new AppError('VALIDATION_FAILED', { detail: 'agency or sector' });
    return serviceKeys(input, agency, sector.name);
  }

  async function loadForChange(tx: Queryable, actor: Principal, id: ServiceId, action: string): Promise<Service> {
    const current = await store.findServiceById(tx, id);
    if (!current) throw new AppError('SERVICE_NOT_FOUND', { id });
    if (!canManage(actor, current.agency.id)) throw new AppError('FORBIDDEN_OTHER_AGENCY');
    assertAllowed(current, action);
    return current;
  }

  /** Retires or reinstates a service: an action allowed in its state, at the version read. */
  async function changeStatus(actor: Principal, id: ServiceId, version: number, action: 'retire' | 'reinstate', status: ServiceStatus, reason: string | null, requestId?: string): Promise<Service> {
    const service = await db.transaction(async (tx) => {
      await loadForChange(tx, actor, id, action);
      if (!(await store.setServiceStatus(tx, id, version, status))) throw new AppError('STALE_EDIT');
      return writeRevision(tx, actor, id, action, reason, requestId);
    });
    invalidate();
    return service;
  }

  async function flushUsage(): Promise<void> {
    const day = isoDate(new Date());
    if (pendingViews.size > 0) {
      const batch = new Map(pendingViews);
      pendingViews.clear();
      try {
        await store.addUsage(db, batch, day);
      } catch (error) {
        // Put the counts back so a passing database hiccup loses nothing.
        for (const [id, n] of batch) pendingViews.set(id, (pendingViews.get(id) ?? 0) + n);
        ctx.log.warn({ err: error }, 'could not store service usage; will retry');
        return;
      }
    }
    if (lastFullRefresh !== day) {
      await store.refreshAllUsage(db, day);
      lastFullRefresh = day;
    }
  }

  const flushTimer = setInterval(() => {
    flushUsage().catch((error: unknown) => ctx.log.warn({ err: error }, 'usage flush failed'));
  }, 10_000);
  flushTimer.unref();

  return {
    async listServices(query, options = {}) {
      const page = query.page ?? 1;
      const pageSize = query.pageSize ?? 20;
      const q = query.q?.trim();
      if (q !== undefined && q.length > MAX_QUERY) throw new AppError('QUERY_TOO_LONG', { max: MAX_QUERY });
      const key = q ? searchKey(q) : undefined;
      const statuses = query.status ? [query.status] : options.statuses ?? ['active', 'planned'];
      const filter: store.ServiceFilter = {
        ...(key !== undefined ? { key } : {}),
        ...(query.sector ? { sector: query.sector } : {}),
        ...(query.agency ? { agency: query.agency } : {}),
        ...(query.lifeEvent ? { lifeEvent: query.lifeEvent } : {}),
        ...(query.audience ? { audience: query.audience } : {}),
        ...(query.kind ? { kind: query.kind } : {}),
        statuses,
        sort: query.sort ?? (key !== undefined ? 'relevance' : 'name'),
        lang: query.lang ?? 'mn',
        limit: pageSize,
        offset: (page - 1) * pageSize,
      };
      const cacheKey = JSON.stringify(filter);
      let found = searchCache.get(cacheKey);
      if (!found) {
        found = await store.searchServices(db, filter);
        searchCache.set(cacheKey, found);
      }
      const { items, total } = found;
      return { items, paging: { page, pageSize, total, pages: Math.max(1, Math.ceil(total / pageSize)) } };
    },
    getService,
    findService,
    listAgencies: async (lang) => store.listAgencies(db, lang, await counts()),
    getAgency,
    listSectors: async () => store.listSectors(db, await counts()),
    getSector,
    listLifeEvents: async () => store.listLifeEvents(db, await counts()),

    async overview() {
      if (overviewCache && Date.now() - overviewCache.at < ctx.config.cacheTtlMs) return overviewCache.value;
      const tally = await counts();
      const [sectors, lifeEvents, popular] = await Promise.all([
        store.listSectors(db, tally),
        store.listLifeEvents(db, tally),
        store.searchServices(db, { statuses: ['active'], sort: 'popular', lang: 'mn', limit: 8, offset: 0, withTotal: false }),
      ]);
      const value: HomeOverview = {
        sectors,
        lifeEvents: lifeEvents.filter((event) => event.serviceCount > 0),
        mostUsed: popular.items,
        totals: { services: tally.services, agencies: tally.agencies.size },
      };
      overviewCache = { at: Date.now(), value };
      return value;
    },

    recordView(id) {
      pendingViews.set(id, (pendingViews.get(id) ?? 0) + 1);
    },
    flushUsage,
    canManage,

    async validateInput(raw, t, principal, currentId) {
      const errors: FieldError[] = [];
      const fail = (field: string, key: string, params: Record<string, string | number> = {}) => {
        errors.push({ field, message: t(`catalog.form.errors.${key}`, params) });
      };
      const text = (field: string, value: string | undefined, max: number, min = 1) => {
        const trimmed = (value ?? '').trim();
        if (trimmed.length < min) fail(field, trimmed.length === 0 ? `${field}.required` : 'tooShort', { min });
        else if (trimmed.length > max) fail(field, 'tooLong', { max });
        return trimmed;
      };
      const name = { mn: text('name.mn', raw.name?.mn, 200, 3), en: text('name.en', raw.name?.en, 200, 3) };
      const summary = { mn: text('summary.mn', raw.summary?.mn, 300), en: text('summary.en', raw.summary?.en, 300) };
      const description = { mn: text('description.mn', raw.description?.mn, 4000), en: text('description.en', raw.description?.en, 4000) };
      if (name.mn && !/[А-ЯЁӨҮа-яёөү]/.test(name.mn)) fail('name.mn', 'notCyrillic');

      let slug = (raw.slug ?? '').trim().toLowerCase();
      if (!slug && name.en) slug = slugify(name.en);
      if (!SLUG.test(slug) || slug.length > 80) fail('slug', 'slug');
      else if (await store.slugTaken(db, slug, currentId)) fail('slug', 'slugTaken', { slug });

      const agency = SLUG.test(raw.agencyId ?? '') ? await store.findAgency(db, raw.agencyId) : undefined;
      if (!agency) fail('agencyId', 'agencyId.required');
      else if (!canManage(principal, agency.id)) fail('agencyId', 'agencyNotYours');
      const sector = SLUG.test(raw.sectorId ?? '') ? await store.findSector(db, raw.sectorId) : undefined;
      if (!sector) fail('sectorId', 'sectorId.required');

      const knownEvents = new Set((await store.listLifeEvents(db, await counts())).map((event) => event.id));
      const lifeEvents = [...new Set(raw.lifeEvents ?? [])];
      if (lifeEvents.some((event) => !knownEvents.has(event))) fail('lifeEvents', 'lifeEvents');

      const audiences = [...new Set(raw.audiences ?? [])];
      if (audiences.length === 0 || audiences.some((a) => !(AUDIENCES as readonly string[]).includes(a))) fail('audiences', 'audiences.required');
      if (!(KINDS as readonly string[]).includes(raw.kind)) fail('kind', 'kind.required');
      const channels = [...new Set(raw.channels ?? [])];
      if (channels.length === 0 || channels.some((c) => !(CHANNELS as readonly string[]).includes(c))) fail('channels', 'channels.required');

      if (!Number.isInteger(raw.feeMnt) || raw.feeMnt < 0 || raw.feeMnt > 100_000_000) fail('feeMnt', 'feeMnt');
      const unit = raw.processingTime?.unit;
      const value = raw.processingTime?.value;
      if (!(TIME_UNITS as readonly string[]).includes(unit ?? '')) fail('processingTime.unit', 'processingUnit');
      if (!Number.isInteger(value) || value < 0 || value > 1000) fail('processingTime.value', 'processingValue');
      else if (unit === 'instant' && value !== 0) fail('processingTime.value', 'processingInstant');
      else if (unit !== 'instant' && value === 0) fail('processingTime.value', 'processingZero');

      const lines = (list: string[] | undefined) => (list ?? []).map((line) => line.trim()).filter((line) => line.length > 0);
      const requirements = { mn: lines(raw.requirements?.mn), en: lines(raw.requirements?.en) };
      if (requirements.mn.length !== requirements.en.length) {
        fail('requirements.en', 'requirementsMismatch', { mn: requirements.mn.length, en: requirements.en.length });
      }
      const keywords = { mn: lines(raw.keywords?.mn), en: lines(raw.keywords?.en) };

      let legalBasis: ValidServiceInput['legalBasis'] = null;
      const basisMn = raw.legalBasis?.mn?.trim() ?? '';
      const basisEn = raw.legalBasis?.en?.trim() ?? '';
      if (basisMn || basisEn) {
        if (!basisMn) fail('legalBasis.mn', 'legalBasisBoth');
        else if (!basisEn) fail('legalBasis.en', 'legalBasisBoth');
        else if (basisMn.length > 500 || basisEn.length > 500) fail(basisMn.length > 500 ? 'legalBasis.mn' : 'legalBasis.en', 'tooLong', { max: 500 });
        else legalBasis = { mn: basisMn, en: basisEn };
      }

      // Retiring is its own action with a reason; a form can only choose active or planned.
      if (raw.status !== 'active' && raw.status !== 'planned') fail('status', 'status');
      const exchangeService = raw.exchangeService?.trim() || null;
      if (exchangeService && !EXCHANGE_SERVICE.test(exchangeService)) fail('exchangeService', 'exchangeService');

      if (errors.length > 0 || !agency || !sector) return { errors };
      return {
        errors,
        input: {
          slug, name, summary, description,
          agencyId: agency.id as AgencyId,
          sectorId: sector.id as SectorId,
          lifeEvents,
          audiences: audiences as ValidServiceInput['audiences'],
          kind: raw.kind as ValidServiceInput['kind'],
          feeMnt: raw.feeMnt,
          processingTime: { value, unit: unit as ValidServiceInput['processingTime']['unit'] },
          channels: channels as ValidServiceInput['channels'],
          requirements, legalBasis,
          status: raw.status as ServiceStatus,
          exchangeService, keywords,
        },
      };
    },

    async createService(actor, input, requestId) {
      if (!canManage(actor, input.agencyId)) throw new AppError('FORBIDDEN_OTHER_AGENCY');
      const service = await db.transaction(async (tx) => {
        if (await store.slugTaken(tx, input.slug)) throw new AppError('SLUG_TAKEN', { slug: input.slug });
        const id = await store.insertService(tx, input, await keysFor(tx, input));
        return writeRevision(tx, actor, id, 'create', null, requestId);
      });
      invalidate();
      return service;
    },

    async updateService(actor, id, version, input, requestId) {
      const service = await db.transaction(async (tx) => {
        await loadForChange(tx, actor, id, 'edit');
        if (!canManage(actor, input.agencyId)) throw new AppError('FORBIDDEN_OTHER_AGENCY');
        if (await store.slugTaken(tx, input.slug, id)) throw new AppError('SLUG_TAKEN', { slug: input.slug });
        if (!(await store.updateService(tx, id, version, input, await keysFor(tx, input)))) throw new AppError('STALE_EDIT');
        return writeRevision(tx, actor, id, 'edit', null, requestId);
      });
      invalidate();
      return service;
    },

    retireService: (actor, id, version, reason, requestId) => changeStatus(actor, id, version, 'retire', 'retired', reason, requestId),
    reinstateService: (actor, id, version, requestId) => changeStatus(actor, id, version, 'reinstate', 'active', null, requestId),

    async history(id) {
      const revisions = await store.listRevisions(db, id);
      return revisions.map((revision) => ({
        version: revision.version,
        action: revision.action,
        reason: revision.reason,
        actor: revision.actorId ? { id: revision.actorId, name: revision.actorName } : null,
        at: new Date(revision.at).toISOString(),
      }));
    },

    allowedActions: (service) => ALLOWED_ACTIONS[service.status],

    async close() {
      clearInterval(flushTimer);
      await flushUsage().catch(() => {});
    },
  };
}

export { STATUSES };
