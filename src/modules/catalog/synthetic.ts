// Synthetic services for scale tests: plausible bilingual names built from local-government
// topics, actions and the 21 aimags and 9 Ulaanbaatar districts. Deterministic: the same count
// always gives the same services. They are stored with synthetic = true and never mixed into
// the demo that `npm start` seeds.
import type { Audience, Channel, SeedService, ServiceKind, TimeUnit } from './seed/types.ts';

const TOPICS: [string, string][] = [
  ['Барилгын зөвшөөрөл', 'building permit'], ['Газар эзэмших эрх', 'land possession right'],
  ['Худалдааны тусгай зөвшөөрөл', 'trade licence'], ['Малын эрүүл мэндийн гэрчилгээ', 'animal health certificate'],
  ['Гаршлын гэрчилгээ', 'certificate of origin'], ['Хог хаягдлын төлбөр', 'waste collection fee'],
  ['Усны ашиглалтын зөвшөөрөл', 'water use permit'], ['Зар сурталчилгааны зөвшөөрөл', 'advertising permit'],
  ['Архи согтууруулах ундааны тусгай зөвшөөрөл', 'alcohol sales licence'], ['Нийтийн тээврийн карт', 'public transport card'],
  ['Хашаа газрын кадастр', 'plot cadastre'], ['Ойн мод бэлтгэх зөвшөөрөл', 'timber harvesting permit'],
  ['Ан агнуурын зөвшөөрөл', 'hunting permit'], ['Малчны бүртгэл', 'herder registration'],
  ['Өрхийн бүртгэл', 'household registration'], ['Иргэний хөдөлмөр эрхлэлтийн бүртгэл', 'employment registration'],
  ['Ахмад настны тэтгэмж', 'elderly allowance'], ['Хөгжлийн бэрхшээлтэй иргэний тэтгэмж', 'disability allowance'],
  ['Оюутны тэтгэлэг', 'student grant'], ['Цэцэрлэгийн хураамжийн хөнгөлөлт', 'kindergarten fee reduction'],
  ['Эмнэлгийн магадлагаа', 'medical certificate'], ['Малын тоо толгойн лавлагаа', 'livestock count reference'],
  ['Газар тариалангийн бүртгэл', 'crop farming registration'], ['Зам ашиглалтын төлбөр', 'road use fee'],
  ['Авто зогсоолын зөвшөөрөл', 'parking permit'], ['Гэр хорооллын дахин төлөвлөлт', 'ger district redevelopment'],
  ['Инженерийн шугамд холбох зөвшөөрөл', 'utility connection permit'], ['Нийтийн зориулалттай барилгын ашиглалт', 'public building use'],
  ['Соёлын өвийн бүртгэл', 'cultural heritage registration'], ['Спорт заалны түрээс', 'sports hall rental'],
  ['Номын сангийн гишүүнчлэл', 'library membership'], ['Иргэдийн Нийтийн Хурлын санал', 'citizens’ assembly proposal'],
  ['Гал түймрийн аюулгүй байдлын дүгнэлт', 'fire safety assessment'], ['Эрүүл ахуйн дүгнэлт', 'sanitary assessment'],
  ['Хүнсний үйлдвэрлэлийн зөвшөөрөл', 'food production permit'], ['Ногоон байгууламжийн зөвшөөрөл', 'green space permit'],
  ['Гудамжны худалдааны байр', 'street vending pitch'], ['Нүүдлийн малчны шилжилт', 'nomadic herder migration notice'],
  ['Хувийн сургуулийн тусгай зөвшөөрөл', 'private school licence'], ['Эмийн сангийн тусгай зөвшөөрөл', 'pharmacy licence'],
  ['Аялал жуулчлалын баазын бүртгэл', 'tourist camp registration'], ['Худаг гаргах зөвшөөрөл', 'well drilling permit'],
  ['Хөрөнгийн албан татвар', 'property tax'], ['Тээврийн хэрэгслийн татварын хөнгөлөлт', 'vehicle tax relief'],
  ['Орон сууцны хөнгөлөлттэй зээл', 'subsidised housing loan'],
];

const ACTIONS: [string, string, ServiceKind, number, TimeUnit, number][] = [
  ['олгох', 'issue', 'application', 5, 'working_days', 5000],
  ['сунгах', 'renewal', 'application', 3, 'working_days', 3000],
  ['нөхөн олгох', 'replacement', 'application', 3, 'working_days', 2500],
  ['лавлагаа', 'reference', 'reference', 0, 'instant', 0],
  ['бүртгэлд өөрчлөлт оруулах', 'change of details', 'application', 2, 'working_days', 1000],
  ['цуцлах', 'cancellation', 'application', 1, 'working_days', 0],
  ['хүсэлт шалгах', 'request status check', 'reference', 0, 'instant', 0],
  ['гомдол гаргах', 'appeal', 'application', 10, 'working_days', 0],
];

