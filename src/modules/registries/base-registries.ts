// The base registries of the state, each owned by the agency that keeps it. Records are JSON
// documents checked against the registry's JSON Schema; `key` is the field that identifies a
// record, and `subjects` lists where the register numbers of the people a record is about sit:
// reading such a record through the exchange needs their consent and shows in their access log.
import { CITIZEN_REGISTER_NUMBER_PATTERN, FOREIGN_REGISTER_NUMBER_PATTERN } from '../../kernel/person-number.ts';
import type { JsonSchema } from './schema.ts';

export interface RegistryDefinition {
  /** Short id, also the GovStack registry name. */
  id: string;
  version: string;
  /** GovStack databaseID. */
  databaseId: number;
  ownerAgency: string;
  title: { mn: string; en: string };
  description: { mn: string; en: string };
  schema: JsonSchema;
  /** Field holding each record's unique key. */
  keyField: string;
  /** JSON paths ('registerNumber', 'owners[].registerNumber') to the people a record is about. */
  subjectPaths: string[];
  /** Fields searched often enough to deserve an index (top-level only). */
  indexedFields: string[];
}

const REGISTER_NUMBER = { type: 'string', pattern: CITIZEN_REGISTER_NUMBER_PATTERN, description: 'Register number: 2 Cyrillic letters and 8 digits' };
// The real F-register number is 13 characters; its inner structure is not published, so the form
// Ф + 12 digits is our assumption (see kernel/person-number.ts).
const FOREIGN_REGISTER_NUMBER = { type: 'string', pattern: FOREIGN_REGISTER_NUMBER_PATTERN, description: 'F-register number of a foreign resident: Ф and 12 digits (assumed form)' };
const LATIN_NAME = { type: 'string', minLength: 1, maxLength: 100, pattern: "^[A-Z][A-Z '-]*$", description: 'As in the passport, Latin capitals' };
const COMPANY_NUMBER = { type: 'string', pattern: '^[0-9]{7}$', description: 'Legal entity register number: 7 digits' };
const DATE = { type: 'string', format: 'date' };
const NAME = { type: 'string', minLength: 1, maxLength: 100 };
const ADDRESS = {
  type: 'object',
  required: ['aimagCityCode', 'aimagCityName', 'soumDistrictCode', 'soumDistrictName', 'bagKhorooName'],
  properties: {
    aimagCityCode: { type: 'string' },
    aimagCityName: { type: 'string' },
    soumDistrictCode: { type: 'string' },
    soumDistrictName: { type: 'string' },
    bagKhorooName: { type: 'string' },
    street: { type: 'string' },
    building: { type: 'string' },
    apartment: { type: 'string' },
    detail: { type: 'string' },
  },
  additionalProperties: false,
};

