// Loads the catalogue's seed data (real agencies and services of Mongolia) and, for scale tests,
// synthetic services. Seeding is idempotent: agencies and sectors are refreshed, services that
// already exist (by slug) are left as administrators may have changed them.
import type { Db } from '../../kernel/db.ts';
import { isoDate } from '../../kernel/format.ts';
import { sortKey } from '../../kernel/text.ts';
import type { AgencyId, SectorId, ValidServiceInput } from './schema.ts';
import { serviceKeys } from './service.ts';
import { seedAgencies } from './seed/agencies.ts';
import { seedLifeEvents, seedSectors } from './seed/sectors.ts';
import { seedServices } from './seed/services.ts';
import type { SeedService } from './seed/types.ts';
import * as store from './store.ts';
import { syntheticServices } from './synthetic.ts';

export interface SeedOptions {
  /** Synthetic services to add for scale tests (0 for none). */
  synthetic?: number;
  /** Demo page views for "most used", spread over the last 30 days from each service's demand. */
  demoUsage?: boolean;
  /** Called as work progresses, for progress bars. */
  onProgress?: (done: number, total: number) => void;
}

export interface SeedReport {
  agencies: number;
  sectors: number;
  servicesAdded: number;
  servicesKept: number;
  synthetic: number;
}

function toInput(seed: SeedService): ValidServiceInput {
  return {
    slug: seed.slug,
    name: { mn: seed.nameMn, en: seed.nameEn },
    summary: { mn: seed.summaryMn, en: seed.summaryEn },
    description: { mn: seed.descriptionMn, en: seed.descriptionEn },
    agencyId: seed.agencyId as AgencyId,
    sectorId: seed.sectorId as SectorId,
    lifeEvents: seed.lifeEvents,
    audiences: seed.audiences,
    kind: seed.kind,
    feeMnt: seed.feeMnt,
    processingTime: seed.processingTime,
    channels: seed.channels,
    requirements: { mn: seed.requirementsMn, en: seed.requirementsEn },
    legalBasis: seed.legalBasisMn && seed.legalBasisEn ? { mn: seed.legalBasisMn, en: seed.legalBasisEn } : null,
    status: seed.status,
    exchangeService: seed.xypCode,
    keywords: { mn: seed.keywordsMn, en: seed.keywordsEn },
  };
}

/** An agency's website as a link: the seed names domains ("burtgel.gov.mn"); pages need https://. */
export function websiteUrl(website: string | null): string | null {
  if (!website) return null;
  const url = /^https?:\/\//.test(website) ? website : `https://${website}`;
  try {
    return new URL(url).protocol === 'https:' || new URL(url).protocol === 'http:' ? url : null;
  } catch {
    return null;
  }
}

