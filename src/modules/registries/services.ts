// The registries published as exchange services of the agencies that own them: each service is a
// view of a registry (an ID card reference shows what an ID card shows), answered inside the
// platform and reached, like every service, only through the exchange.
import { isPersonNumber, personNumbersIn } from '../../kernel/person-number.ts';
import type { ProviderHandler, ProviderRequest, ProviderResponse } from '../exchange/index.ts';
import type { Registries } from './service.ts';
import type { Registry, RegistryRecord } from './schema.ts';

type Content = Record<string, unknown>;

export interface RegistryServiceDefinition {
  /** Member code of the owning agency in the exchange (letters and digits). */
  memberCode: string;
  subsystemCode: string;
  serviceCode: string;
  registry: string;
  /** 'key': GET /{key}; 'subject': GET /{registerNumber}, every record about that person. */
  lookup: 'key' | 'subject';
  personal: boolean;
  title: { mn: string; en: string };
  description: { mn: string; en: string };
  /** Shapes a record (and related records) into what the service returns. */
  view(record: RegistryRecord, related: (registry: string, key: string) => Promise<RegistryRecord | undefined>): Promise<Content> | Content;
}

function currentAddress(person: Content): Content | undefined {
  const addresses = (person.addresses as { address: Content; from: string; to?: string }[] | undefined) ?? [];
  return addresses.at(-1)?.address;
}

function names(person: Content): Content {
  return { familyName: person.familyName, surname: person.surname, givenName: person.givenName, latin: person.latin };
}

async function nameOf(related: Parameters<RegistryServiceDefinition['view']>[1], registerNumber: string): Promise<Content> {
  const record = await related('population', registerNumber);
  return record ? { registerNumber, ...names(record.content) } : { registerNumber };
}

