// The references (лавлагаа) a person can get online: each is a catalogue service, the exchange
// service of the registry that holds the data, what will be fetched (shown before consent), and
// how the registry's answer reads as a bilingual document. The registry's answer is shaped here and
// nowhere else; no reference reads another module's tables.
import { formatAddress } from '../../kernel/address.ts';
import { formatDate, formatMnt, formatNumber } from '../../kernel/format.ts';
import type { Bilingual, DocumentSection, Text } from '../documents/index.ts';

type Data = Record<string, unknown>;
type List = Data[];

export interface ReferenceDefinition {
  /** The catalogue service's slug. */
  slug: string;
  /** Exchange service without the instance: CLASS/MEMBER/SUBSYSTEM/SERVICE. */
  service: string;
  /** Whose register number the reference is about: a person's, or a company's (signed in for it). */
  audience: 'person' | 'organisation';
  /** What will be fetched, listed before the person agrees. */
  fields: Bilingual[];
  /** The registry's answer as sections; `undefined` data means the register has no record. */
  render(data: Data | undefined): DocumentSection[];
  /** How long the reference is meant to be relied on, in days (none: as of its date). */
  validDays?: number;
}

const b = (mn: string, en: string): Bilingual => ({ mn, en });
const list = (value: unknown): List => (Array.isArray(value) ? (value as List) : []);
const str = (value: unknown): string => (value === undefined || value === null ? '' : String(value));
const date = (value: unknown): string => (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? formatDate(value) : str(value));
const NO_RECORD = b('Бүртгэлд мэдээлэл олдсонгүй.', 'The register holds no record.');

const SEX: Record<string, Bilingual> = { male: b('Эрэгтэй', 'Male'), female: b('Эмэгтэй', 'Female') };
const sex = (value: unknown): Text => SEX[str(value)] ?? str(value);
const yesNo = (value: boolean): Bilingual => (value ? b('Тийм', 'Yes') : b('Үгүй', 'No'));

/** An address as one line in each language, the way the kernel writes addresses (aimag/soum/bag, district/khoroo). */
export function addressText(value: unknown): Bilingual {
  return b(formatAddress(value, 'mn'), formatAddress(value, 'en'));
}

function fullName(data: Data): string {
  return [data.familyName, data.surname, data.givenName].filter(Boolean).map(str).join(' ');
}

function latinName(data: Data): string {
  const latin = (data.latin ?? {}) as Data;
  return [latin.surname, latin.givenName].filter(Boolean).map(str).join(' ');
}

const nameRows = (data: Data) => [
  { label: b('Ургийн овог, эцэг/эхийн нэр, нэр', 'Clan name, patronymic, given name'), value: fullName(data) },
  { label: b('Латин үсгээр', 'In Latin letters'), value: latinName(data) },
  { label: b('Регистрийн дугаар', 'Register number'), value: str(data.registerNumber) },
];

const GASR_POPULATION = 'GOV/gasr/population';
const PERSON_FIELDS = [b('Овог, нэр, регистрийн дугаар', 'Your names and register number')];