/** Seeds agencies, sectors, life events and services; returns what it did. */
export async function seedCatalog(db: Db, options: SeedOptions = {}): Promise<SeedReport> {
  const syntheticCount = options.synthetic ?? 0;
  const total = seedServices.length + syntheticCount;
  let done = 0;
  options.onProgress?.(0, total);

  await db.transaction(async (tx) => {
    // Parents first: an agency may only name a parent that exists.
    const ordered = [...seedAgencies].sort((a, b) => Number(a.parentId !== null) - Number(b.parentId !== null));
    for (const agency of ordered) {
      await store.upsertAgency(tx, { ...agency, website: websiteUrl(agency.website), sortMn: sortKey(agency.nameMn), sortEn: sortKey(agency.nameEn) });
    }
    for (const [position, sector] of seedSectors.entries()) {
      await store.upsertSector(tx, {
        id: sector.id,
        position,
        name: { mn: sector.nameMn, en: sector.nameEn },
        description: { mn: sector.descriptionMn, en: sector.descriptionEn },
      });
    }
    for (const [position, event] of seedLifeEvents.entries()) {
      await store.upsertLifeEvent(tx, { id: event.id, position, name: { mn: event.nameMn, en: event.nameEn } });
    }
  });

  const agencies = new Map(seedAgencies.map((agency) => [agency.id, { abbreviation: { mn: agency.abbrMn, en: agency.abbrEn }, name: { mn: agency.nameMn, en: agency.nameEn } }]));
  const sectors = new Map(seedSectors.map((sector) => [sector.id, { mn: sector.nameMn, en: sector.nameEn }]));
  const { rows: existing } = await db.query<{ slug: string }>('SELECT slug FROM catalog.services');
  const known = new Set(existing.map((row) => row.slug));

  let added = 0;
  let kept = 0;
  const demand = new Map<string, number>();
  const insertBatch = async (batch: { input: ValidServiceInput; synthetic: boolean; demand: number }[]) => {
    await db.transaction(async (tx) => {
      for (const item of batch) {
        const agency = agencies.get(item.input.agencyId);
        const sectorName = sectors.get(item.input.sectorId);
        if (!agency || !sectorName) throw new Error(`Seed service ${item.input.slug} names an unknown agency or sector`);
        const id = await store.insertService(tx, item.input, serviceKeys(item.input, agency, sectorName), item.synthetic);
        demand.set(id, item.demand);
        const snapshot = await store.findServiceById(tx, id);
        if (snapshot) {
          await store.insertRevision(tx, { serviceId: id, version: 1, action: 'import', reason: null, actorId: null, actorName: null, snapshot });
        }
      }
    });
  };

  let batch: { input: ValidServiceInput; synthetic: boolean; demand: number }[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await insertBatch(batch);
    done += batch.length;
    batch = [];
    options.onProgress?.(done, total);
  };
  for (const seed of seedServices) {
    if (known.has(seed.slug)) {
      kept += 1;
      done += 1;
      continue;
    }
    batch.push({ input: toInput(seed), synthetic: false, demand: seed.demand });
    added += 1;
    if (batch.length >= 50) await flush();
  }
  await flush();

  let synthetic = 0;
  if (syntheticCount > 0) {
    for (const seed of syntheticServices(syntheticCount, [...agencies.keys()], [...sectors.keys()])) {
      if (known.has(seed.slug)) {
        done += 1;
        continue;
      }
      batch.push({ input: toInput(seed), synthetic: true, demand: seed.demand });
      synthetic += 1;
      if (batch.length >= 500) await flush();
    }
    await flush();
  }

  await db.transaction((tx) => store.refreshCounts(tx));
  if (options.demoUsage && demand.size > 0) await seedDemoUsage(db, demand);
  options.onProgress?.(total, total);
  return { agencies: seedAgencies.length, sectors: seedSectors.length, servicesAdded: added, servicesKept: kept, synthetic };
}

/**
 * Demo page views so "most used" means something on a fresh demo: each service gets views over the
 * last 30 days in proportion to its demand (1..100). Deterministic, and clearly demo data: a real
 * installation starts from zero and counts real views.
 */
async function seedDemoUsage(db: Db, demand: Map<string, number>): Promise<void> {
  const ids: string[] = [];
  const days: string[] = [];
  const views: number[] = [];
  const today = Date.now();
  let index = 0;
  for (const [id, weight] of demand) {
    for (let back = 0; back < 30; back += 3) {
      ids.push(id);
      days.push(isoDate(new Date(today - back * 86_400_000)));
      views.push(Math.max(1, Math.round(weight * (2 + ((index * 7 + back) % 5)))));
    }
    index += 1;
  }
  await db.query(
    `INSERT INTO catalog.service_usage (service_id, day, views)
     SELECT id, day, n FROM unnest($1::uuid[], $2::date[], $3::int[]) AS u(id, day, n)
     ON CONFLICT (service_id, day) DO UPDATE SET views = EXCLUDED.views`,
    [ids, days, views],
  );
  await store.refreshAllUsage(db, isoDate(new Date()));
}