export const REGISTRY_SERVICES: RegistryServiceDefinition[] = [
  {
    memberCode: 'gasr', subsystemCode: 'population', serviceCode: 'citizenIdCard', registry: 'population', lookup: 'key', personal: true,
    title: { mn: 'Иргэний үнэмлэхний лавлагаа', en: 'Citizen ID card reference' },
    description: { mn: 'Регистрийн дугаараар иргэний үнэмлэхний мэдээлэл.', en: 'ID card details by register number.' },
    view: (record) => {
      const person = record.content;
      return {
        registerNumber: person.registerNumber, civilId: person.civilId, ...names(person), sex: person.sex, birthDate: person.birthDate,
        birthPlace: person.birthPlace, nationality: person.nationality, citizenship: person.citizenship ?? 'MN', address: currentAddress(person) ?? null,
        deceased: Boolean(person.death),
      };
    },
  },
  {
    memberCode: 'gasr', subsystemCode: 'population', serviceCode: 'address', registry: 'population', lookup: 'key', personal: true,
    title: { mn: 'Оршин суугаа хаягийн лавлагаа', en: 'Residence address reference' },
    description: { mn: 'Иргэний одоогийн болон өмнөх бүртгэлтэй хаяг.', en: 'A person’s registered address now and before.' },
    view: (record) => ({ registerNumber: record.content.registerNumber, ...names(record.content), address: currentAddress(record.content) ?? null, history: record.content.addresses }),
  },
  {
    memberCode: 'gasr', subsystemCode: 'population', serviceCode: 'birth', registry: 'population', lookup: 'key', personal: true,
    title: { mn: 'Төрсний гэрчилгээний лавлагаа', en: 'Birth certificate reference' },
    description: { mn: 'Төрсөн огноо, газар, эцэг эх.', en: 'Date and place of birth, and parents.' },
    view: async (record, related) => ({
      registerNumber: record.content.registerNumber, ...names(record.content), sex: record.content.sex, birthDate: record.content.birthDate, birthPlace: record.content.birthPlace,
      parents: await Promise.all(((record.content.parents as { registerNumber: string; relation: string }[] | undefined) ?? []).map(async (parent) => ({ relation: parent.relation, ...(await nameOf(related, parent.registerNumber)) }))),
    }),
  },
  {
    memberCode: 'gasr', subsystemCode: 'population', serviceCode: 'marriage', registry: 'population', lookup: 'key', personal: true,
    title: { mn: 'Гэрлэлтийн лавлагаа', en: 'Marriage reference' },
    description: { mn: 'Гэрлэлт, гэрлэлт цуцлалтын бүртгэл.', en: 'Registered marriages and divorces.' },
    view: async (record, related) => ({
      registerNumber: record.content.registerNumber, ...names(record.content),
      married: ((record.content.marriages as { dissolvedOn?: string }[] | undefined) ?? []).some((marriage) => !marriage.dissolvedOn),
      marriages: await Promise.all(((record.content.marriages as { spouseRegisterNumber: string }[] | undefined) ?? []).map(async (marriage) => ({ ...marriage, spouse: await nameOf(related, marriage.spouseRegisterNumber) }))),
    }),
  },
  {
    memberCode: 'gasr', subsystemCode: 'population', serviceCode: 'person', registry: 'population', lookup: 'key', personal: true,
    title: { mn: 'Хүн амын бүртгэлийн бүрэн мэдээлэл', en: 'Full population record' },
    description: { mn: 'Хүн амын бүртгэлийн бүх мэдээлэл: зөвхөн эрх бүхий байгууллагад.', en: 'The whole population record: for authorised agencies only.' },
    view: (record) => record.content,
  },
  {
    memberCode: 'gasr', subsystemCode: 'legalentities', serviceCode: 'legalEntity', registry: 'legal-entities', lookup: 'key', personal: false,
    title: { mn: 'Хуулийн этгээдийн лавлагаа', en: 'Legal entity reference' },
    description: { mn: 'Хуулийн этгээдийн улсын бүртгэлийн мэдээлэл.', en: 'A company’s entry in the state register.' },
    view: (record) => {
      const { directors, beneficialOwners, ...rest } = record.content;
      // The register is public; the register numbers of the people in it are not.
      return {
        ...rest,
        directors: ((directors as { name: string; since: string }[] | undefined) ?? []).map(({ name, since }) => ({ name, since })),
        beneficialOwners: ((beneficialOwners as { name: string; sharePercent: number }[] | undefined) ?? []).map(({ name, sharePercent }) => ({ name, sharePercent })),
      };
    },
  },
  {
    memberCode: 'gasr', subsystemCode: 'legalentities', serviceCode: 'companiesOfPerson', registry: 'legal-entities', lookup: 'subject', personal: true,
    title: { mn: 'Иргэний нэр дээрх хуулийн этгээд', en: 'Companies a person directs or owns' },
    description: { mn: 'Иргэн захирал эсвэл эцсийн өмчлөгч болох хуулийн этгээдүүд.', en: 'Companies where the person is a director or beneficial owner.' },
    view: (record) => ({ registerNumber: record.content.registerNumber, name: record.content.name, type: record.content.type, status: record.content.status }),
  },
  {
    memberCode: 'gasr', subsystemCode: 'property', serviceCode: 'propertyByOwner', registry: 'property', lookup: 'subject', personal: true,
    title: { mn: 'Үл хөдлөх хөрөнгийн лавлагаа', en: 'Real estate reference' },
    description: { mn: 'Иргэний нэр дээр бүртгэлтэй үл хөдлөх хөрөнгө.', en: 'Real estate registered to a person.' },
    view: (record) => record.content,
  },
  {
    memberCode: 'transportcentre', subsystemCode: 'vehicles', serviceCode: 'vehicle', registry: 'vehicles', lookup: 'key', personal: true,
    title: { mn: 'Тээврийн хэрэгслийн лавлагаа', en: 'Vehicle reference' },
    description: { mn: 'Улсын дугаараар тээврийн хэрэгсэл, өмчлөгч, үзлэг.', en: 'A vehicle by its plate: details, owner and inspections.' },
    view: (record) => record.content,
  },
  {
    memberCode: 'transportcentre', subsystemCode: 'vehicles', serviceCode: 'vehiclesOfOwner', registry: 'vehicles', lookup: 'subject', personal: true,
    title: { mn: 'Иргэний нэр дээрх тээврийн хэрэгсэл', en: 'Vehicles a person owns' },
    description: { mn: 'Иргэний өмчлөлийн тээврийн хэрэгслүүд.', en: 'Vehicles registered to a person.' },
    view: (record) => ({ plate: record.content.plate, make: record.content.make, model: record.content.model, year: record.content.year }),
  },
  {
    memberCode: 'educationevaluation', subsystemCode: 'education', serviceCode: 'educationRecord', registry: 'education', lookup: 'key', personal: true,
    title: { mn: 'ЭЕШ-ын оноо, боловсролын лавлагаа', en: 'Entrance exam scores and education reference' },
    description: { mn: 'ЭЕШ-ын оноо, бүрэн дунд боловсролын гэрчилгээ, диплом.', en: 'Entrance exam scores, school-leaving certificate and diplomas.' },
    view: (record) => record.content,
  },
  {
    memberCode: 'socialinsurance', subsystemCode: 'socialinsurance', serviceCode: 'contributions', registry: 'social-insurance', lookup: 'key', personal: true,
    title: { mn: 'Нийгмийн даатгалын шимтгэл төлөлтийн лавлагаа', en: 'Social insurance contributions reference' },
    description: { mn: 'Сар бүрийн шимтгэл, тэтгэвэр, тэтгэмж.', en: 'Monthly contributions, pension and benefits.' },
    view: (record) => record.content,
  },
  {
    memberCode: 'land', subsystemCode: 'addresses', serviceCode: 'addressUnit', registry: 'addresses', lookup: 'key', personal: false,
    title: { mn: 'Засаг захиргааны нэгж', en: 'Administrative unit' },
    description: { mn: 'Аймаг, сум, дүүрэг, хорооны код, нэр, харьяалал.', en: 'An aimag, soum, district or khoroo by its code: names and the unit above it.' },
    view: (record) => record.content,
  },
  {
    memberCode: 'immigration', subsystemCode: 'foreignresidents', serviceCode: 'residencePermit', registry: 'foreign-residents', lookup: 'key', personal: true,
    title: { mn: 'Оршин суух зөвшөөрлийн лавлагаа', en: 'Residence permit reference' },
    description: { mn: 'F-регистрийн дугаараар гадаадын иргэний оршин суух зөвшөөрлийн төрөл, хугацаа, хаяг.', en: 'A foreign resident’s permit type and validity, and address, by F-register number.' },
    view: (record) => {
      const resident = record.content;
      const permit = resident.permit as { validUntil?: string } | undefined;
      return {
        registerNumber: resident.registerNumber, surname: resident.surname, givenName: resident.givenName, nationality: resident.nationality, sex: resident.sex,
        birthDate: resident.birthDate, passportNumber: resident.passportNumber, permit: resident.permit ?? null, address: resident.address ?? null,
        // Whether the permit holds today, so a caller need not compare dates itself.
        permitValid: typeof permit?.validUntil === 'string' && permit.validUntil >= new Date().toISOString().slice(0, 10),
      };
    },
  },
  {
    memberCode: 'moh', subsystemCode: 'health', serviceCode: 'vaccinations', registry: 'health', lookup: 'key', personal: true,
    title: { mn: 'Дархлаажуулалтын лавлагаа', en: 'Vaccination reference' },
    description: { mn: 'Цусны бүлэг, вакцинжуулалт (КОВИД-19 орно).', en: 'Blood type and vaccinations, COVID-19 included.' },
    view: (record) => record.content,
  },
];

