// SQL for the catalogue's own tables. Nothing outside this module touches these tables.
import type { Queryable } from '../../kernel/db.ts';
import { searchWords } from '../../kernel/text.ts';
import type {
  Agency, AgencyId, Audience, Bilingual, Channel, LifeEvent, ProcessingTime, Sector, SectorId, Service, ServiceId,
  ServiceKind, ServiceStatus, TimeUnit, ValidServiceInput,
} from './schema.ts';

interface ServiceRow {
  id: string; slug: string; name_mn: string; name_en: string; summary_mn: string; summary_en: string;
  description_mn: string; description_en: string; agency_id: string; agency_abbr_mn: string; agency_abbr_en: string;
  agency_name_mn: string; agency_name_en: string; sector_id: string; sector_name_mn: string; sector_name_en: string;
  life_events: string[]; audiences: string[]; kind: string; fee_mnt: number; processing_value: number;
  processing_unit: string; channels: string[]; requirements_mn: string[]; requirements_en: string[];
  legal_basis_mn: string | null; legal_basis_en: string | null; status: string; exchange_service: string | null;
  keywords_mn: string[]; keywords_en: string[]; synthetic: boolean; version: number; views_30d: number;
  created_at: Date; updated_at: Date; total_count?: number;
}

const SERVICE_COLUMNS_SELECTED = `s.id, s.slug, s.name_mn, s.name_en, s.summary_mn, s.summary_en, s.description_mn, s.description_en,
         s.agency_id, a.abbr_mn AS agency_abbr_mn, a.abbr_en AS agency_abbr_en, a.name_mn AS agency_name_mn,
         a.name_en AS agency_name_en, s.sector_id, c.name_mn AS sector_name_mn, c.name_en AS sector_name_en,
         s.life_events, s.audiences, s.kind, s.fee_mnt, s.processing_value, s.processing_unit, s.channels,
         s.requirements_mn, s.requirements_en, s.legal_basis_mn, s.legal_basis_en, s.status, s.exchange_service,
         s.keywords_mn, s.keywords_en, s.synthetic, s.version, s.views_30d, s.created_at, s.updated_at`;
const SERVICE_SELECT = `SELECT ${SERVICE_COLUMNS_SELECTED}`;
const SERVICE_FROM = `
  FROM catalog.services s
  JOIN catalog.agencies a ON a.id = s.agency_id
  JOIN catalog.sectors c ON c.id = s.sector_id`;