export const BASE_REGISTRIES: RegistryDefinition[] = [
  {
    id: 'population',
    version: '1.0',
    databaseId: 1001,
    ownerAgency: 'gasr',
    title: { mn: 'Хүн амын улсын бүртгэл', en: 'Population register' },
    description: {
      mn: 'Иргэн бүрийн регистрийн дугаар, нэр, төрсөн огноо, хаягийн түүх, гэр бүлийн холбоо, гэрлэлт, нас баралт.',
      en: 'Every citizen’s register number, names, birth, address history, family links, marriages and death.',
    },
    keyField: 'registerNumber',
    subjectPaths: ['registerNumber'],
    indexedFields: ['civilId'],
    schema: {
      type: 'object',
      required: ['registerNumber', 'civilId', 'familyName', 'surname', 'givenName', 'latin', 'birthDate', 'sex', 'nationality', 'addresses'],
      additionalProperties: false,
      properties: {
        registerNumber: REGISTER_NUMBER,
        civilId: { type: 'string', pattern: '^[0-9]{12}$' },
        familyName: { ...NAME, description: 'Ургийн овог (clan name)' },
        surname: { ...NAME, description: 'Эцэг/эхийн нэр (patronymic)' },
        givenName: { ...NAME, description: 'Нэр' },
        latin: {
          type: 'object',
          required: ['familyName', 'surname', 'givenName'],
          properties: { familyName: { type: 'string' }, surname: { type: 'string' }, givenName: { type: 'string' } },
          additionalProperties: false,
        },
        birthDate: DATE,
        birthPlace: { type: 'object', properties: { aimagCityName: { type: 'string' }, soumDistrictName: { type: 'string' } }, additionalProperties: false },
        sex: { enum: ['male', 'female'] },
        nationality: { type: 'string', description: 'Ethnic group as registered, e.g. Халх' },
        citizenship: { type: 'string', default: 'MN' },
        mobile: { type: 'string', pattern: '^[0-9]{8}$', description: 'Registered mobile number (+976)' },
        addresses: {
          type: 'array',
          minItems: 1,
          items: { type: 'object', required: ['address', 'from'], properties: { address: ADDRESS, from: DATE, to: DATE }, additionalProperties: false },
          description: 'Address history, the current one last',
        },
        parents: {
          type: 'array',
          items: { type: 'object', required: ['registerNumber', 'relation'], properties: { registerNumber: REGISTER_NUMBER, relation: { enum: ['father', 'mother'] } }, additionalProperties: false },
        },
        children: { type: 'array', items: REGISTER_NUMBER },
        marriages: {
          type: 'array',
          items: {
            type: 'object',
            required: ['spouseRegisterNumber', 'registeredOn', 'certificateNumber'],
            properties: {
              spouseRegisterNumber: REGISTER_NUMBER,
              registeredOn: DATE,
              certificateNumber: { type: 'string' },
              place: { type: 'string' },
              dissolvedOn: DATE,
            },
            additionalProperties: false,
          },
        },
        nameChanges: {
          type: 'array',
          items: { type: 'object', required: ['field', 'from', 'to', 'changedOn'], properties: { field: { enum: ['familyName', 'surname', 'givenName'] }, from: { type: 'string' }, to: { type: 'string' }, changedOn: DATE }, additionalProperties: false },
        },
        death: {
          type: 'object',
          required: ['date', 'certificateNumber'],
          properties: { date: DATE, place: { type: 'string' }, certificateNumber: { type: 'string' } },
          additionalProperties: false,
        },
      },
    },
  },
  {
    id: 'legal-entities',
    version: '1.0',
    databaseId: 1002,
    ownerAgency: 'gasr',
    title: { mn: 'Хуулийн этгээдийн улсын бүртгэл', en: 'Legal entity register' },
    description: { mn: 'Компани, байгууллагын бүртгэл, удирдлага, эцсийн өмчлөгч.', en: 'Companies and organisations, their directors and beneficial owners.' },
    keyField: 'registerNumber',
    subjectPaths: ['directors[].registerNumber', 'beneficialOwners[].registerNumber'],
    indexedFields: ['name'],
    schema: {
      type: 'object',
      required: ['registerNumber', 'name', 'type', 'registeredOn', 'address', 'status', 'directors', 'beneficialOwners'],
      additionalProperties: false,
      properties: {
        registerNumber: COMPANY_NUMBER,
        name: NAME,
        nameEn: { type: 'string' },
        type: { enum: ['llc', 'jsc', 'partnership', 'cooperative', 'ngo', 'state-owned', 'branch'] },
        registeredOn: DATE,
        address: ADDRESS,
        status: { enum: ['active', 'liquidated', 'suspended'] },
        activity: { type: 'string' },
        capitalMnt: { type: 'integer', minimum: 0 },
        directors: { type: 'array', items: { type: 'object', required: ['registerNumber', 'name', 'since'], properties: { registerNumber: REGISTER_NUMBER, name: { type: 'string' }, since: DATE }, additionalProperties: false } },
        beneficialOwners: { type: 'array', items: { type: 'object', required: ['registerNumber', 'name', 'sharePercent'], properties: { registerNumber: REGISTER_NUMBER, name: { type: 'string' }, sharePercent: { type: 'number', minimum: 0, maximum: 100 } }, additionalProperties: false } },
      },
    },
  },
  {
    id: 'property',
    version: '1.0',
    databaseId: 1003,
    ownerAgency: 'gasr',
    title: { mn: 'Эд хөрөнгийн эрхийн улсын бүртгэл', en: 'Property rights register' },
    description: { mn: 'Орон сууц, байшин, газар ба тэдгээрийн өмчлөгчид.', en: 'Flats, houses and land, and who owns them.' },
    keyField: 'certificateNumber',
    subjectPaths: ['owners[].registerNumber'],
    indexedFields: [],
    schema: {
      type: 'object',
      required: ['certificateNumber', 'propertyNumber', 'type', 'address', 'areaSquareMetres', 'owners', 'registeredOn'],
      additionalProperties: false,
      properties: {
        certificateNumber: { type: 'string', pattern: '^[0-9]{9}$' },
        propertyNumber: { type: 'string', pattern: '^Ү-[0-9]{10}$', description: 'Үл хөдлөх эд хөрөнгийн дугаар' },
        type: { enum: ['apartment', 'house', 'land', 'commercial'] },
        address: ADDRESS,
        areaSquareMetres: { type: 'number', exclusiveMinimum: 0 },
        owners: { type: 'array', minItems: 1, items: { type: 'object', required: ['registerNumber', 'name', 'sharePercent'], properties: { registerNumber: REGISTER_NUMBER, name: { type: 'string' }, sharePercent: { type: 'number', minimum: 0, maximum: 100 } }, additionalProperties: false } },
        registeredOn: DATE,
        encumbrances: { type: 'array', items: { type: 'object', required: ['type', 'since'], properties: { type: { enum: ['mortgage', 'seizure', 'lease'] }, holder: { type: 'string' }, since: DATE }, additionalProperties: false } },
      },
    },
  },
  {
    id: 'vehicles',
    version: '1.0',
    databaseId: 1004,
    ownerAgency: 'transport-centre',
    title: { mn: 'Тээврийн хэрэгслийн улсын бүртгэл', en: 'Vehicle register' },
    description: { mn: 'Тээврийн хэрэгсэл, дугаар, өмчлөгч, техникийн хяналтын үзлэг.', en: 'Vehicles, plates, owners and technical inspections.' },
    keyField: 'plate',
    subjectPaths: ['ownerRegisterNumber'],
    indexedFields: ['vin'],
    schema: {
      type: 'object',
      required: ['plate', 'vin', 'make', 'model', 'year', 'ownerRegisterNumber', 'registeredOn', 'inspections'],
      additionalProperties: false,
      properties: {
        plate: { type: 'string', pattern: '^[0-9]{4}[А-ЯЁӨҮ]{3}$' },
        vin: { type: 'string', pattern: '^[A-HJ-NPR-Z0-9]{17}$' },
        make: { type: 'string' },
        model: { type: 'string' },
        year: { type: 'integer', minimum: 1950, maximum: 2100 },
        colour: { type: 'string' },
        fuel: { enum: ['petrol', 'diesel', 'hybrid', 'electric', 'gas'] },
        ownerRegisterNumber: REGISTER_NUMBER,
        registeredOn: DATE,
        inspections: { type: 'array', items: { type: 'object', required: ['date', 'result', 'validUntil'], properties: { date: DATE, result: { enum: ['passed', 'failed'] }, station: { type: 'string' }, validUntil: DATE }, additionalProperties: false } },
      },
    },
  },
  {
    id: 'education',
    version: '1.0',
    databaseId: 1005,
    ownerAgency: 'education-evaluation',
    title: { mn: 'Боловсролын бүртгэл', en: 'Education register' },
    description: { mn: 'Элсэлтийн ерөнхий шалгалтын оноо, бүрэн дунд боловсролын гэрчилгээ, диплом.', en: 'University entrance exam scores, school-leaving certificates and diplomas.' },
    keyField: 'registerNumber',
    subjectPaths: ['registerNumber'],
    indexedFields: [],
    schema: {
      type: 'object',
      required: ['registerNumber', 'entranceExams', 'schoolCertificates', 'diplomas'],
      additionalProperties: false,
      properties: {
        registerNumber: REGISTER_NUMBER,
        entranceExams: { type: 'array', items: { type: 'object', required: ['year', 'subject', 'score'], properties: { year: { type: 'integer' }, subject: { type: 'string' }, score: { type: 'integer', minimum: 200, maximum: 800 } }, additionalProperties: false } },
        schoolCertificates: { type: 'array', items: { type: 'object', required: ['number', 'school', 'year'], properties: { number: { type: 'string' }, school: { type: 'string' }, year: { type: 'integer' } }, additionalProperties: false } },
        diplomas: { type: 'array', items: { type: 'object', required: ['number', 'institution', 'degree', 'field', 'year'], properties: { number: { type: 'string' }, institution: { type: 'string' }, degree: { enum: ['diploma', 'bachelor', 'master', 'doctor'] }, field: { type: 'string' }, year: { type: 'integer' } }, additionalProperties: false } },
      },
    },
  },
  {
    id: 'social-insurance',
    version: '1.0',
    databaseId: 1006,
    ownerAgency: 'social-insurance',
    title: { mn: 'Нийгмийн даатгалын бүртгэл', en: 'Social insurance register' },
    description: { mn: 'Нийгмийн даатгалын шимтгэл, тэтгэвэр, тэтгэмж.', en: 'Social insurance contributions, pensions and benefits.' },
    keyField: 'registerNumber',
    subjectPaths: ['registerNumber'],
    indexedFields: [],
    schema: {
      type: 'object',
      required: ['registerNumber', 'contributions', 'benefits'],
      additionalProperties: false,
      properties: {
        registerNumber: REGISTER_NUMBER,
        contributions: { type: 'array', items: { type: 'object', required: ['year', 'month', 'employerRegisterNumber', 'employerName', 'salaryMnt', 'contributionMnt'], properties: { year: { type: 'integer' }, month: { type: 'integer', minimum: 1, maximum: 12 }, employerRegisterNumber: COMPANY_NUMBER, employerName: { type: 'string' }, salaryMnt: { type: 'integer', minimum: 0 }, contributionMnt: { type: 'integer', minimum: 0 } }, additionalProperties: false } },
        pension: { type: 'object', required: ['type', 'since', 'monthlyMnt'], properties: { type: { enum: ['old-age', 'disability', 'survivor'] }, since: DATE, monthlyMnt: { type: 'integer', minimum: 0 } }, additionalProperties: false },
        benefits: { type: 'array', items: { type: 'object', required: ['type', 'from', 'amountMnt'], properties: { type: { enum: ['child-money', 'maternity', 'sickness', 'unemployment', 'funeral'] }, from: DATE, to: DATE, amountMnt: { type: 'integer', minimum: 0 } }, additionalProperties: false } },
      },
    },
  },
  {
    id: 'addresses',
    version: '1.0',
    databaseId: 1008,
    ownerAgency: 'land',
    title: { mn: 'Засаг захиргааны нэгжийн бүртгэл', en: 'Administrative units register' },
    description: {
      mn: 'Нийслэл ба 21 аймаг, сум, дүүрэг, хороо: кодтой, монгол, англи нэртэй. Хаяг бүр эдгээрт тулгуурлана.',
      en: 'The capital and the 21 aimags, their soums, districts and khoroos, with codes and Mongolian and English names. Every address refers to them.',
    },
    keyField: 'code',
    subjectPaths: [],
    indexedFields: ['parentCode'],
    schema: {
      type: 'object',
      required: ['code', 'level', 'nameMn', 'nameEn'],
      additionalProperties: false,
      properties: {
        code: { type: 'string', pattern: '^[0-9]{2,6}$' },
        level: { enum: ['capital', 'aimag', 'district', 'soum', 'khoroo'] },
        nameMn: NAME,
        nameEn: NAME,
        parentCode: { type: 'string', pattern: '^[0-9]{2,4}$' },
        centreMn: { type: 'string', description: 'Aimag centre (town), or the soum that holds it' },
        centreEn: { type: 'string' },
        isCentre: { type: 'boolean', description: 'The soum holds its aimag’s centre' },
        population: { type: 'integer', minimum: 0, description: 'Resident population, rounded' },
      },
    },
  },
  {
    id: 'foreign-residents',
    version: '1.0',
    databaseId: 1009,
    ownerAgency: 'immigration',
    title: { mn: 'Гадаадын иргэний бүртгэл', en: 'Foreign residents register' },
    description: {
      mn: 'Монголд оршин суугаа гадаадын иргэний F-регистрийн дугаар, паспортын нэр, харьяалал, оршин суух зөвшөөрөл, хаяг.',
      en: 'Foreign residents of Mongolia: F-register number, names as in the passport, nationality, residence permit and address.',
    },
    keyField: 'registerNumber',
    subjectPaths: ['registerNumber'],
    indexedFields: ['passportNumber'],
    schema: {
      type: 'object',
      required: ['registerNumber', 'surname', 'givenName', 'nationality', 'sex', 'birthDate', 'passportNumber', 'permit', 'address'],
      additionalProperties: false,
      properties: {
        registerNumber: FOREIGN_REGISTER_NUMBER,
        surname: { ...LATIN_NAME, description: 'Surname as in the passport, Latin capitals' },
        givenName: { ...LATIN_NAME, description: 'Given names as in the passport, Latin capitals' },
        nationality: { type: 'string', pattern: '^[A-Z]{3}$', description: 'ISO 3166-1 alpha-3 code of the passport’s country' },
        sex: { enum: ['male', 'female'] },
        birthDate: DATE,
        passportNumber: { type: 'string', pattern: '^[A-Z0-9]{5,20}$' },
        mobile: { type: 'string', pattern: '^[0-9]{8}$', description: 'Registered mobile number (+976)' },
        permit: {
          type: 'object',
          required: ['type', 'number', 'issuedOn', 'validUntil'],
          properties: {
            type: { enum: ['work', 'study', 'family', 'investor', 'permanent'] },
            number: { type: 'string', minLength: 1, maxLength: 30 },
            issuedOn: DATE,
            validUntil: DATE,
          },
          additionalProperties: false,
          description: 'The current residence permit; the last day it is valid is validUntil',
        },
        address: ADDRESS,
      },
    },
  },
  {
    id: 'health',
    version: '1.0',
    databaseId: 1007,
    ownerAgency: 'moh',
    title: { mn: 'Эрүүл мэндийн бүртгэл', en: 'Health register' },
    description: { mn: 'Цусны бүлэг, дархлаажуулалт, КОВИД-19 вакцины тун, шинжилгээ, өвчилж эдгэрсэн тэмдэглэл.', en: 'Blood type and vaccinations, including COVID-19 doses, tests and recoveries.' },
    keyField: 'registerNumber',
    subjectPaths: ['registerNumber'],
    indexedFields: [],
    schema: {
      type: 'object',
      required: ['registerNumber', 'vaccinations'],
      additionalProperties: false,
      properties: {
        registerNumber: REGISTER_NUMBER,
        bloodType: { enum: ['O+', 'O-', 'A+', 'A-', 'B+', 'B-', 'AB+', 'AB-'] },
        vaccinations: {
          type: 'array',
          items: {
            type: 'object',
            required: ['disease', 'vaccine', 'dose', 'totalDoses', 'date', 'country'],
            properties: {
              disease: { type: 'string', description: 'SNOMED CT code of the disease, e.g. 840539006 for COVID-19' },
              vaccine: { type: 'string', description: 'EU DCC vaccine product code, e.g. EU/1/20/1528' },
              prophylaxis: { type: 'string', description: 'Vaccine type code, e.g. 1119349007 (mRNA)' },
              manufacturer: { type: 'string', description: 'Marketing authorisation holder code, e.g. ORG-100030215' },
              dose: { type: 'integer', minimum: 1 },
              totalDoses: { type: 'integer', minimum: 1 },
              date: DATE,
              country: { type: 'string', pattern: '^[A-Z]{2}$' },
              place: { type: 'string' },
              lot: { type: 'string' },
            },
            additionalProperties: false,
          },
        },
        // COVID-19 tests and recoveries, as EU DCC test and recovery certificates need them.
        tests: {
          type: 'array',
          items: {
            type: 'object',
            required: ['disease', 'testType', 'sampledAt', 'result', 'country'],
            properties: {
              disease: { type: 'string', description: 'SNOMED CT code of the disease, e.g. 840539006 for COVID-19' },
              testType: { enum: ['LP6464-4', 'LP217198-3'], description: 'LOINC: LP6464-4 nucleic acid amplification (PCR), LP217198-3 rapid antigen' },
              testName: { type: 'string' },
              device: { type: 'string', description: 'Rapid antigen test device identifier (EU list)' },
              sampledAt: { type: 'string', format: 'date-time' },
              result: { enum: ['260415000', '260373001'], description: 'SNOMED CT: 260415000 not detected, 260373001 detected' },
              centre: { type: 'string' },
              country: { type: 'string', pattern: '^[A-Z]{2}$' },
            },
            additionalProperties: false,
          },
        },
        recoveries: {
          type: 'array',
          items: {
            type: 'object',
            required: ['disease', 'firstPositive', 'country'],
            properties: {
              disease: { type: 'string' },
              firstPositive: DATE,
              validFrom: DATE,
              validUntil: DATE,
              country: { type: 'string', pattern: '^[A-Z]{2}$' },
            },
            additionalProperties: false,
          },
        },
      },
    },
  },
];