const PLACES: [string, string][] = [
  ['Архангай аймаг', 'Arkhangai'], ['Баян-Өлгий аймаг', 'Bayan-Ölgii'], ['Баянхонгор аймаг', 'Bayankhongor'],
  ['Булган аймаг', 'Bulgan'], ['Говь-Алтай аймаг', 'Govi-Altai'], ['Говьсүмбэр аймаг', 'Govisümber'],
  ['Дархан-Уул аймаг', 'Darkhan-Uul'], ['Дорноговь аймаг', 'Dornogovi'], ['Дорнод аймаг', 'Dornod'],
  ['Дундговь аймаг', 'Dundgovi'], ['Завхан аймаг', 'Zavkhan'], ['Орхон аймаг', 'Orkhon'],
  ['Өвөрхангай аймаг', 'Övörkhangai'], ['Өмнөговь аймаг', 'Ömnögovi'], ['Сүхбаатар аймаг', 'Sükhbaatar'],
  ['Сэлэнгэ аймаг', 'Selenge'], ['Төв аймаг', 'Töv'], ['Увс аймаг', 'Uvs'], ['Ховд аймаг', 'Khovd'],
  ['Хөвсгөл аймаг', 'Khövsgöl'], ['Хэнтий аймаг', 'Khentii'], ['Багануур дүүрэг', 'Baganuur district'],
  ['Багахангай дүүрэг', 'Bagakhangai district'], ['Баянгол дүүрэг', 'Bayangol district'],
  ['Баянзүрх дүүрэг', 'Bayanzürkh district'], ['Налайх дүүрэг', 'Nalaikh district'],
  ['Сонгинохайрхан дүүрэг', 'Songinokhairkhan district'], ['Сүхбаатар дүүрэг', 'Sükhbaatar district'],
  ['Хан-Уул дүүрэг', 'Khan-Uul district'], ['Чингэлтэй дүүрэг', 'Chingeltei district'],
];

function latinSlug(text: string): string {
  return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** Generates `count` synthetic services spread over the given agencies and sectors. */
export function* syntheticServices(count: number, agencyIds: string[], sectorIds: string[]): Generator<SeedService> {
  const combos = TOPICS.length * ACTIONS.length * PLACES.length;
  for (let n = 0; n < count; n += 1) {
    const cycle = Math.floor(n / combos);
    const i = n % combos;
    const [topicMn, topicEn] = TOPICS[i % TOPICS.length]!;
    const [actionMn, actionEn, kind, days, unit, fee] = ACTIONS[Math.floor(i / TOPICS.length) % ACTIONS.length]!;
    const [placeMn, placeEn] = PLACES[Math.floor(i / (TOPICS.length * ACTIONS.length)) % PLACES.length]!;
    const suffixMn = cycle > 0 ? ` (${cycle + 1})` : '';
    const suffixEn = cycle > 0 ? ` (${cycle + 1})` : '';
    const nameMn = `${placeMn}: ${topicMn} ${actionMn}${suffixMn}`;
    const nameEn = `${placeEn}: ${topicEn} ${actionEn}${suffixEn}`;
    const channels: Channel[] = kind === 'reference' ? ['portal', 'app'] : ['portal', 'operator'];
    const audiences: Audience[] = n % 3 === 0 ? ['citizen', 'business'] : ['citizen'];
    yield {
      slug: `synthetic-${n + 1}-${latinSlug(`${placeEn} ${topicEn} ${actionEn}`)}`.slice(0, 80).replace(/-+$/, ''),
      nameMn,
      nameEn,
      summaryMn: `${placeMn}-д ${topicMn.toLowerCase()} ${actionMn} үйлчилгээ.`,
      summaryEn: `${topicEn[0]!.toUpperCase()}${topicEn.slice(1)} ${actionEn} in ${placeEn}.`,
      descriptionMn: `Туршилтын өгөгдөл: ачааллын туршилтад зориулж үүсгэсэн үйлчилгээ.`,
      descriptionEn: `Test data: a service generated for load testing.`,
      agencyId: agencyIds[n % agencyIds.length]!,
      sectorId: sectorIds[(n * 7) % sectorIds.length]!,
      lifeEvents: [],
      audiences,
      kind,
      feeMnt: fee,
      processingTime: { value: days, unit },
      channels,
      requirementsMn: ['Иргэний үнэмлэх'],
      requirementsEn: ['Citizen ID card'],
      legalBasisMn: null,
      legalBasisEn: null,
      status: 'active',
      xypCode: null,
      keywordsMn: [],
      keywordsEn: [],
      demand: 1 + (n % 5),
    };
  }
}