/** The exchange member code of an agency: its catalogue id without hyphens (GovStack allows letters and digits). */
export function memberCodeOf(agencyId: string): string {
  return agencyId.replace(/-/g, '');
}

/** True when the calling subsystem belongs to the agency that keeps the registry. */
export function ownsRegistry(client: string, registry: Registry): boolean {
  const [, memberClass, memberCode] = client.split('/');
  return memberClass === 'GOV' && memberCode === memberCodeOf(registry.ownerAgency);
}

export function handlerName(definition: RegistryServiceDefinition): string {
  return `registries:${definition.registry}:${definition.serviceCode}`;
}

function notFound(): ProviderResponse {
  return { status: 404, body: { detail: 'no record found' } };
}

/** The exchange handler of one registry service. */
export function registryServiceHandler(registries: Registries, definition: RegistryServiceDefinition): ProviderHandler {
  let registry: Registry | undefined;
  return async (request: ProviderRequest): Promise<ProviderResponse> => {
    if (request.method !== 'GET') return { status: 405, headers: { allow: 'GET' }, body: { detail: 'only GET' } };
    registry ??= await registries.get({ id: definition.registry });
    const segments = request.path.split('/').filter(Boolean);
    if (segments.length !== 1) return notFound();
    const key = segments[0]!;
    const related = (registryId: string, relatedKey: string) => registries.get({ id: registryId }).then((other) => registries.byKey(other, relatedKey));
    if (definition.lookup === 'key') {
      const record = await registries.byKey(registry, key);
      if (!record) return notFound();
      const body = await definition.view(record, related);
      // People named in the answer besides its subject (parents on a birth reference, a spouse).
      const mentioned = personNumbersIn(JSON.stringify(body)).filter((number) => !record.subjects.includes(number));
      return { status: 200, body, subjects: record.subjects, mentioned, ...(ownsRegistry(request.client, registry) ? { consentExempt: 'owner' as const } : {}) };
    }
    if (!isPersonNumber(key)) return { status: 400, body: { detail: 'a register number is expected' } };
    const records = await registries.bySubject(registry, key);
    return { status: 200, body: { registerNumber: key, items: await Promise.all(records.map((record) => definition.view(record, related))) }, subjects: [key], ...(ownsRegistry(request.client, registry) ? { consentExempt: 'owner' as const } : {}) };
  };
}