function toService(row: ServiceRow): Service {
  const legalBasis = row.legal_basis_mn !== null && row.legal_basis_en !== null ? { mn: row.legal_basis_mn, en: row.legal_basis_en } : null;
  return {
    id: row.id as ServiceId,
    slug: row.slug,
    name: { mn: row.name_mn, en: row.name_en },
    summary: { mn: row.summary_mn, en: row.summary_en },
    description: { mn: row.description_mn, en: row.description_en },
    agency: {
      id: row.agency_id as AgencyId,
      abbreviation: { mn: row.agency_abbr_mn, en: row.agency_abbr_en },
      name: { mn: row.agency_name_mn, en: row.agency_name_en },
    },
    sector: { id: row.sector_id as SectorId, name: { mn: row.sector_name_mn, en: row.sector_name_en } },
    lifeEvents: row.life_events,
    audiences: row.audiences as Audience[],
    kind: row.kind as ServiceKind,
    fee: { amount: row.fee_mnt, currency: 'MNT' },
    processingTime: { value: row.processing_value, unit: row.processing_unit as TimeUnit },
    channels: row.channels as Channel[],
    requirements: { mn: row.requirements_mn, en: row.requirements_en },
    legalBasis,
    status: row.status as ServiceStatus,
    exchangeService: row.exchange_service,
    keywords: { mn: row.keywords_mn, en: row.keywords_en },
    synthetic: row.synthetic,
    version: row.version,
    views30d: row.views_30d,
    links: { mn: `/mn/services/${row.slug}`, en: `/en/services/${row.slug}` },
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export async function findServiceById(db: Queryable, id: string): Promise<Service | undefined> {
  const { rows } = await db.query<ServiceRow>(`${SERVICE_SELECT} ${SERVICE_FROM} WHERE s.id = $1`, [id]);
  return rows[0] ? toService(rows[0]) : undefined;
}

export async function findServiceBySlug(db: Queryable, slug: string): Promise<Service | undefined> {
  const { rows } = await db.query<ServiceRow>(`${SERVICE_SELECT} ${SERVICE_FROM} WHERE s.slug = $1`, [slug]);
  return rows[0] ? toService(rows[0]) : undefined;
}

export interface ServiceFilter {
  /** Folded search key of the query (kernel/text.ts), or undefined for no text search. */
  key?: string;
  sector?: string;
  agency?: string;
  lifeEvent?: string;
  audience?: string;
  kind?: string;
  statuses: ServiceStatus[];
  sort: 'relevance' | 'name' | 'popular';
  lang: 'mn' | 'en';
  limit: number;
  offset: number;
  /** Count all matches (for paging); off for a short list such as "most used", which then reads only its rows. */
  withTotal?: boolean;
}

/**
 * The two full-text queries for the words typed, built in SQL so that a search is one round trip.
 * `exact` wants every word as typed or as the start of a word ("lavl" finds "lavlagaa"). `loose`
 * also accepts, for a word that is not a word of the catalogue, its near spellings from the
 * vocabulary: at most one edit away for short words and two for longer ones (Levenshtein), the
 * closest first, ties broken by trigram similarity. Candidates share the first letter, which keeps
 * the lookup to a few hundred words through a btree; the price is that a typo in the very first
 * letter is not corrected.
 */
function termsCte(wordsParam: string): string {
  return `
    WITH typed AS (
      SELECT t.w, t.n FROM unnest(${wordsParam}::text[]) WITH ORDINALITY AS t(w, n)
    ), near AS (
      SELECT t.w, v.word
        FROM typed t
        CROSS JOIN LATERAL (
          SELECT word FROM catalog.search_words
           WHERE word COLLATE "C" >= left(t.w, 1) AND word COLLATE "C" < chr(ascii(t.w) + 1)
             AND length(word) BETWEEN length(t.w) - 2 AND length(t.w) + 2
             AND word <> t.w
             AND levenshtein_less_equal(word, t.w, 2) <= CASE WHEN length(t.w) <= 4 THEN 1 ELSE 2 END
           ORDER BY levenshtein_less_equal(word, t.w, 2), similarity(word, t.w) DESC, word
           LIMIT 5) v
       WHERE length(t.w) >= 3
         AND NOT EXISTS (SELECT 1 FROM catalog.search_words known WHERE known.word = t.w)
    ), terms AS (
      SELECT to_tsquery('simple', string_agg(t.w || ':*', ' & ' ORDER BY t.n)) AS exact,
             to_tsquery('simple', string_agg(
               '(' || t.w || ':*' || coalesce((SELECT string_agg(' | ' || n.word, '') FROM near n WHERE n.w = t.w), '') || ')',
               ' & ' ORDER BY t.n)) AS loose
        FROM typed t
    )`;
}

/**
 * Finds services: every query word must match (see termsCte). Exact matches in the name rank
 * first, then near matches in the name, then matches in the text; recent use breaks ties.
 * Ranking runs on the narrow columns of all matches; only the page asked for is joined and read.
 */
export async function searchServices(db: Queryable, filter: ServiceFilter): Promise<{ items: Service[]; total: number }> {
  // One status is written as equality, which lets the planner walk an index in order.
  const where: string[] = [filter.statuses.length === 1 ? 's.status = $1::text' : 's.status = ANY($1::text[])'];
  const params: unknown[] = [filter.statuses.length === 1 ? filter.statuses[0] : filter.statuses];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.sector) add('s.sector_id = ?', filter.sector);
  if (filter.agency) add('s.agency_id = ?', filter.agency);
  if (filter.lifeEvent) add('s.life_events @> ARRAY[?]::text[]', filter.lifeEvent);
  if (filter.audience) add('? = ANY(s.audiences)', filter.audience);
  if (filter.kind) add('s.kind = ?', filter.kind);

  const sortColumn = filter.lang === 'en' ? 's.sort_en' : 's.sort_mn';
  let score = '0::real';
  let cte = '';
  let from = 'catalog.services s';
  // Each ordering term as written inside the ranking query and over its page of results.
  const order: { inner: string; outer: string }[] = [];
  if (filter.sort === 'popular') order.push({ inner: 's.views_30d DESC', outer: 'page.views DESC' });

  if (filter.key !== undefined) {
    // Words hold only [a-z0-9] (searchKey guarantees it), so they are safe inside a tsquery.
    const words = searchWords(filter.key).filter((word) => word.length >= 2);
    if (words.length === 0) return { items: [], total: 0 };
    params.push(words);
    cte = termsCte(`$${params.length}`);
    from = 'catalog.services s, terms';
    where.push('s.search_tsv @@ terms.loose');
    score = '((s.name_tsv @@ terms.exact)::int * 4 + (s.name_tsv @@ terms.loose)::int * 2 + (s.search_tsv @@ terms.exact)::int + ln(1 + s.views_30d) * 0.05)::real';
    if (filter.sort === 'relevance') order.unshift({ inner: 'score DESC', outer: 'page.score DESC' });
  }
  order.push({ inner: `${sortColumn} COLLATE "C"`, outer: 'page.sort COLLATE "C"' }, { inner: 's.id', outer: 'page.id' });

  params.push(filter.limit, filter.offset);
  const sql = `${cte}
    SELECT ${SERVICE_COLUMNS_SELECTED}, page.total_count
      FROM (
        SELECT s.id, ${score} AS score, s.views_30d AS views, ${sortColumn} AS sort,
               ${filter.withTotal === false ? '0' : 'count(*) OVER ()'} AS total_count
          FROM ${from}
         WHERE ${where.join(' AND ')}
         ORDER BY ${order.map((term) => term.inner).join(', ')}
         LIMIT $${params.length - 1} OFFSET $${params.length}
      ) page
      JOIN catalog.services s ON s.id = page.id
      JOIN catalog.agencies a ON a.id = s.agency_id
      JOIN catalog.sectors c ON c.id = s.sector_id
     ORDER BY ${order.map((term) => term.outer).join(', ')}`;
  const { rows } = await db.query<ServiceRow>(sql, params);
  let total = rows[0]?.total_count ?? 0;
  if (rows.length === 0 && filter.offset > 0) {
    // Past the last page: still report how many there are.
    const count = await db.query<{ n: number }>(`${cte} SELECT count(*)::int AS n FROM ${from} WHERE ${where.join(' AND ')}`, params.slice(0, -2));
    total = count.rows[0]?.n ?? 0;
  }
  return { items: rows.map(toService), total: Number(total) };
}

/** Adds the words of a service's search keys to the vocabulary used for near spellings. */
export async function addSearchWords(db: Queryable, keys: string[]): Promise<void> {
  const words = [...new Set(keys.join(' ').split(' ').filter((word) => word.length >= 3))];
  if (words.length === 0) return;
  await db.query('INSERT INTO catalog.search_words (word) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING', [words]);
}

// ---- Agencies, sectors and life events.

/** How many services (not retired) each agency, sector and life event has. */
export interface CatalogCounts {
  services: number;
  agencies: Map<string, number>;
  sectors: Map<string, number>;
  lifeEvents: Map<string, number>;
}

/** Reads the counts kept in catalog.service_counts. */
export async function countServices(db: Queryable): Promise<CatalogCounts> {
  const { rows } = await db.query<{ kind: string; id: string; n: number }>('SELECT kind, id, n FROM catalog.service_counts');
  const counts: CatalogCounts = { services: 0, agencies: new Map(), sectors: new Map(), lifeEvents: new Map() };
  for (const row of rows) {
    const n = Number(row.n);
    if (row.kind === 'all') counts.services = n;
    else if (row.kind === 'agency') counts.agencies.set(row.id, n);
    else if (row.kind === 'sector') counts.sectors.set(row.id, n);
    else if (row.kind === 'event') counts.lifeEvents.set(row.id, n);
  }
  return counts;
}

/**
 * Recounts live services into catalog.service_counts; call it in the transaction that changed
 * services. The advisory lock makes concurrent writers take turns, so each recount sees the
 * other's committed rows and none trips over the other's inserts.
 */
export async function refreshCounts(tx: Queryable): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('catalog.service_counts'))`);
  await tx.query('DELETE FROM catalog.service_counts');
  await tx.query(
    `INSERT INTO catalog.service_counts (kind, id, n)
     SELECT CASE WHEN GROUPING(agency_id) = 0 THEN 'agency' WHEN GROUPING(sector_id) = 0 THEN 'sector' ELSE 'all' END,
            coalesce(agency_id, sector_id, ''), count(*)::int
       FROM catalog.services WHERE status <> 'retired'
      GROUP BY GROUPING SETS ((), (agency_id), (sector_id))
     UNION ALL
     SELECT 'event', e, count(*)::int
       FROM catalog.services, unnest(life_events) AS e
      WHERE status <> 'retired' AND life_events <> '{}'
      GROUP BY e`,
  );
}

interface AgencyRow {
  id: string; kind: string; abbr_mn: string; abbr_en: string; name_mn: string; name_en: string;
  parent_id: string | null; parent_abbr_mn: string | null; parent_abbr_en: string | null;
  parent_name_mn: string | null; parent_name_en: string | null; description_mn: string; description_en: string;
  website: string | null; phone: string | null; email: string | null; address_mn: string | null; address_en: string | null;
}

function toAgency(row: AgencyRow, counts: CatalogCounts): Agency {
  return {
    id: row.id,
    kind: row.kind as Agency['kind'],
    abbreviation: { mn: row.abbr_mn, en: row.abbr_en },
    name: { mn: row.name_mn, en: row.name_en },
    description: { mn: row.description_mn, en: row.description_en },
    parent: row.parent_id
      ? {
          id: row.parent_id,
          abbreviation: { mn: row.parent_abbr_mn ?? '', en: row.parent_abbr_en ?? '' },
          name: { mn: row.parent_name_mn ?? '', en: row.parent_name_en ?? '' },
        }
      : null,
    contact: {
      website: row.website,
      phone: row.phone,
      email: row.email,
      address: row.address_mn !== null && row.address_en !== null ? { mn: row.address_mn, en: row.address_en } : null,
    },
    serviceCount: counts.agencies.get(row.id) ?? 0,
  };
}

const AGENCY_SELECT = `
  SELECT a.id, a.kind, a.abbr_mn, a.abbr_en, a.name_mn, a.name_en, a.parent_id,
         p.abbr_mn AS parent_abbr_mn, p.abbr_en AS parent_abbr_en, p.name_mn AS parent_name_mn, p.name_en AS parent_name_en,
         a.description_mn, a.description_en, a.website, a.phone, a.email, a.address_mn, a.address_en
    FROM catalog.agencies a LEFT JOIN catalog.agencies p ON p.id = a.parent_id`;

export async function listAgencies(db: Queryable, lang: 'mn' | 'en', counts: CatalogCounts): Promise<Agency[]> {
  const { rows } = await db.query<AgencyRow>(`${AGENCY_SELECT} ORDER BY a.${lang === 'en' ? 'sort_en' : 'sort_mn'} COLLATE "C"`);
  return rows.map((row) => toAgency(row, counts));
}

export async function findAgency(db: Queryable, id: string, counts?: CatalogCounts): Promise<Agency | undefined> {
  const { rows } = await db.query<AgencyRow>(`${AGENCY_SELECT} WHERE a.id = $1`, [id]);
  return rows[0] ? toAgency(rows[0], counts ?? EMPTY_COUNTS) : undefined;
}

const EMPTY_COUNTS: CatalogCounts = { services: 0, agencies: new Map(), sectors: new Map(), lifeEvents: new Map() };

interface SectorRow { id: string; name_mn: string; name_en: string; description_mn: string; description_en: string }

function toSector(row: SectorRow, counts: CatalogCounts): Sector {
  return {
    id: row.id,
    name: { mn: row.name_mn, en: row.name_en },
    description: { mn: row.description_mn, en: row.description_en },
    serviceCount: counts.sectors.get(row.id) ?? 0,
  };
}

const SECTOR_SELECT = `SELECT c.id, c.name_mn, c.name_en, c.description_mn, c.description_en FROM catalog.sectors c`;

export async function listSectors(db: Queryable, counts: CatalogCounts): Promise<Sector[]> {
  const { rows } = await db.query<SectorRow>(`${SECTOR_SELECT} ORDER BY c.position`);
  return rows.map((row) => toSector(row, counts));
}

export async function findSector(db: Queryable, id: string, counts?: CatalogCounts): Promise<Sector | undefined> {
  const { rows } = await db.query<SectorRow>(`${SECTOR_SELECT} WHERE c.id = $1`, [id]);
  return rows[0] ? toSector(rows[0], counts ?? EMPTY_COUNTS) : undefined;
}

export async function listLifeEvents(db: Queryable, counts: CatalogCounts): Promise<LifeEvent[]> {
  const { rows } = await db.query<{ id: string; name_mn: string; name_en: string }>(
    'SELECT e.id, e.name_mn, e.name_en FROM catalog.life_events e ORDER BY e.position',
  );
  return rows.map((row) => ({ id: row.id, name: { mn: row.name_mn, en: row.name_en }, serviceCount: counts.lifeEvents.get(row.id) ?? 0 }));
}

// ---- Writing.

export interface AgencyRecord {
  id: string; kind: string; abbrMn: string; abbrEn: string; nameMn: string; nameEn: string; parentId: string | null;
  descriptionMn: string; descriptionEn: string; website: string | null; phone: string | null; email: string | null;
  addressMn: string | null; addressEn: string | null; sortMn: string; sortEn: string;
}

/** Inserts or refreshes an agency (seeding is idempotent). */
export async function upsertAgency(db: Queryable, agency: AgencyRecord): Promise<void> {
  await db.query(
    `INSERT INTO catalog.agencies (id, kind, abbr_mn, abbr_en, name_mn, name_en, parent_id, description_mn, description_en,
                                   website, phone, email, address_mn, address_en, sort_mn, sort_en)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
     ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, abbr_mn = EXCLUDED.abbr_mn, abbr_en = EXCLUDED.abbr_en,
       name_mn = EXCLUDED.name_mn, name_en = EXCLUDED.name_en, parent_id = EXCLUDED.parent_id,
       description_mn = EXCLUDED.description_mn, description_en = EXCLUDED.description_en, website = EXCLUDED.website,
       phone = EXCLUDED.phone, email = EXCLUDED.email, address_mn = EXCLUDED.address_mn, address_en = EXCLUDED.address_en,
       sort_mn = EXCLUDED.sort_mn, sort_en = EXCLUDED.sort_en, updated_at = now()`,
    [agency.id, agency.kind, agency.abbrMn, agency.abbrEn, agency.nameMn, agency.nameEn, agency.parentId,
      agency.descriptionMn, agency.descriptionEn, agency.website, agency.phone, agency.email, agency.addressMn,
      agency.addressEn, agency.sortMn, agency.sortEn],
  );
}

export async function upsertSector(db: Queryable, sector: { id: string; position: number; name: Bilingual; description: Bilingual }): Promise<void> {
  await db.query(
    `INSERT INTO catalog.sectors (id, position, name_mn, name_en, description_mn, description_en) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (id) DO UPDATE SET position = EXCLUDED.position, name_mn = EXCLUDED.name_mn, name_en = EXCLUDED.name_en,
       description_mn = EXCLUDED.description_mn, description_en = EXCLUDED.description_en`,
    [sector.id, sector.position, sector.name.mn, sector.name.en, sector.description.mn, sector.description.en],
  );
}

export async function upsertLifeEvent(db: Queryable, event: { id: string; position: number; name: Bilingual }): Promise<void> {
  await db.query(
    `INSERT INTO catalog.life_events (id, position, name_mn, name_en) VALUES ($1, $2, $3, $4)
     ON CONFLICT (id) DO UPDATE SET position = EXCLUDED.position, name_mn = EXCLUDED.name_mn, name_en = EXCLUDED.name_en`,
    [event.id, event.position, event.name.mn, event.name.en],
  );
}

export interface ServiceKeys {
  sortMn: string;
  sortEn: string;
  nameKey: string;
  bodyKey: string;
}

function serviceValues(input: ValidServiceInput, keys: ServiceKeys): unknown[] {
  return [
    input.slug, input.name.mn, input.name.en, input.summary.mn, input.summary.en, input.description.mn,
    input.description.en, input.agencyId, input.sectorId, input.lifeEvents, input.audiences, input.kind, input.feeMnt,
    input.processingTime.value, input.processingTime.unit, input.channels, input.requirements.mn, input.requirements.en,
    input.legalBasis?.mn ?? null, input.legalBasis?.en ?? null, input.status, input.exchangeService, input.keywords.mn,
    input.keywords.en, keys.sortMn, keys.sortEn, keys.nameKey, keys.bodyKey,
  ];
}

const SERVICE_COLUMNS = `slug, name_mn, name_en, summary_mn, summary_en, description_mn, description_en, agency_id, sector_id,
  life_events, audiences, kind, fee_mnt, processing_value, processing_unit, channels, requirements_mn, requirements_en,
  legal_basis_mn, legal_basis_en, status, exchange_service, keywords_mn, keywords_en, sort_mn, sort_en, name_key, body_key`;

export async function insertService(db: Queryable, input: ValidServiceInput, keys: ServiceKeys, synthetic = false): Promise<ServiceId> {
  const values = serviceValues(input, keys);
  const placeholders = values.map((_, index) => `$${index + 1}`).join(', ');
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO catalog.services (${SERVICE_COLUMNS}, synthetic) VALUES (${placeholders}, $${values.length + 1}) RETURNING id`,
    [...values, synthetic],
  );
  await addSearchWords(db, [keys.nameKey, keys.bodyKey]);
  return rows[0]!.id as ServiceId;
}

