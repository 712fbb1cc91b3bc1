// A deterministic synthetic population: families with realistic Mongolian names, register numbers
// consistent with birth date and sex, addresses spread like the real population (about half in
// Ulaanbaatar), and the records other registries keep about them (health, education, social
// insurance, vehicles, property, companies). The same seed always gives the same country.
//
// Register numbers follow the published format: two Cyrillic letters for the place where the
// number was issued, YYMMDD of birth (month + 20 for births from 2000), a ninth digit odd for men
// and even for women, and a last digit. The official letter table and check-digit algorithm are
// not public: the letters here are assigned per place by this generator, and the last digit is
// random. Nothing validates a check digit.
//
// Foreign residents (the immigration agency's register) come after every citizen and from a random
// stream of their own, so the citizens of a seed are byte for byte what they were before foreign
// residents existed. Their F-register numbers are 13 characters, as the real ones are; the inner
// structure of the real number is not published, so Ф and 12 digits is our assumption.
import { Random } from '../../kernel/random.ts';
import { AIMAGS, STREET_NAMES, UB_DISTRICTS, UB_POPULATION_SHARE } from './data/places.ts';
import { CLAN_NAMES, FEMALE_NAMES, MALE_NAMES, transliterate } from './data/names.ts';

export interface GeneratedRecord {
  registryId: string;
  key: string;
  subjects: string[];
  content: Record<string, unknown>;
}

export interface GeneratorOptions {
  population: number;
  seed: string | number;
  /** The date the population is seen at; fixed so runs compare. */
  today?: Date;
}

/** The demo citizen the development sign-in acts as: always the first person generated. */
export const DEMO_CITIZEN = {
  registerNumber: 'УБ90051428',
  givenName: 'Сарангэрэл',
  surname: 'Нямдорж',
  familyName: 'Боржигин',
  birthDate: '1990-05-14',
  sex: 'female' as const,
};

/** The demo foreign resident: always the first foreign resident generated, with a permit valid until 2030. */
export const DEMO_FOREIGNER = {
  registerNumber: 'Ф200905001846',
  surname: 'KIM',
  givenName: 'MINJUN',
  nationality: 'KOR',
  sex: 'male' as const,
  birthDate: '1988-09-05',
  passportNumber: 'M48213375',
  mobile: '99118524',
  permit: { type: 'work' as const, number: 'RP2025-004127', issuedOn: '2025-03-10', validUntil: '2030-03-09' },
};

interface Place {
  letters: string;
  aimagCityCode: string;
  aimagCityName: string;
  soumDistrictCode: string;
  soumDistrictName: string;
  unitLabel: 'khoroo' | 'bag';
  units: number;
  urban: boolean;
}

interface Person {
  registerNumber: string;
  civilId: string;
  familyName: string;
  surname: string;
  givenName: string;
  birthDate: string;
  sex: 'male' | 'female';
  nationality: string;
  mobile?: string;
  addresses: { address: Record<string, string>; from: string; to?: string }[];
  birthPlace: { aimagCityName: string; soumDistrictName: string };
  parents: { registerNumber: string; relation: 'father' | 'mother' }[];
  children: string[];
  marriages: { spouseRegisterNumber: string; registeredOn: string; certificateNumber: string; place: string; dissolvedOn?: string }[];
  death?: { date: string; place: string; certificateNumber: string };
  nameChanges?: { field: 'familyName' | 'surname' | 'givenName'; from: string; to: string; changedOn: string }[];
}

const FIRST_LETTERS = 'АБВГДЕЖЗИКЛМНОӨПРСТФХ';
const SECOND_LETTERS = 'АБВГДЕЖЗИКЛМНОӨПРСТУҮФХЦЧШЭЮЯ';
const PLATE_LETTERS = 'АБВГДЕЗИКЛМНОӨПРСТУҮХЦЧЭЯ';
const NATIONALITIES = ['Халх', 'Казах', 'Дөрвөд', 'Баяд', 'Буриад', 'Захчин', 'Дарьганга', 'Урианхай', 'Дархад', 'Өөлд', 'Торгууд', 'Хотгойд'];
const NATIONALITY_WEIGHTS = [84, 3.8, 2.7, 2.1, 1.3, 1.2, 1, 0.9, 0.7, 0.5, 0.5, 0.5];
const MOBILE_PREFIXES = ['99', '88', '95', '94', '91', '89', '86', '85', '80', '96', '93'];
const VEHICLES: [string, string, string][] = [
  ['Toyota', 'Prius', 'JTD'], ['Toyota', 'Land Cruiser', 'JTM'], ['Toyota', 'Camry', 'JTN'], ['Lexus', 'RX', 'JTJ'],
  ['Hyundai', 'Elantra', 'KMH'], ['Hyundai', 'Porter', 'KMF'], ['Kia', 'Sorento', 'KNA'], ['Nissan', 'X-Trail', 'JN1'],
  ['Mitsubishi', 'Delica', 'JA3'], ['Honda', 'Fit', 'JHM'], ['Subaru', 'Forester', 'JF1'], ['Ford', 'Ranger', '1FT'],
];
const VEHICLE_WEIGHTS = [38, 10, 6, 5, 8, 5, 4, 5, 4, 6, 3, 2];
const EMPLOYER_ACTIVITIES = ['Худалдаа', 'Уул уурхай', 'Барилга', 'Тээвэр', 'Санхүү', 'Мэдээллийн технологи', 'Хөдөө аж ахуй', 'Боловсрол', 'Эрүүл мэнд', 'Зочид буудал, хоол'];
const EXAM_SUBJECTS = ['Математик', 'Монгол хэл', 'Англи хэл', 'Физик', 'Хими', 'Биологи', 'Нийгмийн тухай мэдлэг', 'Түүх'];
const UNIVERSITIES = ['Монгол Улсын Их Сургууль', 'Шинжлэх Ухаан Технологийн Их Сургууль', 'Анагаахын Шинжлэх Ухааны Үндэсний Их Сургууль', 'Монгол Улсын Боловсролын Их Сургууль', 'Санхүү Эдийн Засгийн Их Сургууль', 'Хөдөө Аж Ахуйн Их Сургууль'];
const FIELDS = ['Эрх зүй', 'Эдийн засаг', 'Програм хангамж', 'Анагаах ухаан', 'Багш', 'Санхүү', 'Уул уурхайн инженер', 'Барилгын инженер', 'Нягтлан бодох бүртгэл', 'Малын эмч'];
// COVID-19 vaccines used in Mongolia, with EU DCC value-set codes (product, holder, type).
const COVID_VACCINES: [string, string, string, number][] = [
  ['BBIBP-CorV', 'ORG-100020693', 'J07BX03', 2],
  ['Sputnik-V', 'Gamaleya-Research-Institute', 'J07BX03', 2],
  ['Covishield', 'ORG-100001981', 'J07BX03', 2],
  ['EU/1/20/1528', 'ORG-100030215', '1119349007', 2],
];
const COVID_WEIGHTS = [70, 14, 8, 8];
const BLOOD_TYPES = ['O+', 'A+', 'B+', 'AB+', 'O-', 'A-', 'B-', 'AB-'];
const BLOOD_WEIGHTS = [35, 28, 28, 7, 0.6, 0.6, 0.5, 0.3];