const DEGREE: Record<string, Bilingual> = { bachelor: b('Бакалавр', 'Bachelor'), master: b('Магистр', 'Master'), doctor: b('Доктор', 'Doctorate') };
const PROPERTY_TYPE: Record<string, Bilingual> = { apartment: b('Орон сууц', 'Apartment'), house: b('Амины орон сууц', 'House'), land: b('Газар', 'Land'), garage: b('Гараж', 'Garage'), office: b('Оффис', 'Office') };
const COMPANY_TYPE: Record<string, Bilingual> = { llc: b('Хязгаарлагдмал хариуцлагатай компани', 'Limited liability company'), jsc: b('Хувьцаат компани', 'Joint-stock company'), ngo: b('Төрийн бус байгууллага', 'Non-governmental organisation'), cooperative: b('Хоршоо', 'Cooperative'), partnership: b('Нөхөрлөл', 'Partnership') };
const COMPANY_STATUS: Record<string, Bilingual> = { active: b('Үйл ажиллагаа явуулж буй', 'Active'), liquidated: b('Татан буугдсан', 'Liquidated'), suspended: b('Үйл ажиллагаа түр зогссон', 'Suspended') };
const BENEFIT: Record<string, Bilingual> = { unemployment: b('Ажилгүйдлийн тэтгэмж', 'Unemployment benefit'), 'child-money': b('Хүүхдийн мөнгө', 'Child money'), maternity: b('Жирэмсний тэтгэмж', 'Maternity benefit'), sickness: b('Тахир дутуугийн тэтгэмж', 'Sickness benefit') };
const PENSION: Record<string, Bilingual> = { 'old-age': b('Өндөр насны тэтгэвэр', 'Old-age pension'), disability: b('Тахир дутуугийн тэтгэвэр', 'Disability pension'), survivor: b('Тэжээгчээ алдсаны тэтгэвэр', 'Survivor’s pension') };
const PERMIT: Record<string, Bilingual> = { work: b('Хөдөлмөр эрхлэх', 'Work'), study: b('Суралцах', 'Study'), family: b('Гэр бүлийн', 'Family'), investor: b('Хөрөнгө оруулагч', 'Investor'), permanent: b('Байнга оршин суух', 'Permanent') };
const DISEASE: Record<string, Bilingual> = { '840539006': b('КОВИД-19', 'COVID-19'), '56717001': b('Сүрьеэ', 'Tuberculosis'), '14189004': b('Улаанбурхан', 'Measles'), '66071002': b('Гепатит В', 'Hepatitis B'), '76902006': b('Татран', 'Tetanus') };
const mapped = (table: Record<string, Bilingual>, value: unknown): Text => table[str(value)] ?? str(value);

/** Contributions summed per year and employer: monthly rows over a working life would run to pages. */
function contributionsByYear(contributions: List): Text[][] {
  const totals = new Map<string, { year: number; employer: string; months: number; salary: number; paid: number }>();
  for (const row of contributions) {
    const key = `${str(row.year)}|${str(row.employerRegisterNumber)}`;
    const total = totals.get(key) ?? { year: Number(row.year), employer: `${str(row.employerName)} (${str(row.employerRegisterNumber)})`, months: 0, salary: 0, paid: 0 };
    total.months += 1;
    total.salary += Number(row.salaryMnt ?? 0);
    total.paid += Number(row.contributionMnt ?? 0);
    totals.set(key, total);
  }
  return [...totals.values()].sort((x, y) => y.year - x.year || x.employer.localeCompare(y.employer)).map((total) => [String(total.year), total.employer, String(total.months), formatMnt(total.salary), formatMnt(total.paid)]);
}

/** Employers with the first and last month contributions were paid. */
function employmentPeriods(contributions: List): Text[][] {
  const periods = new Map<string, { employer: string; first: string; last: string; months: number }>();
  for (const row of contributions) {
    const month = `${str(row.year)}.${str(row.month).padStart(2, '0')}`;
    const key = str(row.employerRegisterNumber);
    const period = periods.get(key) ?? { employer: `${str(row.employerName)} (${key})`, first: month, last: month, months: 0 };
    if (month < period.first) period.first = month;
    if (month > period.last) period.last = month;
    period.months += 1;
    periods.set(key, period);
  }
  return [...periods.values()].sort((x, y) => (x.first < y.first ? 1 : -1)).map((period) => [period.employer, period.first, period.last, String(period.months)]);
}

