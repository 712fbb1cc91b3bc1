// Shapes of the catalogue's seed data. The seed files hold facts about real Mongolian agencies and
// services (names, providers, fees, legal basis); they are our own text, gathered from public sources.

export type SeedAgencyKind = 'ministry' | 'agency' | 'local' | 'other';

export interface SeedAgency {
  /** Stable id, lowercase latin, kebab-case: 'gasr', 'police', 'mta'. */
  id: string;
  kind: SeedAgencyKind;
  abbrMn: string;
  abbrEn: string;
  nameMn: string;
  nameEn: string;
  /** The ministry (or parent body) the agency reports to: another SeedAgency id, or null. */
  parentId: string | null;
  descriptionMn: string;
  descriptionEn: string;
  website: string | null;
  phone: string | null;
  email: string | null;
  addressMn: string | null;
  addressEn: string | null;
}

export type Audience = 'citizen' | 'business' | 'foreigner';
export type ServiceKind = 'reference' | 'application';
export type Channel = 'portal' | 'app' | 'operator' | 'kiosk';
export type ServiceStatus = 'active' | 'planned' | 'retired';
export type TimeUnit = 'instant' | 'minutes' | 'hours' | 'days' | 'working_days';

export interface SeedService {
  /** Stable URL slug, latin kebab-case, unique: 'residence-address-reference'. */
  slug: string;
  nameMn: string;
  nameEn: string;
  /** One sentence shown in lists. */
  summaryMn: string;
  summaryEn: string;
  /** A short paragraph: what it is, who needs it, what they get. */
  descriptionMn: string;
  descriptionEn: string;
  /** SeedAgency id of the provider. */
  agencyId: string;
  /** Sector id from sectors.ts. */
  sectorId: string;
  /** Life event ids from sectors.ts (may be empty). */
  lifeEvents: string[];
  audiences: Audience[];
  kind: ServiceKind;
  /** State fee in whole tögrög (₮); 0 when free. */
  feeMnt: number;
  processingTime: { value: number; unit: TimeUnit };
  channels: Channel[];
  /** What the person must provide or have, one item per entry. */
  requirementsMn: string[];
  requirementsEn: string[];
  /** Law or regulation the service rests on, or null when unknown. */
  legalBasisMn: string | null;
  legalBasisEn: string | null;
  status: ServiceStatus;
  /** ХУР (XYP) operation code behind a reference, e.g. 'WS100103', or null. */
  xypCode: string | null;
  /** Extra words people search with (synonyms, colloquial names, latin spellings). */
  keywordsMn: string[];
  keywordsEn: string[];
  /** Relative demand, 1 (rare) to 100 (most requested); seeds demo usage figures. */
  demand: number;
}