function iso(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function addDays(date: string, days: number): string {
  return iso(new Date(Date.parse(date) + days * 86_400_000));
}

function yearsBefore(today: Date, years: number, random: Random): string {
  const start = Date.UTC(today.getUTCFullYear() - years - 1, today.getUTCMonth(), today.getUTCDate());
  return iso(new Date(start + random.int(1, 364) * 86_400_000));
}

function ageOn(birthDate: string, today: Date): number {
  const born = new Date(`${birthDate}T00:00:00Z`);
  let age = today.getUTCFullYear() - born.getUTCFullYear();
  if (today.getUTCMonth() < born.getUTCMonth() || (today.getUTCMonth() === born.getUTCMonth() && today.getUTCDate() < born.getUTCDate())) age -= 1;
  return age;
}

/** Every place a person can live: UB districts (letters УБ..), soums of the 21 aimags. */
function buildPlaces(): { places: Place[]; weights: number[] } {
  const places: Place[] = [];
  const weights: number[] = [];
  const ubTotal = UB_DISTRICTS.reduce((sum, district) => sum + district.population, 0);
  UB_DISTRICTS.forEach((district, index) => {
    places.push({
      letters: `У${SECOND_LETTERS[index]}`,
      aimagCityCode: '11',
      aimagCityName: 'Улаанбаатар',
      soumDistrictCode: district.code,
      soumDistrictName: district.nameMn,
      unitLabel: 'khoroo',
      units: Math.max(1, district.khoroos),
      urban: true,
    });
    weights.push((district.population / ubTotal) * UB_POPULATION_SHARE);
  });
  const aimagTotal = AIMAGS.reduce((sum, aimag) => sum + aimag.population, 0);
  AIMAGS.forEach((aimag, aimagIndex) => {
    const soums = aimag.soums.length > 0 ? aimag.soums : [{ code: `${aimag.code}01`, nameMn: aimag.centreMn, nameEn: aimag.centreEn }];
    soums.forEach((soum, soumIndex) => {
      const centre = soum.code === `${aimag.code}01`;
      places.push({
        letters: `${FIRST_LETTERS[aimagIndex % FIRST_LETTERS.length]}${SECOND_LETTERS[soumIndex % SECOND_LETTERS.length]}`,
        aimagCityCode: aimag.code,
        aimagCityName: aimag.nameMn,
        soumDistrictCode: soum.code,
        soumDistrictName: soum.nameMn,
        unitLabel: 'bag',
        units: centre ? 8 : 4,
        urban: centre,
      });
      // The aimag centre holds about a third of an aimag's people.
      const share = centre ? 0.35 : 0.65 / Math.max(1, soums.length - 1);
      weights.push((aimag.population / aimagTotal) * (1 - UB_POPULATION_SHARE) * share);
    });
  });
  return { places, weights };
}

/** A home address in a place: a flat on a named street, or a ger-district plot or a rural section. */
function addressAt(place: Place, random: Random): Record<string, string> {
  const unit = random.int(1, place.units);
  const base: Record<string, string> = {
    aimagCityCode: place.aimagCityCode,
    aimagCityName: place.aimagCityName,
    soumDistrictCode: place.soumDistrictCode,
    soumDistrictName: place.soumDistrictName,
    bagKhorooName: `${unit}-р ${place.unitLabel === 'khoroo' ? 'хороо' : 'баг'}`,
  };
  if (place.urban && random.chance(0.7)) {
    const street = random.pick(STREET_NAMES);
    base.street = street.mn;
    base.building = `${random.int(1, 120)}`;
    base.apartment = `${random.int(1, 180)}`;
  } else {
    base.detail = place.urban ? `${random.int(1, 40)}-р гудамж, ${random.int(1, 300)} тоот хашаа` : `${random.int(1, 30)}-р хэсэг`;
  }
  return base;
}

/**
 * The n-th plate of a place: four digits, the place's two letters and a series letter, as
 * "1234УБА". The capital has more cars than one pair of letters holds (10,000 x 25 series), so
 * its plates move on to the next pair (УА.., УБ.., УВ..) as series run out, as the real ones do.
 */
export function plateOf(letters: string, serial: number): string {
  const series = Math.floor(serial / 10_000);
  const third = PLATE_LETTERS[series % PLATE_LETTERS.length];
  const capital = letters.startsWith('У');
  const pair = capital ? `У${PLATE_LETTERS[(PLATE_LETTERS.indexOf(letters[1]!) + Math.floor(series / PLATE_LETTERS.length)) % PLATE_LETTERS.length]}` : letters;
  if (series >= (capital ? PLATE_LETTERS.length ** 2 : PLATE_LETTERS.length)) throw new Error(`plates of ${letters} exhausted`);
  return `${String(serial % 10_000).padStart(4, '0')}${pair}${third}`;
}

/** The administrative units register: the capital, its districts and khoroos, aimags and soums. */
export function administrativeUnits(): GeneratedRecord[] {
  const unit = (content: Record<string, unknown>): GeneratedRecord => ({ registryId: 'addresses', key: String(content.code), subjects: [], content });
  const units: GeneratedRecord[] = [
    unit({ code: '11', level: 'capital', nameMn: 'Улаанбаатар', nameEn: 'Ulaanbaatar', population: UB_DISTRICTS.reduce((sum, district) => sum + district.population, 0) }),
  ];
  for (const district of UB_DISTRICTS) {
    units.push(unit({ code: district.code, level: 'district', nameMn: district.nameMn, nameEn: district.nameEn, parentCode: '11', population: district.population }));
    for (let khoroo = 1; khoroo <= district.khoroos; khoroo += 1) {
      units.push(unit({ code: `${district.code}${String(khoroo).padStart(2, '0')}`, level: 'khoroo', nameMn: `${district.nameMn} дүүргийн ${khoroo}-р хороо`, nameEn: `${district.nameEn} district, khoroo ${khoroo}`, parentCode: district.code }));
    }
  }
  for (const aimag of AIMAGS) {
    units.push(unit({ code: aimag.code, level: 'aimag', nameMn: aimag.nameMn, nameEn: aimag.nameEn, centreMn: aimag.centreMn, centreEn: aimag.centreEn, population: aimag.population }));
    aimag.soums.forEach((soum, index) => {
      units.push(unit({ code: soum.code, level: 'soum', nameMn: soum.nameMn, nameEn: soum.nameEn, parentCode: aimag.code, ...(index === 0 ? { isCentre: true } : {}) }));
    });
  }
  return units;
}

/** Yields the records of one family at a time, until `population` people exist. */
export function* generatePopulation(options: GeneratorOptions): Generator<GeneratedRecord[]> {
  const random = new Random(options.seed);
  const today = options.today ?? new Date(Date.UTC(2026, 0, 1));
  const { places, weights } = buildPlaces();
  const usedNumbers = new Set<string>();
  const counters = new Map<string, number>();
  let personIndex = 0;
  let certificateIndex = 0;
  let companyIndex = 0;
  let produced = 0;
  const companies: { registerNumber: string; name: string }[] = [];
  // The places everyone's address refers to come first.
  yield administrativeUnits();

  const nextCounter = (name: string) => {
    const value = (counters.get(name) ?? 0) + 1;
    counters.set(name, value);
    return value;
  };

  const registerNumber = (place: Place, birthDate: string, sex: 'male' | 'female', fixed?: string): string => {
    if (fixed && !usedNumbers.has(fixed)) {
      usedNumbers.add(fixed);
      return fixed;
    }
    const [year = '2000', month = '01', day = '01'] = birthDate.split('-');
    const yy = year.slice(2);
    const mm = String(Number(month) + (Number(year) >= 2000 ? 20 : 0)).padStart(2, '0');
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const letters = attempt < 100 ? place.letters : `${random.pick([...FIRST_LETTERS])}${random.pick([...SECOND_LETTERS])}`;
      const ninth = sex === 'male' ? random.pick([1, 3, 5, 7, 9]) : random.pick([0, 2, 4, 6, 8]);
      const candidate = `${letters}${yy}${mm}${day}${ninth}${random.int(0, 9)}`;
      if (!usedNumbers.has(candidate)) {
        usedNumbers.add(candidate);
        return candidate;
      }
    }
    throw new Error('register numbers exhausted for one place and day');
  };

  // 12 digits, unique: a multiplication that permutes 0..10^12-1 (the multiplier is coprime with 10).
  const civilId = () => String((personIndex * 829_341_751 + 104_729_001) % 1_000_000_000_000).padStart(12, '0');

  const address = (place: Place): Record<string, string> => addressAt(place, random);

  const makePerson = (place: Place, sex: 'male' | 'female', birthDate: string, names: { familyName: string; surname: string; givenName?: string }, fixed?: string): Person => {
    personIndex += 1;
    const givenName = names.givenName ?? (sex === 'male' ? random.zipf(MALE_NAMES) : random.zipf(FEMALE_NAMES));
    const age = ageOn(birthDate, today);
    const person: Person = {
      registerNumber: registerNumber(place, birthDate, sex, fixed),
      civilId: civilId(),
      familyName: names.familyName,
      surname: names.surname,
      givenName,
      birthDate,
      sex,
      nationality: place.aimagCityName === 'Баян-Өлгий' && random.chance(0.85) ? 'Казах' : random.weighted(NATIONALITIES, NATIONALITY_WEIGHTS),
      addresses: [],
      birthPlace: { aimagCityName: place.aimagCityName, soumDistrictName: place.soumDistrictName },
      parents: [],
      children: [],
      marriages: [],
    };
    if (age >= 16) person.mobile = `${random.pick(MOBILE_PREFIXES)}${String(random.int(0, 999_999)).padStart(6, '0')}`;
    return person;
  };

  const certificate = (prefix: string) => `${prefix}${String((certificateIndex += 1)).padStart(8, '0')}`;

  const personRecord = (person: Person): GeneratedRecord => {
    const content: Record<string, unknown> = {
      registerNumber: person.registerNumber,
      civilId: person.civilId,
      familyName: person.familyName,
      surname: person.surname,
      givenName: person.givenName,
      latin: { familyName: transliterate(person.familyName), surname: transliterate(person.surname), givenName: transliterate(person.givenName) },
      birthDate: person.birthDate,
      birthPlace: person.birthPlace,
      sex: person.sex,
      nationality: person.nationality,
      citizenship: 'MN',
      addresses: person.addresses,
      parents: person.parents,
      children: person.children,
      marriages: person.marriages,
    };
    if (person.mobile) content.mobile = person.mobile;
    if (person.death) content.death = person.death;
    if (person.nameChanges?.length) content.nameChanges = person.nameChanges;
    return { registryId: 'population', key: person.registerNumber, subjects: [person.registerNumber], content };
  };

  const healthRecord = (person: Person): GeneratedRecord => {
    const vaccinations: Record<string, unknown>[] = [];
    const age = ageOn(person.birthDate, today);
    // BCG at birth for everyone; the first COVID-19 doses went to adults from February 2021.
    vaccinations.push({ disease: '56717001', vaccine: 'BCG', dose: 1, totalDoses: 1, date: addDays(person.birthDate, random.int(0, 3)), country: 'MN' });
    if (age >= 18 && !person.death && random.chance(0.78)) {
      const [product, holder, type, total] = random.weighted(COVID_VACCINES, COVID_WEIGHTS);
      let date = iso(new Date(Date.UTC(2021, 1, 22) + random.int(0, 200) * 86_400_000));
      const doses = random.chance(0.9) ? total : 1;
      for (let dose = 1; dose <= doses; dose += 1) {
        vaccinations.push({ disease: '840539006', vaccine: product, prophylaxis: type, manufacturer: holder, dose, totalDoses: total, date, country: 'MN', place: person.addresses.at(-1)?.address.soumDistrictName ?? '', lot: `${product.slice(0, 3).toUpperCase()}${random.int(100000, 999999)}` });
        date = addDays(date, random.int(28, 60));
      }
      if (doses === total && random.chance(0.45)) {
        vaccinations.push({ disease: '840539006', vaccine: 'EU/1/20/1528', prophylaxis: '1119349007', manufacturer: 'ORG-100030215', dose: total + 1, totalDoses: total + 1, date: addDays(date, random.int(150, 240)), country: 'MN', lot: `FP${random.int(1000, 9999)}` });
      }
    }
    return { registryId: 'health', key: person.registerNumber, subjects: [person.registerNumber], content: { registerNumber: person.registerNumber, bloodType: random.weighted(BLOOD_TYPES, BLOOD_WEIGHTS), vaccinations } };
  };

  const educationRecord = (person: Person): GeneratedRecord | undefined => {
    const age = ageOn(person.birthDate, today);
    if (age < 18 || age > 45) return undefined;
    const graduation = Number(person.birthDate.slice(0, 4)) + 18;
    const exams = random.chance(0.8)
      ? [...new Set([random.pick(EXAM_SUBJECTS), random.pick(EXAM_SUBJECTS)])].map((subject) => ({ year: graduation, subject, score: Math.max(200, Math.min(800, Math.round(random.normal(520, 110)))) }))
      : [];
    const diplomas = age >= 22 && random.chance(0.45)
      ? [{ number: `D${graduation + 4}${String(random.int(0, 99999)).padStart(5, '0')}`, institution: random.pick(UNIVERSITIES), degree: random.chance(0.85) ? 'bachelor' : 'master', field: random.pick(FIELDS), year: graduation + 4 }]
      : [];
    return {
      registryId: 'education',
      key: person.registerNumber,
      subjects: [person.registerNumber],
      content: { registerNumber: person.registerNumber, entranceExams: exams, schoolCertificates: [{ number: `Б${graduation}${String(random.int(0, 999999)).padStart(6, '0')}`, school: `${random.int(1, 120)}-р сургууль`, year: graduation }], diplomas },
    };
  };

  const socialRecord = (person: Person): GeneratedRecord | undefined => {
    const age = ageOn(person.birthDate, today);
    if (age < 18 || person.death) return undefined;
    const contributions: Record<string, unknown>[] = [];
    const benefits: Record<string, unknown>[] = [];
    let pension: Record<string, unknown> | undefined;
    const retirementAge = person.sex === 'male' ? 60 : 57;
    if (age >= retirementAge) {
      pension = { type: 'old-age', since: addDays(person.birthDate, retirementAge * 365 + 15), monthlyMnt: random.int(55, 140) * 5000 };
    } else if (companies.length > 0 && random.chance(0.62)) {
      const employer = random.pick(companies);
      const salary = random.int(60, 600) * 10000;
      // The last twelve months, as the monthly reference shows.
      for (let back = 12; back >= 1; back -= 1) {
        const month = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - back, 1));
        contributions.push({ year: month.getUTCFullYear(), month: month.getUTCMonth() + 1, employerRegisterNumber: employer.registerNumber, employerName: employer.name, salaryMnt: salary, contributionMnt: Math.round(salary * 0.115) });
      }
    } else if (random.chance(0.1)) {
      benefits.push({ type: 'unemployment', from: addDays(iso(today), -random.int(10, 150)), amountMnt: random.int(30, 60) * 10000 });
    }
    if (person.children.length > 0 && person.sex === 'female') benefits.push({ type: 'child-money', from: addDays(iso(today), -random.int(30, 700)), amountMnt: 100000 * person.children.length });
    const content: Record<string, unknown> = { registerNumber: person.registerNumber, contributions, benefits };
    if (pension) content.pension = pension;
    return { registryId: 'social-insurance', key: person.registerNumber, subjects: [person.registerNumber], content };
  };

  const vehicleRecord = (person: Person, place: Place): GeneratedRecord => {
    const [make, model, wmi] = random.weighted(VEHICLES, VEHICLE_WEIGHTS);
    const letters = place.aimagCityCode === '11' ? 'УБ' : place.letters;
    const plate = plateOf(letters, nextCounter(`plate:${letters}`));
    const vinChars = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';
    let vin = wmi;
    while (vin.length < 11) vin += vinChars[random.int(0, vinChars.length - 1)];
    vin += String(nextCounter('vin')).padStart(6, '0');
    const year = random.int(2004, today.getUTCFullYear() - 1);
    const registeredOn = iso(new Date(Date.UTC(Math.max(year, Number(person.birthDate.slice(0, 4)) + 18), random.int(0, 11), random.int(1, 28))));
    const inspections = [];
    for (let y = today.getUTCFullYear() - 2; y < today.getUTCFullYear(); y += 1) {
      const date = iso(new Date(Date.UTC(y, random.int(2, 9), random.int(1, 28))));
      const passed = random.chance(0.93);
      inspections.push({ date, result: passed ? 'passed' : 'failed', station: `${place.soumDistrictName} техникийн хяналтын төв`, validUntil: addDays(date, passed ? 365 : 30) });
    }
    return { registryId: 'vehicles', key: plate, subjects: [person.registerNumber], content: { plate, vin, make, model, year, colour: random.pick(['Цагаан', 'Хар', 'Мөнгөлөг', 'Саарал', 'Улаан', 'Цэнхэр']), fuel: model === 'Prius' ? 'hybrid' : random.chance(0.8) ? 'petrol' : 'diesel', ownerRegisterNumber: person.registerNumber, registeredOn, inspections } };
  };

  const propertyRecord = (owners: Person[], place: Place, homeAddress: Record<string, string>): GeneratedRecord => {
    const certificateNumber = String(100_000_000 + nextCounter('property-certificate') * 7).slice(-9);
    const type = place.urban ? (homeAddress.apartment ? 'apartment' : 'house') : 'land';
    const area = type === 'apartment' ? random.int(28, 140) : type === 'house' ? random.int(40, 220) : random.int(300, 700);
    const share = Math.round((100 / owners.length) * 100) / 100;
    return {
      registryId: 'property',
      key: certificateNumber,
      subjects: owners.map((owner) => owner.registerNumber),
      content: {
        certificateNumber,
        propertyNumber: `Ү-${String(2_200_000_000 + nextCounter('property-number')).padStart(10, '0')}`,
        type,
        address: homeAddress,
        areaSquareMetres: area,
        owners: owners.map((owner) => ({ registerNumber: owner.registerNumber, name: `${owner.surname.slice(0, 1)}.${owner.givenName}`, sharePercent: share })),
        registeredOn: iso(new Date(Date.UTC(random.int(2000, today.getUTCFullYear() - 1), random.int(0, 11), random.int(1, 28)))),
        encumbrances: random.chance(0.25) ? [{ type: 'mortgage', holder: random.pick(['Хаан банк', 'Голомт банк', 'Төрийн банк', 'Худалдаа хөгжлийн банк', 'Хас банк']), since: addDays(iso(today), -random.int(100, 3000)) }] : [],
      },
    };
  };

  const companyRecord = (director: Person, place: Place, homeAddress: Record<string, string>): GeneratedRecord => {
    companyIndex += 1;
    const registerNumber = String(2_000_000 + ((companyIndex * 7_919) % 7_999_999)).padStart(7, '0');
    const activity = random.pick(EMPLOYER_ACTIVITIES);
    const word = random.pick(['Төгөл', 'Монгол', 'Алтан', 'Хурд', 'Эрдэнэ', 'Соёмбо', 'Тэнгэр', 'Өргөө', 'Номин', 'Бадрах', 'Нарлаг', 'Хангай']);
    const name = `${word} ${random.pick(['Трейд', 'Констракшн', 'Групп', 'Системс', 'Логистик', 'Финанс', 'Агро', 'Сервис'])} ХХК`;
    companies.push({ registerNumber, name });
    return {
      registryId: 'legal-entities',
      key: registerNumber,
      subjects: [director.registerNumber],
      content: {
        registerNumber,
        name,
        type: 'llc',
        registeredOn: iso(new Date(Date.UTC(random.int(1995, today.getUTCFullYear() - 1), random.int(0, 11), random.int(1, 28)))),
        address: place.urban ? homeAddress : { ...homeAddress, detail: 'Төв хэсэг' },
        status: random.chance(0.94) ? 'active' : 'liquidated',
        activity,
        capitalMnt: random.int(1, 500) * 1_000_000,
        directors: [{ registerNumber: director.registerNumber, name: `${director.surname.slice(0, 1)}.${director.givenName}`, since: addDays(iso(today), -random.int(30, 4000)) }],
        beneficialOwners: [{ registerNumber: director.registerNumber, name: `${director.surname.slice(0, 1)}.${director.givenName}`, sharePercent: 100 }],
      },
    };
  };

  while (produced < options.population) {
    const first = produced === 0;
    const place = first ? places[2]! : random.weighted(places, weights);
    const home = address(place);
    const moved = random.chance(place.urban ? 0.35 : 0.1) ? random.weighted(places, weights) : undefined;
    const headAge = first ? 40 : Math.max(18, Math.min(88, Math.round(random.normal(42, 13))));
    const kind = first ? 'couple' : headAge > 70 ? random.weighted(['couple', 'single'], [55, 45]) : random.weighted(['couple', 'single', 'single-parent'], [70, 18, 12]);
    const members: Person[] = [];

    const fatherClan = random.zipf(CLAN_NAMES, 0.6);
    const husband = makePerson(place, 'male', first ? '1986-03-02' : yearsBefore(today, headAge, random), { familyName: fatherClan, surname: random.zipf(MALE_NAMES) });
    const wifeAge = Math.max(18, headAge + random.int(-6, 3));
    const wife = first
      ? makePerson(place, 'female', DEMO_CITIZEN.birthDate, { familyName: DEMO_CITIZEN.familyName, surname: DEMO_CITIZEN.surname, givenName: DEMO_CITIZEN.givenName }, DEMO_CITIZEN.registerNumber)
      : makePerson(place, 'female', yearsBefore(today, wifeAge, random), { familyName: random.zipf(CLAN_NAMES, 0.6), surname: random.zipf(MALE_NAMES) });

    let parents: Person[];
    if (kind === 'couple') parents = [husband, wife];
    else if (kind === 'single') parents = [random.chance(0.5) ? husband : wife];
    else parents = [random.chance(0.8) ? wife : husband];
    members.push(...parents);

    if (kind === 'couple') {
      const registeredOn = addDays(wife.birthDate, random.int(21, 29) * 365);
      const number = certificate('Г');
      const dissolved = !first && random.chance(0.08) ? addDays(registeredOn, random.int(400, 6000)) : undefined;
      for (const [self, spouse] of [[husband, wife], [wife, husband]] as const) {
        self.marriages.push({ spouseRegisterNumber: spouse.registerNumber, registeredOn, certificateNumber: number, place: place.soumDistrictName, ...(dissolved && dissolved < iso(today) ? { dissolvedOn: dissolved } : {}) });
      }
    }

    const mother = parents.find((p) => p.sex === 'female');
    const father = parents.find((p) => p.sex === 'male');
    const motherAge = mother ? ageOn(mother.birthDate, today) : ageOn(parents[0]!.birthDate, today);
    const childCount = kind === 'single' ? 0 : first ? 2 : random.weighted([0, 1, 2, 3, 4, 5], [10, 22, 30, 22, 11, 5]);
    for (let c = 0; c < childCount; c += 1) {
      const childAge = first ? [12, 8][c]! : motherAge - random.int(19, Math.max(20, Math.min(42, motherAge - 1)));
      if (childAge < 0) continue;
      const sex = random.chance(0.51) ? 'male' : 'female';
      const child = makePerson(place, sex, yearsBefore(today, childAge, random), {
        familyName: father?.familyName ?? mother?.familyName ?? fatherClan,
        // Children carry the father's given name as their patronymic, or the mother's when there is no father.
        surname: father?.givenName ?? mother?.givenName ?? random.zipf(MALE_NAMES),
      });
      for (const parent of parents) {
        child.parents.push({ registerNumber: parent.registerNumber, relation: parent.sex === 'male' ? 'father' : 'mother' });
        parent.children.push(child.registerNumber);
      }
      members.push(child);
    }

    // Address history: where people were registered, the current address last.
    for (const person of members) {
      const movedIn = addDays(person.birthDate, ageOn(person.birthDate, today) > 20 ? random.int(18, 30) * 365 : 0);
      if (moved && ageOn(person.birthDate, today) > 18) {
        person.addresses.push({ address: address(moved), from: person.birthDate, to: movedIn });
        person.addresses.push({ address: home, from: movedIn });
      } else {
        person.addresses.push({ address: home, from: movedIn > iso(today) ? person.birthDate : movedIn });
      }
      const age = ageOn(person.birthDate, today);
      if (!first && age > 60 && random.chance((age - 60) / 120)) {
        const date = addDays(iso(today), -random.int(10, 900));
        person.death = { date, place: place.soumDistrictName, certificateNumber: certificate('Н') };
      }
      if (!first && person.sex === 'female' && age > 25 && random.chance(0.01)) {
        const previous = random.zipf(FEMALE_NAMES);
        person.nameChanges = [{ field: 'givenName', from: previous, to: person.givenName, changedOn: addDays(person.birthDate, random.int(18, 25) * 365) }];
      }
    }

    const records: GeneratedRecord[] = members.map(personRecord);
    for (const person of members) {
      records.push(healthRecord(person));
      const education = educationRecord(person);
      if (education) records.push(education);
    }
    const adults = members.filter((person) => ageOn(person.birthDate, today) >= 18 && !person.death);
    if (adults.length > 0 && (random.chance(place.urban ? 0.015 : 0.006) || (first && companies.length === 0))) {
      records.push(companyRecord(adults[0]!, place, home));
    }
    for (const person of members) {
      const social = socialRecord(person);
      if (social) records.push(social);
    }
    for (const adult of adults) if (ageOn(adult.birthDate, today) < 75 && random.chance(first ? 1 : 0.3)) records.push(vehicleRecord(adult, place));
    if (adults.length > 0 && random.chance(place.urban ? 0.6 : 0.5)) records.push(propertyRecord(adults.slice(0, random.chance(0.5) ? 2 : 1), place, home));

    produced += members.length;
    yield records;
  }

  // Foreign residents last, so that stopping early or adding them never shifts a citizen.
  yield* generateForeignResidents({ count: foreignResidentCount(options.population), seed: options.seed, today }, places);
}