/** Replaces a service's fields if it is still at `version`; false when someone changed it first. */
export async function updateService(db: Queryable, id: ServiceId, version: number, input: ValidServiceInput, keys: ServiceKeys): Promise<boolean> {
  const values = serviceValues(input, keys);
  const sets = SERVICE_COLUMNS.split(',').map((column, index) => `${column.trim()} = $${index + 1}`).join(', ');
  const { rowCount } = await db.query(
    `UPDATE catalog.services SET ${sets}, version = version + 1, updated_at = now()
      WHERE id = $${values.length + 1} AND version = $${values.length + 2}`,
    [...values, id, version],
  );
  if (rowCount === 1) await addSearchWords(db, [keys.nameKey, keys.bodyKey]);
  return rowCount === 1;
}

export async function setServiceStatus(db: Queryable, id: ServiceId, version: number, status: ServiceStatus): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE catalog.services SET status = $1, version = version + 1, updated_at = now() WHERE id = $2 AND version = $3`,
    [status, id, version],
  );
  return rowCount === 1;
}

export async function slugTaken(db: Queryable, slug: string, exceptId?: string): Promise<boolean> {
  const { rows } = await db.query<{ taken: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM catalog.services WHERE slug = $1 AND id IS DISTINCT FROM $2::uuid) AS taken`,
    [slug, exceptId ?? null],
  );
  return rows[0]?.taken === true;
}

