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