// ---------------------------------------------------------------------------------------------
// Foreign residents. Nationalities weighted roughly as Mongolia's residence permits are (China,
// Russia and South Korea first); names in Latin capitals as the passport prints them.

interface Nationality {
  code: string;
  weight: number;
  surnames: string[];
  male: string[];
  female: string[];
  /** Women's surnames take -A (Russian and Kazakh surnames ending in -OV, -EV, -IN). */
  femaleSurnameA?: boolean;
  /** Passport number: a prefix and this many digits. */
  passport: [prefixes: string[], digits: number];
}

const FOREIGN_NATIONALITIES: Nationality[] = [
  { code: 'CHN', weight: 34, surnames: ['WANG', 'LI', 'ZHANG', 'LIU', 'CHEN', 'YANG', 'ZHAO', 'HUANG', 'ZHOU', 'WU'], male: ['WEI', 'JIAN', 'HAO', 'JUN', 'LEI', 'MING', 'QIANG', 'YONG'], female: ['FANG', 'JING', 'YAN', 'XIU', 'MEI', 'HUI', 'LING', 'XIAOYAN'], passport: [['E', 'EA', 'EB'], 8] },
  { code: 'RUS', weight: 16, surnames: ['IVANOV', 'SMIRNOV', 'KUZNETSOV', 'POPOV', 'VASILYEV', 'PETROV', 'SOKOLOV', 'MIKHAILOV'], male: ['ALEXANDER', 'SERGEY', 'DMITRY', 'ANDREY', 'ALEXEY', 'IVAN', 'MAXIM', 'NIKOLAI'], female: ['ELENA', 'OLGA', 'NATALIA', 'TATIANA', 'ANNA', 'IRINA', 'SVETLANA', 'MARIA'], femaleSurnameA: true, passport: [['75', '76', '77'], 7] },
  { code: 'KOR', weight: 14, surnames: ['KIM', 'LEE', 'PARK', 'CHOI', 'JUNG', 'KANG', 'CHO', 'YOON'], male: ['MINJUN', 'SEOJUN', 'JIHOON', 'HYUNWOO', 'DONGHYUN', 'SUNGMIN'], female: ['SEOYEON', 'JIYOUNG', 'MINJI', 'SOYEON', 'EUNJI', 'HYEJIN'], passport: [['M'], 8] },
  { code: 'KAZ', weight: 6, surnames: ['NURLANOV', 'SERIKOV', 'ABENOV', 'ZHUMABAYEV', 'KASYMOV', 'BEKOV', 'OMAROV', 'ALIYEV'], male: ['NURSULTAN', 'ASKAR', 'YERLAN', 'DAUREN', 'ARMAN', 'BERIK'], female: ['AIGERIM', 'ALIYA', 'DINARA', 'GULNARA', 'SAULE', 'ZHANAR'], femaleSurnameA: true, passport: [['N'], 8] },
  { code: 'USA', weight: 6, surnames: ['SMITH', 'JOHNSON', 'WILLIAMS', 'BROWN', 'JONES', 'MILLER', 'DAVIS', 'WILSON'], male: ['JAMES', 'JOHN', 'ROBERT', 'MICHAEL', 'DAVID', 'DANIEL'], female: ['MARY', 'JENNIFER', 'SARAH', 'EMILY', 'JESSICA', 'ELIZABETH'], passport: [['5', '6'], 8] },
  { code: 'JPN', weight: 5, surnames: ['SATO', 'SUZUKI', 'TAKAHASHI', 'TANAKA', 'WATANABE', 'ITO', 'YAMAMOTO', 'NAKAMURA'], male: ['HIROSHI', 'TAKESHI', 'KENJI', 'YUKI', 'DAISUKE', 'SHOTA'], female: ['YUKO', 'AYAKA', 'MISAKI', 'HARUKA', 'NAOKO', 'YUMI'], passport: [['TK', 'TR', 'MZ'], 7] },
  { code: 'VNM', weight: 5, surnames: ['NGUYEN', 'TRAN', 'LE', 'PHAM', 'HOANG', 'VU', 'DANG', 'BUI'], male: ['VAN HUNG', 'DUC ANH', 'MINH TUAN', 'QUANG HUY'], female: ['THI HOA', 'THU HUONG', 'NGOC ANH', 'THI LAN'], passport: [['C'], 7] },
  { code: 'TUR', weight: 3, surnames: ['YILMAZ', 'KAYA', 'DEMIR', 'SAHIN', 'CELIK', 'YILDIZ'], male: ['MEHMET', 'MUSTAFA', 'AHMET', 'EMRE', 'MURAT'], female: ['AYSE', 'FATMA', 'ELIF', 'ZEYNEP', 'EMINE'], passport: [['U'], 8] },
  { code: 'PHL', weight: 3, surnames: ['SANTOS', 'REYES', 'CRUZ', 'BAUTISTA', 'GARCIA', 'MENDOZA'], male: ['JOSE', 'MARK', 'JOHN PAUL', 'RAMON'], female: ['MARIA', 'GRACE', 'JOY', 'ANGELICA'], passport: [['P'], 7] },
  { code: 'DEU', weight: 2, surnames: ['MUELLER', 'SCHMIDT', 'SCHNEIDER', 'FISCHER', 'WEBER', 'MEYER'], male: ['THOMAS', 'MICHAEL', 'ANDREAS', 'STEFAN', 'JAN'], female: ['ANNA', 'JULIA', 'SABINE', 'KATHARINA', 'LAURA'], passport: [['C'], 8] },
  { code: 'GBR', weight: 2, surnames: ['SMITH', 'JONES', 'TAYLOR', 'BROWN', 'WILLIAMS', 'DAVIES'], male: ['OLIVER', 'GEORGE', 'HARRY', 'JAMES', 'THOMAS'], female: ['OLIVIA', 'AMELIA', 'EMMA', 'CHARLOTTE', 'SOPHIE'], passport: [['1', '5'], 8] },
  { code: 'IND', weight: 2, surnames: ['SHARMA', 'SINGH', 'KUMAR', 'PATEL', 'GUPTA', 'REDDY'], male: ['RAHUL', 'AMIT', 'ARJUN', 'VIKRAM', 'RAJESH'], female: ['PRIYA', 'ANJALI', 'NEHA', 'POOJA', 'DIVYA'], passport: [['J', 'K', 'L'], 7] },
];
// Work permits are most of them; study permits go to the young.
const PERMIT_TYPES = ['work', 'family', 'study', 'investor', 'permanent'] as const;
const PERMIT_WEIGHTS = [45, 18, 15, 10, 12];
const PERMIT_YEARS: Record<(typeof PERMIT_TYPES)[number], number> = { work: 1, family: 3, study: 1, investor: 3, permanent: 5 };
// Where foreigners live in the capital: the central districts far more than the ger districts.
const FOREIGN_UB_WEIGHTS: Record<string, number> = { '1101': 1, '1102': 0.5, '1103': 14, '1104': 20, '1105': 1, '1106': 5, '1107': 25, '1108': 22, '1109': 12 };
// Outside the capital: the mining and border towns (Erdenet, Darkhan, Dalanzadgad, Sainshand, Sükhbaatar).
const FOREIGN_AIMAG_CENTRES = ['6101', '4501', '4601', '4401', '4301'];
/** Share of foreign residents whose permit has run out (they are still in the register). */
const EXPIRED_PERMIT_SHARE = 0.05;

