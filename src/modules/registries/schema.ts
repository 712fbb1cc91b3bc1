// The registries' concepts and their API schemas.
import { Type, type Static } from 'typebox';
import type { Brand } from '../../kernel/ids.ts';

/** A JSON Schema document (draft-07 or 2020-12) describing a registry's records. */
export type JsonSchema = Record<string, unknown>;
export type RegistryId = Brand<string, 'RegistryId'>;
export type RecordId = Brand<string, 'RecordId'>;

export const Registry = Type.Object({
  id: Type.String(),
  name: Type.String({ description: 'GovStack registry name' }),
  version: Type.String({ description: 'GovStack version number' }),
  databaseId: Type.Integer({ description: 'GovStack database id' }),
  databaseCode: Type.Union([Type.String(), Type.Null()], { description: 'GovStack databaseID when it is a code' }),
  ownerAgency: Type.String(),
  title: Type.Object({ mn: Type.String(), en: Type.String() }),
  description: Type.Object({ mn: Type.String(), en: Type.String() }),
  schema: Type.Record(Type.String(), Type.Unknown()),
  keyField: Type.String(),
  subjectPaths: Type.Array(Type.String()),
  indexedFields: Type.Array(Type.String()),
  status: Type.Enum(['active', 'retired']),
  recordCount: Type.Optional(Type.Integer()),
});
export interface Registry extends Omit<Static<typeof Registry>, 'id' | 'schema'> {
  id: RegistryId;
  schema: JsonSchema;
}

export interface RegistryRecord {
  id: RecordId;
  registryId: RegistryId;
  key: string;
  subjects: string[];
  content: Record<string, unknown>;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const RegistryInput = Type.Object({
  id: Type.String({ pattern: '^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$' }),
  name: Type.Optional(Type.String({ pattern: '^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$' })),
  version: Type.String({ pattern: '^[a-zA-Z0-9._-]{1,20}$' }),
  databaseId: Type.Optional(Type.Integer({ minimum: 1, maximum: 9007199254740991 })),
  databaseCode: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$' })),
  ownerAgency: Type.String({ maxLength: 80 }),
  title: Type.Object({ mn: Type.String({ minLength: 1, maxLength: 200 }), en: Type.String({ minLength: 1, maxLength: 200 }) }),
  description: Type.Optional(Type.Object({ mn: Type.String({ maxLength: 2000 }), en: Type.String({ maxLength: 2000 }) })),
  schema: Type.Record(Type.String(), Type.Unknown()),
  keyField: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,62}$' }),
  subjectPaths: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*(\\[\\])?(\\.[A-Za-z_][A-Za-z0-9_]*(\\[\\])?)*$' }), { maxItems: 10 })),
  indexedFields: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]{0,62}$' }), { maxItems: 10 })),
});
export type RegistryInput = Static<typeof RegistryInput>;

// What other modules read from the base registries, as typed entries. Each holds only the fields
// someone reads, and as loosely as the registry's JSON Schema allows: a record that passed the
// registry's own schema always passes these.

/** A citizen's entry in the population register. */
export const CitizenEntry = Type.Object({
  registerNumber: Type.String(),
  familyName: Type.Optional(Type.String()),
  surname: Type.Optional(Type.String()),
  givenName: Type.Optional(Type.String()),
  latin: Type.Optional(Type.Object({ familyName: Type.Optional(Type.String()), surname: Type.Optional(Type.String()), givenName: Type.Optional(Type.String()) })),
  sex: Type.Optional(Type.String()),
  birthDate: Type.Optional(Type.String()),
  citizenship: Type.Optional(Type.String()),
  mobile: Type.Optional(Type.String()),
  children: Type.Optional(Type.Array(Type.String())),
  death: Type.Optional(Type.Unknown()),
});
export type CitizenEntry = Static<typeof CitizenEntry>;

/** A foreign resident's entry in the immigration agency's register. */
export const ForeignResidentEntry = Type.Object({
  registerNumber: Type.String(),
  surname: Type.Optional(Type.String()),
  givenName: Type.Optional(Type.String()),
  sex: Type.Optional(Type.String()),
  birthDate: Type.Optional(Type.String()),
  nationality: Type.Optional(Type.String()),
  mobile: Type.Optional(Type.String()),
  permit: Type.Optional(Type.Object({ validUntil: Type.Optional(Type.String()) })),
});
export type ForeignResidentEntry = Static<typeof ForeignResidentEntry>;

/** A company's entry in the legal entity register. */
export const LegalEntityEntry = Type.Object({
  registerNumber: Type.String(),
  name: Type.String(),
  status: Type.Optional(Type.String()),
  directors: Type.Optional(Type.Array(Type.Object({ registerNumber: Type.String() }))),
});
export type LegalEntityEntry = Static<typeof LegalEntityEntry>;

const HealthVaccination = Type.Object({
  disease: Type.String(),
  vaccine: Type.String(),
  prophylaxis: Type.Optional(Type.String()),
  manufacturer: Type.Optional(Type.String()),
  dose: Type.Number(),
  totalDoses: Type.Number(),
  date: Type.String(),
  country: Type.String(),
  place: Type.Optional(Type.String()),
  lot: Type.Optional(Type.String()),
});
const HealthTest = Type.Object({
  disease: Type.String(),
  testType: Type.String(),
  testName: Type.Optional(Type.String()),
  device: Type.Optional(Type.String()),
  sampledAt: Type.String(),
  result: Type.String(),
  centre: Type.Optional(Type.String()),
  country: Type.String(),
});
const HealthRecovery = Type.Object({
  disease: Type.String(),
  firstPositive: Type.String(),
  validFrom: Type.Optional(Type.String()),
  validUntil: Type.Optional(Type.String()),
  country: Type.String(),
});

/** A person's entry in the health register: vaccinations, COVID-19 tests and recoveries. */
export const HealthEntry = Type.Object({
  registerNumber: Type.String(),
  vaccinations: Type.Optional(Type.Array(HealthVaccination)),
  tests: Type.Optional(Type.Array(HealthTest)),
  recoveries: Type.Optional(Type.Array(HealthRecovery)),
});
export type HealthEntry = Static<typeof HealthEntry>;
