// Typed readers of the base registries, for the platform's own flows that read a register
// directly (signing in, a consent code's phone number, health certificates). Each entry is checked
// against the reader's schema, so callers get typed fields instead of casting record content.
import type { TSchema, Static } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';
import { isForeignRegisterNumber } from '../../kernel/person-number.ts';
import { CitizenEntry, ForeignResidentEntry, HealthEntry, LegalEntityEntry, type RegistryRecord } from './schema.ts';
import type { Registries } from './service.ts';

export interface RegistryReaders {
  /** A citizen's population register entry, if there is one. */
  findCitizen(registerNumber: string): Promise<CitizenEntry | undefined>;
  /** A foreign resident's entry in the immigration agency's register, if there is one. */
  findForeignResident(registerNumber: string): Promise<ForeignResidentEntry | undefined>;
  /** The mobile number a person registered, from whichever register holds them. */
  findMobile(registerNumber: string): Promise<string | undefined>;
  /** A company's legal entity register entry, if there is one. */
  findLegalEntity(registerNumber: string): Promise<LegalEntityEntry | undefined>;
  /** Legal entity register entries naming this person (as director or beneficial owner). */
  legalEntitiesNaming(registerNumber: string): Promise<LegalEntityEntry[]>;
  /** A person's health register entry, if there is one. */
  findHealthEntry(registerNumber: string): Promise<HealthEntry | undefined>;
}

// Compiled once: each sign-in reads an entry or two, and an interpreted check of one entry costs
// about 11 µs against 0.03 µs compiled (measured on a population entry).
const CITIZEN = Compile(CitizenEntry);
const FOREIGN_RESIDENT = Compile(ForeignResidentEntry);
const LEGAL_ENTITY = Compile(LegalEntityEntry);
const HEALTH = Compile(HealthEntry);

/** Content that does not read as the entry it should be is treated as no entry (the registry's schema forbids it). */
function entry<T extends TSchema>(validator: Validator<{}, T>, record: RegistryRecord | undefined): Static<T> | undefined {
  return record && validator.Check(record.content) ? record.content : undefined;
}

/** Builds the typed readers over the registries service. */
export function registryReaders(registries: Registries): RegistryReaders {
  const byKey = async (registryId: string, key: string) => registries.byKey(await registries.get({ id: registryId }), key);
  const findCitizen = async (registerNumber: string) => entry(CITIZEN, await byKey('population', registerNumber));
  const findForeignResident = async (registerNumber: string) => entry(FOREIGN_RESIDENT, await byKey('foreign-residents', registerNumber));
  return {
    findCitizen,
    findForeignResident,
    async findMobile(registerNumber) {
      const person = isForeignRegisterNumber(registerNumber) ? await findForeignResident(registerNumber) : await findCitizen(registerNumber);
      return person?.mobile;
    },
    findLegalEntity: async (registerNumber) => entry(LEGAL_ENTITY, await byKey('legal-entities', registerNumber)),
    async legalEntitiesNaming(registerNumber) {
      const records = await registries.bySubject(await registries.get({ id: 'legal-entities' }), registerNumber);
      return records.flatMap((record) => entry(LEGAL_ENTITY, record) ?? []);
    },
    findHealthEntry: async (registerNumber) => entry(HEALTH, await byKey('health', registerNumber)),
  };
}
