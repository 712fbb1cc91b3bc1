// The catalogue's concepts: one schema per concept and a type of the same name. The schemas
// validate the API at the edge and generate its OpenAPI description.
import { Type, type Static } from 'typebox';
import type { Brand } from '../../kernel/ids.ts';

export type ServiceId = Brand<string, 'ServiceId'>;
export type AgencyId = Brand<string, 'AgencyId'>;
export type SectorId = Brand<string, 'SectorId'>;

export const AUDIENCES = ['citizen', 'business', 'foreigner'] as const;
export const KINDS = ['reference', 'application'] as const;
export const CHANNELS = ['portal', 'app', 'operator', 'kiosk'] as const;
export const STATUSES = ['active', 'planned', 'retired'] as const;
export const TIME_UNITS = ['instant', 'minutes', 'hours', 'days', 'working_days'] as const;
export const AGENCY_KINDS = ['ministry', 'agency', 'local', 'other'] as const;

export type Audience = (typeof AUDIENCES)[number];
export type ServiceKind = (typeof KINDS)[number];
export type Channel = (typeof CHANNELS)[number];
export type ServiceStatus = (typeof STATUSES)[number];
export type TimeUnit = (typeof TIME_UNITS)[number];

const Id = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 80 });
const Slug = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', minLength: 2, maxLength: 80 });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const Bilingual = Type.Object({ mn: Type.String(), en: Type.String() }, { description: 'Text in Mongolian and English' });
export type Bilingual = Static<typeof Bilingual>;

export const BilingualList = Type.Object({ mn: Type.Array(Type.String()), en: Type.Array(Type.String()) });
export type BilingualList = Static<typeof BilingualList>;

export const AgencyRef = Type.Object({
  id: Id,
  abbreviation: Bilingual,
  name: Bilingual,
});
export type AgencyRef = Static<typeof AgencyRef>;

export const Agency = Type.Object({
  id: Id,
  kind: Type.Enum(AGENCY_KINDS),
  abbreviation: Bilingual,
  name: Bilingual,
  description: Bilingual,
  parent: Nullable(AgencyRef),
  contact: Type.Object({
    website: Nullable(Type.String()),
    phone: Nullable(Type.String()),
    email: Nullable(Type.String()),
    address: Nullable(Bilingual),
  }),
  serviceCount: Type.Integer({ description: 'Services in the catalogue that are not retired' }),
});
export type Agency = Static<typeof Agency>;

export const Sector = Type.Object({
  id: Id,
  name: Bilingual,
  description: Bilingual,
  serviceCount: Type.Integer(),
});
export type Sector = Static<typeof Sector>;

export const LifeEvent = Type.Object({ id: Id, name: Bilingual, serviceCount: Type.Integer() });
export type LifeEvent = Static<typeof LifeEvent>;

export const ProcessingTime = Type.Object({
  value: Type.Integer({ minimum: 0 }),
  unit: Type.Enum(TIME_UNITS),
});
export type ProcessingTime = Static<typeof ProcessingTime>;