export const REFERENCES: ReferenceDefinition[] = [
  {
    slug: 'citizen-id-card-reference', service: `${GASR_POPULATION}/citizenIdCard`, audience: 'person', validDays: 30,
    fields: [b('Иргэний үнэмлэхний мэдээлэл: нэр, төрсөн огноо, газар, хүйс, иргэншил, хаяг', 'ID card details: names, date and place of birth, sex, citizenship, address')],
    render: (data) => (!data ? [{ note: NO_RECORD }] : [{ rows: [
      ...nameRows(data),
      { label: b('Иргэний бүртгэлийн дугаар', 'Civil registration number'), value: str(data.civilId) },
      { label: b('Хүйс', 'Sex'), value: sex(data.sex) },
      { label: b('Төрсөн огноо', 'Date of birth'), value: date(data.birthDate) },
      { label: b('Төрсөн газар', 'Place of birth'), value: addressText(data.birthPlace) },
      { label: b('Яс үндэс', 'Ethnicity'), value: str(data.nationality) },
      { label: b('Иргэншил', 'Citizenship'), value: str(data.citizenship) },
      { label: b('Оршин суугаа хаяг', 'Registered address'), value: addressText(data.address) },
    ] }]),
  },
  {
    slug: 'register-number-reference', service: `${GASR_POPULATION}/citizenIdCard`, audience: 'person', validDays: 30,
    fields: [b('Регистрийн болон иргэний бүртгэлийн дугаар, нэр, төрсөн огноо', 'Register and civil registration numbers, names, date of birth')],
    render: (data) => (!data ? [{ note: NO_RECORD }] : [{ rows: [...nameRows(data), { label: b('Иргэний бүртгэлийн дугаар', 'Civil registration number'), value: str(data.civilId) }, { label: b('Төрсөн огноо', 'Date of birth'), value: date(data.birthDate) }] }]),
  },
  {
    slug: 'residence-address-reference', service: `${GASR_POPULATION}/address`, audience: 'person', validDays: 30,
    fields: [...PERSON_FIELDS, b('Одоогийн бүртгэлтэй хаяг, бүртгүүлсэн огноо', 'Your registered address now, and since when')],
    render: (data) => {
      if (!data) return [{ note: NO_RECORD }];
      const current = list(data.history).at(-1);
      return [{ rows: [...nameRows(data), { label: b('Оршин суугаа хаяг', 'Registered address'), value: addressText(data.address) }, { label: b('Бүртгүүлсэн огноо', 'Registered there since'), value: date(current?.from) }] }];
    },
  },
  {
    slug: 'previous-addresses-reference', service: `${GASR_POPULATION}/address`, audience: 'person', validDays: 30,
    fields: [...PERSON_FIELDS, b('Одоогийн болон өмнөх бүх хаяг, хугацаа', 'Every address you were registered at, and when')],
    render: (data) => (!data ? [{ note: NO_RECORD }] : [
      { rows: nameRows(data) },
      { heading: b('Бүртгэлтэй байсан хаягууд', 'Registered addresses'), table: { columns: [b('Хаяг', 'Address'), b('Эхэлсэн', 'From'), b('Дууссан', 'To')], rows: list(data.history).slice().reverse().map((row) => [addressText(row.address), date(row.from), row.to ? date(row.to) : b('Одоог хүртэл', 'Now')]) } },
    ]),
  },
  {
    slug: 'birth-certificate-reference', service: `${GASR_POPULATION}/birth`, audience: 'person',
    fields: [...PERSON_FIELDS, b('Төрсөн огноо, газар, хүйс; эцэг, эхийн нэр, регистрийн дугаар', 'Date and place of birth, sex; your parents’ names and register numbers')],
    render: (data) => (!data ? [{ note: NO_RECORD }] : [
      { rows: [...nameRows(data), { label: b('Хүйс', 'Sex'), value: sex(data.sex) }, { label: b('Төрсөн огноо', 'Date of birth'), value: date(data.birthDate) }, { label: b('Төрсөн газар', 'Place of birth'), value: addressText(data.birthPlace) }] },
      list(data.parents).length
        ? { heading: b('Эцэг, эх', 'Parents'), table: { columns: [b('Хэн', 'Relation'), b('Нэр', 'Name'), b('Регистрийн дугаар', 'Register number')], rows: list(data.parents).map((parent) => [parent.relation === 'father' ? b('Эцэг', 'Father') : parent.relation === 'mother' ? b('Эх', 'Mother') : str(parent.relation), fullName(parent), str(parent.registerNumber)]) } }
        : { heading: b('Эцэг, эх', 'Parents'), note: b('Бүртгэлд эцэг, эхийн мэдээлэл алга.', 'The register names no parents.') },
    ]),
  },
  {
    slug: 'marriage-reference', service: `${GASR_POPULATION}/marriage`, audience: 'person', validDays: 30,
    fields: [...PERSON_FIELDS, b('Гэрлэлтийн бүртгэл: гэрлэсэн огноо, газар, гэрчилгээний дугаар, эхнэр/нөхрийн нэр', 'Marriage records: date, place, certificate number, your spouse’s name')],
    render: (data) => {
      if (!data) return [{ note: NO_RECORD }];
      const current = list(data.marriages).filter((marriage) => !marriage.dissolvedOn);
      return [
        { rows: [...nameRows(data), { label: b('Гэрлэлтийн байдал', 'Marital status'), value: data.married ? b('Гэрлэсэн', 'Married') : b('Гэрлээгүй', 'Not married') }] },
        current.length
          ? { heading: b('Бүртгэлтэй гэрлэлт', 'Registered marriage'), table: { columns: [b('Эхнэр/нөхөр', 'Spouse'), b('Регистрийн дугаар', 'Register number'), b('Гэрлэсэн огноо', 'Married on'), b('Газар', 'Place'), b('Гэрчилгээ', 'Certificate')], rows: current.map((marriage) => [fullName((marriage.spouse ?? {}) as Data), str(marriage.spouseRegisterNumber), date(marriage.registeredOn), str(marriage.place), str(marriage.certificateNumber)]) } }
          : { note: b('Хүчин төгөлдөр гэрлэлтийн бүртгэл алга.', 'No marriage in force is registered.') },
      ];
    },
  },
  {
    slug: 'divorce-reference', service: `${GASR_POPULATION}/marriage`, audience: 'person', validDays: 30,
    fields: [...PERSON_FIELDS, b('Гэрлэлт цуцлалтын бүртгэл: огноо, эхнэр/нөхрийн нэр', 'Divorce records: dates and the former spouse’s name')],
    render: (data) => {
      if (!data) return [{ note: NO_RECORD }];
      const dissolved = list(data.marriages).filter((marriage) => marriage.dissolvedOn);
      return [
        { rows: nameRows(data) },
        dissolved.length
          ? { heading: b('Цуцлагдсан гэрлэлт', 'Dissolved marriages'), table: { columns: [b('Эхнэр/нөхөр', 'Former spouse'), b('Гэрлэсэн', 'Married on'), b('Цуцалсан', 'Dissolved on'), b('Гэрчилгээ', 'Certificate')], rows: dissolved.map((marriage) => [fullName((marriage.spouse ?? {}) as Data), date(marriage.registeredOn), date(marriage.dissolvedOn), str(marriage.certificateNumber)]) } }
          : { note: b('Гэрлэлт цуцлалтын бүртгэл алга.', 'No divorce is registered.') },
      ];
    },
  },
  {
    slug: 'no-marriage-reference', service: `${GASR_POPULATION}/marriage`, audience: 'person', validDays: 30,
    fields: [...PERSON_FIELDS, b('Хүчин төгөлдөр гэрлэлт бүртгэлтэй эсэх', 'Whether a marriage in force is registered')],
    render: (data) => (!data ? [{ note: NO_RECORD }] : [
      { rows: [...nameRows(data), { label: b('Хүчин төгөлдөр гэрлэлт бүртгэлтэй', 'A marriage in force is registered'), value: yesNo(Boolean(data.married)) }] },
      { note: data.married ? b('Энэ иргэн гэрлэлтээ бүртгүүлсэн байна.', 'This person is registered as married.') : b('Энэ иргэн гэрлэлт бүртгүүлээгүй (эсвэл цуцлуулсан) байна.', 'This person has no marriage in force on the register.') },
    ]),
  },
  {
    slug: 'property-reference', service: 'GOV/gasr/property/propertyByOwner', audience: 'person', validDays: 30,
    fields: [...PERSON_FIELDS, b('Таны нэр дээрх үл хөдлөх хөрөнгө: гэрчилгээ, хаяг, талбай, хувь, барьцаа', 'Real estate in your name: certificate, address, area, share, encumbrances')],
    render: (data) => {
      const items = list(data?.items);
      return [
        { rows: [{ label: b('Регистрийн дугаар', 'Register number'), value: str(data?.registerNumber) }, { label: b('Бүртгэлтэй хөрөнгийн тоо', 'Properties registered'), value: String(items.length) }] },
        items.length
          ? { heading: b('Үл хөдлөх хөрөнгө', 'Real estate'), table: { columns: [b('Гэрчилгээ', 'Certificate'), b('Төрөл', 'Type'), b('Хаяг', 'Address'), b('Талбай, м²', 'Area, m²'), b('Бүртгэсэн', 'Registered'), b('Барьцаа', 'Encumbrances')], rows: items.map((item) => [str(item.certificateNumber), mapped(PROPERTY_TYPE, item.type), addressText(item.address), str(item.areaSquareMetres), date(item.registeredOn), list(item.encumbrances).length ? String(list(item.encumbrances).length) : b('Байхгүй', 'None')]) } }
          : { note: b('Таны нэр дээр үл хөдлөх хөрөнгө бүртгэлгүй байна.', 'No real estate is registered in your name.') },
      ];
    },
  },
  {
    slug: 'citizen-companies-reference', service: 'GOV/gasr/legalentities/companiesOfPerson', audience: 'person', validDays: 30,
    fields: [...PERSON_FIELDS, b('Таныг захирал эсвэл эцсийн өмчлөгчөөр бүртгэсэн хуулийн этгээд', 'Companies that name you as a director or beneficial owner')],
    render: (data) => {
      const items = list(data?.items);
      return [
        { rows: [{ label: b('Регистрийн дугаар', 'Register number'), value: str(data?.registerNumber) }] },
        items.length
          ? { heading: b('Хуулийн этгээд', 'Companies'), table: { columns: [b('Регистр', 'Register number'), b('Нэр', 'Name'), b('Хэлбэр', 'Form'), b('Төлөв', 'Status')], rows: items.map((item) => [str(item.registerNumber), str(item.name), mapped(COMPANY_TYPE, item.type), mapped(COMPANY_STATUS, item.status)]) } }
          : { note: b('Таны нэр дээр хуулийн этгээд бүртгэлгүй байна.', 'No company names you.') },
      ];
    },
  },
  {
    slug: 'legal-entity-reference', service: 'GOV/gasr/legalentities/legalEntity', audience: 'organisation', validDays: 30,
    fields: [b('Хуулийн этгээдийн улсын бүртгэлийн мэдээлэл: нэр, хэлбэр, хаяг, хөрөнгө, захирал, эцсийн өмчлөгч', 'The company’s state registration: name, form, address, capital, directors, beneficial owners')],
    render: (data) => (!data ? [{ note: NO_RECORD }] : [
      { rows: [
        { label: b('Нэр', 'Name'), value: str(data.name) },
        { label: b('Регистрийн дугаар', 'Register number'), value: str(data.registerNumber) },
        { label: b('Хэлбэр', 'Legal form'), value: mapped(COMPANY_TYPE, data.type) },
        { label: b('Төлөв', 'Status'), value: mapped(COMPANY_STATUS, data.status) },
        { label: b('Бүртгэсэн огноо', 'Registered on'), value: date(data.registeredOn) },
        { label: b('Хаяг', 'Address'), value: addressText(data.address) },
        { label: b('Үйл ажиллагааны чиглэл', 'Activity'), value: str(data.activity) },
        { label: b('Дүрмийн сан', 'Registered capital'), value: typeof data.capitalMnt === 'number' ? formatMnt(data.capitalMnt) : '' },
      ] },
      { heading: b('Гүйцэтгэх удирдлага', 'Directors'), table: { columns: [b('Нэр', 'Name'), b('Хэзээнээс', 'Since')], rows: list(data.directors).map((director) => [str(director.name), date(director.since)]) } },
      { heading: b('Эцсийн өмчлөгч', 'Beneficial owners'), table: { columns: [b('Нэр', 'Name'), b('Хувь, %', 'Share, %')], rows: list(data.beneficialOwners).map((owner) => [str(owner.name), str(owner.sharePercent)]) } },
    ]),
  },
  {
    slug: 'citizen-vehicles-reference', service: 'GOV/transportcentre/vehicles/vehiclesOfOwner', audience: 'person', validDays: 30,
    fields: [...PERSON_FIELDS, b('Таны өмчлөлийн тээврийн хэрэгсэл: улсын дугаар, марк, загвар, он', 'Vehicles you own: plate, make, model, year')],
    render: (data) => {
      const items = list(data?.items);
      return [
        { rows: [{ label: b('Регистрийн дугаар', 'Register number'), value: str(data?.registerNumber) }] },
        items.length
          ? { heading: b('Тээврийн хэрэгсэл', 'Vehicles'), table: { columns: [b('Улсын дугаар', 'Plate'), b('Марк', 'Make'), b('Загвар', 'Model'), b('Үйлдвэрлэсэн он', 'Year')], rows: items.map((item) => [str(item.plate), str(item.make), str(item.model), str(item.year)]) } }
          : { note: b('Таны нэр дээр тээврийн хэрэгсэл бүртгэлгүй байна.', 'No vehicle is registered to you.') },
      ];
    },
  },
  {
    slug: 'social-insurance-contributions-reference', service: 'GOV/socialinsurance/socialinsurance/contributions', audience: 'person', validDays: 30,
    fields: [...PERSON_FIELDS, b('Нийгмийн даатгалын шимтгэл: он, ажил олгогч, цалин, төлсөн шимтгэл', 'Social insurance contributions: year, employer, wages, contributions paid')],
    render: (data) => {
      if (!data) return [{ note: NO_RECORD }];
      const rows = contributionsByYear(list(data.contributions));
      return [
        { rows: [{ label: b('Регистрийн дугаар', 'Register number'), value: str(data.registerNumber) }, { label: b('Шимтгэл төлсөн сар', 'Months with contributions'), value: formatNumber(list(data.contributions).length) }] },
        rows.length
          ? { heading: b('Шимтгэл, жилээр', 'Contributions by year'), table: { columns: [b('Он', 'Year'), b('Ажил олгогч', 'Employer'), b('Сар', 'Months'), b('Цалин', 'Wages'), b('Шимтгэл', 'Contributions')], rows } }
          : { note: b('Шимтгэл төлөлтийн бүртгэл алга.', 'No contributions are recorded.') },
      ];
    },
  },
  {
    slug: 'employment-history-reference', service: 'GOV/socialinsurance/socialinsurance/contributions', audience: 'person', validDays: 30,
    fields: [...PERSON_FIELDS, b('Ажил олгогч бүрээр шимтгэл төлөгдсөн хугацаа', 'Each employer, and the months it paid contributions for you')],
    render: (data) => {
      const rows = employmentPeriods(list(data?.contributions));
      return [
        { rows: [{ label: b('Регистрийн дугаар', 'Register number'), value: str(data?.registerNumber) }] },
        rows.length
          ? { heading: b('Ажилласан газар', 'Employers'), table: { columns: [b('Ажил олгогч', 'Employer'), b('Эхэлсэн сар', 'First month'), b('Сүүлийн сар', 'Last month'), b('Нийт сар', 'Months')], rows } }
          : { note: b('Ажил эрхлэлтийн бүртгэл алга.', 'No employment is recorded.') },
      ];
    },
  },
  {
    slug: 'pension-reference', service: 'GOV/socialinsurance/socialinsurance/contributions', audience: 'person', validDays: 30,
    fields: [...PERSON_FIELDS, b('Тэтгэвэр, тэтгэмжийн төрөл, хэмжээ, огноо', 'Pension and benefits: kind, amount, since when')],
    render: (data) => {
      if (!data) return [{ note: NO_RECORD }];
      const pension = data.pension as Data | undefined;
      const benefits = list(data.benefits);
      return [
        { rows: [{ label: b('Регистрийн дугаар', 'Register number'), value: str(data.registerNumber) }] },
        pension
          ? { heading: b('Тэтгэвэр', 'Pension'), rows: [{ label: b('Төрөл', 'Kind'), value: mapped(PENSION, pension.type) }, { label: b('Тогтоосон огноо', 'Since'), value: date(pension.since) }, { label: b('Сарын хэмжээ', 'Monthly amount'), value: typeof pension.monthlyMnt === 'number' ? formatMnt(pension.monthlyMnt) : '' }] }
          : { heading: b('Тэтгэвэр', 'Pension'), note: b('Тэтгэвэр тогтоогдоогүй байна.', 'No pension has been granted.') },
        benefits.length
          ? { heading: b('Тэтгэмж', 'Benefits'), table: { columns: [b('Төрөл', 'Kind'), b('Эхэлсэн', 'From'), b('Хэмжээ', 'Amount')], rows: benefits.map((benefit) => [mapped(BENEFIT, benefit.type), date(benefit.from), typeof benefit.amountMnt === 'number' ? formatMnt(benefit.amountMnt) : '']) } }
          : { heading: b('Тэтгэмж', 'Benefits'), note: b('Тэтгэмж аваагүй байна.', 'No benefits are paid.') },
      ];
    },
  },
  {
    slug: 'entrance-exam-scores', service: 'GOV/educationevaluation/education/educationRecord', audience: 'person',
    fields: [...PERSON_FIELDS, b('Элсэлтийн ерөнхий шалгалтын он, хичээл, оноо', 'General entrance exam: year, subject, score')],
    render: (data) => {
      const exams = list(data?.entranceExams);
      return [
        { rows: [{ label: b('Регистрийн дугаар', 'Register number'), value: str(data?.registerNumber) }] },
        exams.length
          ? { heading: b('ЭЕШ-ын оноо', 'Entrance exam scores'), table: { columns: [b('Он', 'Year'), b('Хичээл', 'Subject'), b('Оноо', 'Score')], rows: exams.map((exam) => [str(exam.year), str(exam.subject), str(exam.score)]) } }
          : { note: b('ЭЕШ өгсөн бүртгэл алга.', 'No entrance exam is recorded.') },
      ];
    },
  },
  {
    slug: 'secondary-school-certificate-reference', service: 'GOV/educationevaluation/education/educationRecord', audience: 'person',
    fields: [...PERSON_FIELDS, b('Бүрэн дунд боловсролын гэрчилгээ: дугаар, сургууль, он', 'School-leaving certificate: number, school, year')],
    render: (data) => {
      const certificates = list(data?.schoolCertificates);
      return [
        { rows: [{ label: b('Регистрийн дугаар', 'Register number'), value: str(data?.registerNumber) }] },
        certificates.length
          ? { heading: b('Бүрэн дунд боловсролын гэрчилгээ', 'School-leaving certificates'), table: { columns: [b('Дугаар', 'Number'), b('Сургууль', 'School'), b('Төгссөн он', 'Year')], rows: certificates.map((item) => [str(item.number), str(item.school), str(item.year)]) } }
          : { note: b('Бүрэн дунд боловсролын гэрчилгээ бүртгэлгүй.', 'No school-leaving certificate is recorded.') },
      ];
    },
  },
  {
    slug: 'diploma-copy', service: 'GOV/educationevaluation/education/educationRecord', audience: 'person',
    fields: [...PERSON_FIELDS, b('Дээд боловсролын диплом: дугаар, сургууль, зэрэг, мэргэжил, он', 'University diplomas: number, institution, degree, field, year')],
    render: (data) => {
      const diplomas = list(data?.diplomas);
      return [
        { rows: [{ label: b('Регистрийн дугаар', 'Register number'), value: str(data?.registerNumber) }] },
        diplomas.length
          ? { heading: b('Диплом', 'Diplomas'), table: { columns: [b('Дугаар', 'Number'), b('Сургууль', 'Institution'), b('Зэрэг', 'Degree'), b('Мэргэжил', 'Field'), b('Он', 'Year')], rows: diplomas.map((item) => [str(item.number), str(item.institution), mapped(DEGREE, item.degree), str(item.field), str(item.year)]) } }
          : { note: b('Дээд боловсролын диплом бүртгэлгүй.', 'No university diploma is recorded.') },
      ];
    },
  },
  {
    slug: 'vaccination-record', service: 'GOV/moh/health/vaccinations', audience: 'person',
    fields: [...PERSON_FIELDS, b('Цусны бүлэг, хийлгэсэн вакцин, тун, огноо', 'Blood group, vaccines given, doses and dates')],
    render: (data) => {
      if (!data) return [{ note: NO_RECORD }];
      const vaccinations = list(data.vaccinations);
      return [
        { rows: [{ label: b('Регистрийн дугаар', 'Register number'), value: str(data.registerNumber) }, { label: b('Цусны бүлэг', 'Blood group'), value: str(data.bloodType) }] },
        vaccinations.length
          ? { heading: b('Вакцинжуулалт', 'Vaccinations'), table: { columns: [b('Өвчин', 'Disease'), b('Вакцин', 'Vaccine'), b('Тун', 'Dose'), b('Огноо', 'Date'), b('Улс', 'Country')], rows: vaccinations.map((item) => [mapped(DISEASE, item.disease), str(item.vaccine), `${str(item.dose)}/${str(item.totalDoses)}`, date(item.date), str(item.country)]) } }
          : { note: b('Вакцинжуулалтын бүртгэл алга.', 'No vaccinations are recorded.') },
      ];
    },
  },
  {
    slug: 'residence-permit-reference', service: 'GOV/immigration/foreignresidents/residencePermit', audience: 'person', validDays: 30,
    fields: [b('Овог, нэр, иргэншил, паспорт; оршин суух зөвшөөрлийн төрөл, дугаар, хугацаа; хаяг', 'Names, nationality, passport; residence permit type, number and validity; address')],
    render: (data) => {
      if (!data) return [{ note: NO_RECORD }];
      const permit = (data.permit ?? {}) as Data;
      return [{ rows: [
        { label: b('Овог, нэр', 'Surname, given name'), value: `${str(data.surname)} ${str(data.givenName)}` },
        { label: b('F-регистрийн дугаар', 'F-register number'), value: str(data.registerNumber) },
        { label: b('Иргэншил', 'Nationality'), value: str(data.nationality) },
        { label: b('Төрсөн огноо', 'Date of birth'), value: date(data.birthDate) },
        { label: b('Паспортын дугаар', 'Passport number'), value: str(data.passportNumber) },
        { label: b('Зөвшөөрлийн төрөл', 'Permit type'), value: mapped(PERMIT, permit.type) },
        { label: b('Зөвшөөрлийн дугаар', 'Permit number'), value: str(permit.number) },
        { label: b('Олгосон', 'Issued'), value: date(permit.issuedOn) },
        { label: b('Хүчинтэй хугацаа', 'Valid until'), value: date(permit.validUntil) },
        { label: b('Одоо хүчинтэй', 'Valid today'), value: yesNo(Boolean(data.permitValid)) },
        { label: b('Оршин суугаа хаяг', 'Address'), value: addressText(data.address) },
      ] }];
    },
  },
];

/** The reference behind a catalogue slug, if it can be had online. */
export function referenceFor(slug: string): ReferenceDefinition | undefined {
  return REFERENCES.find((reference) => reference.slug === slug);
}