export async function insertRevision(
  db: Queryable,
  revision: { serviceId: ServiceId; version: number; action: string; reason: string | null; actorId: string | null; actorName: string | null; snapshot: Service },
): Promise<void> {
  await db.query(
    `INSERT INTO catalog.service_revisions (service_id, version, action, reason, actor_id, actor_name, snapshot)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [revision.serviceId, revision.version, revision.action, revision.reason, revision.actorId, revision.actorName, JSON.stringify(revision.snapshot)],
  );
}

export async function listRevisions(db: Queryable, serviceId: ServiceId): Promise<
  { version: number; action: string; reason: string | null; actorId: string | null; actorName: string | null; at: Date }[]
> {
  const { rows } = await db.query<{ version: number; action: string; reason: string | null; actor_id: string | null; actor_name: string | null; at: Date }>(
    `SELECT version, action, reason, actor_id, actor_name, at FROM catalog.service_revisions WHERE service_id = $1 ORDER BY version DESC`,
    [serviceId],
  );
  return rows.map((row) => ({ version: row.version, action: row.action, reason: row.reason, actorId: row.actor_id, actorName: row.actor_name, at: row.at }));
}

/** Counts of services by status, for one agency or for all. */
export async function statusCounts(db: Queryable, agencyId?: string): Promise<Record<ServiceStatus, number>> {
  const { rows } = await db.query<{ status: ServiceStatus; n: number }>(
    `SELECT status, count(*)::int AS n FROM catalog.services WHERE ($1::text IS NULL OR agency_id = $1) GROUP BY status`,
    [agencyId ?? null],
  );
  const counts: Record<ServiceStatus, number> = { active: 0, planned: 0, retired: 0 };
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}

// ---- Usage.

/** Adds page views counted in memory since the last flush, then refreshes the 30-day totals of those services. */
export async function addUsage(db: Queryable, views: Map<string, number>, day: string): Promise<void> {
  if (views.size === 0) return;
  const ids = [...views.keys()];
  const counts = ids.map((id) => views.get(id) ?? 0);
  await db.query(
    `INSERT INTO catalog.service_usage (service_id, day, views)
     SELECT id, $3::date, n FROM unnest($1::uuid[], $2::int[]) AS u(id, n)
     ON CONFLICT (service_id, day) DO UPDATE SET views = catalog.service_usage.views + EXCLUDED.views`,
    [ids, counts, day],
  );
  await db.query(
    `UPDATE catalog.services s SET views_30d = u.total
       FROM (SELECT service_id, sum(views)::int AS total FROM catalog.service_usage
              WHERE service_id = ANY($1::uuid[]) AND day > $2::date - 30 GROUP BY service_id) u
      WHERE s.id = u.service_id`,
    [ids, day],
  );
}

/** Recomputes every service's 30-day total, so services nobody viewed lately drop out of "most used". */
export async function refreshAllUsage(db: Queryable, day: string): Promise<void> {
  await db.query(
    `UPDATE catalog.services s SET views_30d = coalesce(u.total, 0)
       FROM catalog.services s2
       LEFT JOIN (SELECT service_id, sum(views)::int AS total FROM catalog.service_usage
                   WHERE day > $1::date - 30 GROUP BY service_id) u ON u.service_id = s2.id
      WHERE s.id = s2.id AND s.views_30d IS DISTINCT FROM coalesce(u.total, 0)`,
    [day],
  );
}

export type { ProcessingTime };