export const Service = Type.Object({
  id: Type.String({ format: 'uuid' }),
  slug: Slug,
  name: Bilingual,
  summary: Bilingual,
  description: Bilingual,
  agency: AgencyRef,
  sector: Type.Object({ id: Id, name: Bilingual }),
  lifeEvents: Type.Array(Id),
  audiences: Type.Array(Type.Enum(AUDIENCES)),
  kind: Type.Enum(KINDS),
  fee: Type.Object({ amount: Type.Integer({ minimum: 0 }), currency: Type.Literal('MNT') }),
  processingTime: ProcessingTime,
  channels: Type.Array(Type.Enum(CHANNELS)),
  requirements: BilingualList,
  legalBasis: Nullable(Bilingual),
  status: Type.Enum(STATUSES),
  exchangeService: Nullable(Type.String({ description: 'Exchange (ХУР) service that supplies the data, e.g. WS100103' })),
  keywords: BilingualList,
  synthetic: Type.Boolean({ description: 'Generated for scale tests; not a real service' }),
  version: Type.Integer(),
  views30d: Type.Integer(),
  links: Type.Object({ mn: Type.String(), en: Type.String() }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type Service = Omit<Static<typeof Service>, 'id' | 'agency' | 'sector'> & {
  id: ServiceId;
  agency: AgencyRef & { id: AgencyId };
  sector: { id: SectorId; name: Bilingual };
};

export const MAX_QUERY = 200;

export const ServiceListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: MAX_QUERY, description: 'Words to search for, in Mongolian or English, in Cyrillic or Latin letters' })),
  sector: Type.Optional(Id),
  agency: Type.Optional(Id),
  lifeEvent: Type.Optional(Id),
  audience: Type.Optional(Type.Enum(AUDIENCES)),
  kind: Type.Optional(Type.Enum(KINDS)),
  status: Type.Optional(Type.Enum(STATUSES)),
  sort: Type.Optional(Type.Enum(['relevance', 'name', 'popular'])),
  lang: Type.Optional(Type.Enum(['mn', 'en'], { description: 'Language of error messages and of name sorting' })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
});
export type ServiceListQuery = Static<typeof ServiceListQuery>;

export const Paging = Type.Object({
  page: Type.Integer(),
  pageSize: Type.Integer(),
  total: Type.Integer(),
  pages: Type.Integer(),
});
export type Paging = Static<typeof Paging>;

export const ServiceList = Type.Object({ items: Type.Array(Service), paging: Paging });
export interface ServiceList {
  items: Service[];
  paging: Paging;
}

/** What an administrator submits to create or change a service. */
export const ServiceInput = Type.Object({
  slug: Type.Optional(Type.String({ maxLength: 80 })),
  name: Bilingual,
  summary: Bilingual,
  description: Bilingual,
  agencyId: Type.String({ maxLength: 80 }),
  sectorId: Type.String({ maxLength: 80 }),
  lifeEvents: Type.Array(Type.String({ maxLength: 80 }), { maxItems: 20 }),
  audiences: Type.Array(Type.String({ maxLength: 20 }), { maxItems: 3 }),
  kind: Type.String({ maxLength: 20 }),
  feeMnt: Type.Integer(),
  processingTime: Type.Object({ value: Type.Integer(), unit: Type.String({ maxLength: 20 }) }),
  channels: Type.Array(Type.String({ maxLength: 20 }), { maxItems: 4 }),
  requirements: Type.Object({
    mn: Type.Array(Type.String({ maxLength: 500 }), { maxItems: 30 }),
    en: Type.Array(Type.String({ maxLength: 500 }), { maxItems: 30 }),
  }),
  legalBasis: Nullable(Bilingual),
  status: Type.String({ maxLength: 20 }),
  exchangeService: Nullable(Type.String({ maxLength: 120 })),
  keywords: Type.Object({
    mn: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 30 }),
    en: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 30 }),
  }),
});
export type ServiceInput = Static<typeof ServiceInput>;

/** A validated ServiceInput, with the types narrowed. */
export interface ValidServiceInput {
  slug: string;
  name: Bilingual;
  summary: Bilingual;
  description: Bilingual;
  agencyId: AgencyId;
  sectorId: SectorId;
  lifeEvents: string[];
  audiences: Audience[];
  kind: ServiceKind;
  feeMnt: number;
  processingTime: ProcessingTime;
  channels: Channel[];
  requirements: BilingualList;
  legalBasis: Bilingual | null;
  status: ServiceStatus;
  exchangeService: string | null;
  keywords: BilingualList;
}

export const Revision = Type.Object({
  version: Type.Integer(),
  action: Type.String(),
  reason: Nullable(Type.String()),
  actor: Nullable(Type.Object({ id: Type.String(), name: Nullable(Type.String()) })),
  at: Type.String({ format: 'date-time' }),
});
export type Revision = Static<typeof Revision>;