/** How many foreign residents a population of this size has: about 1 in 300, at least one from 100 people. */
export function foreignResidentCount(population: number): number {
  return population >= 100 ? Math.max(1, Math.round(population / 300)) : 0;
}

/** The n-th F-register number (n >= 1): Ф and 12 digits, from a permutation of 0..10^12-1 (multiplier coprime with 10). */
function foreignNumber(index: number): string {
  return `Ф${String((index * 731_958_229 + 190_400_000_017) % 1_000_000_000_000).padStart(12, '0')}`;
}

/** Yields `count` foreign residents (DEMO_FOREIGNER first) as records of the foreign-residents register. */
export function* generateForeignResidents(options: { count: number; seed: string | number; today?: Date }, places = buildPlaces().places): Generator<GeneratedRecord[]> {
  if (options.count <= 0) return;
  const random = new Random(`${String(options.seed)}/foreign-residents`);
  const today = options.today ?? new Date(Date.UTC(2026, 0, 1));
  const ubPlaces = places.filter((place) => place.aimagCityCode === '11');
  const ubWeights = ubPlaces.map((place) => FOREIGN_UB_WEIGHTS[place.soumDistrictCode] ?? 1);
  const townPlaces = places.filter((place) => FOREIGN_AIMAG_CENTRES.includes(place.soumDistrictCode));
  const used = new Set<string>([DEMO_FOREIGNER.registerNumber]);
  let batch: GeneratedRecord[] = [];
  let serial = 0;
  for (let index = 0; index < options.count; index += 1) {
    let content: Record<string, unknown>;
    if (index === 0) {
      const { mobile, permit, ...demo } = DEMO_FOREIGNER;
      content = { ...demo, mobile, permit: { ...permit }, address: addressAt(ubPlaces.find((place) => place.soumDistrictCode === '1107') ?? ubPlaces[0]!, random) };
    } else {
      let registerNumber: string;
      do registerNumber = foreignNumber((serial += 1));
      while (used.has(registerNumber));
      used.add(registerNumber);
      const nationality = random.weighted(FOREIGN_NATIONALITIES, FOREIGN_NATIONALITIES.map((entry) => entry.weight));
      const sex = random.chance(0.58) ? 'male' : 'female';
      const age = Math.max(19, Math.min(70, Math.round(random.normal(37, 10))));
      const type = age <= 30 && random.chance(0.45) ? 'study' : random.weighted(PERMIT_TYPES, PERMIT_WEIGHTS);
      const surname = random.pick(nationality.surnames);
      const [prefixes, digits] = nationality.passport;
      // Most permits run for months or years yet; a few ran out recently and wait for renewal.
      const validUntil = random.chance(EXPIRED_PERMIT_SHARE) ? addDays(iso(today), -random.int(1, 120)) : addDays(iso(today), random.int(30, PERMIT_YEARS[type] * 365 - 1));
      const issuedOn = addDays(validUntil, -PERMIT_YEARS[type] * 365 + 1);
      const place = townPlaces.length > 0 && random.chance(0.12) ? random.pick(townPlaces) : random.weighted(ubPlaces, ubWeights);
      content = {
        registerNumber,
        surname: sex === 'female' && nationality.femaleSurnameA ? `${surname}A` : surname,
        givenName: random.pick(sex === 'male' ? nationality.male : nationality.female),
        nationality: nationality.code,
        sex,
        birthDate: yearsBefore(today, age, random),
        passportNumber: `${random.pick(prefixes)}${String(random.int(0, 10 ** digits - 1)).padStart(digits, '0')}`,
        mobile: `${random.pick(MOBILE_PREFIXES)}${String(random.int(0, 999_999)).padStart(6, '0')}`,
        permit: { type, number: `RP${issuedOn.slice(0, 4)}-${String(random.int(0, 999_999)).padStart(6, '0')}`, issuedOn, validUntil },
        address: addressAt(place, random),
      };
    }
    const key = String(content.registerNumber);
    batch.push({ registryId: 'foreign-residents', key, subjects: [key], content });
    if (batch.length >= 1000) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
