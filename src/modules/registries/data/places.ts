// Mongolia's administrative units: the capital's 9 districts with their khoroos, and the 21 aimags
// with their soums, centre first. Aimag codes follow the National Statistics Office's regional
// numbering (11 the capital, 2x east, 4x centre, 6x Khangai, 8x west); soum and district codes
// below them are numbered in the order listed here, the centre as 01. Populations are the
// resident populations the NSO reported for the early 2020s, rounded to thousands: they only
// weigh where synthetic people live, so rounding does not matter. English names are the usual
// spellings (Ö, Ü kept), made from the Cyrillic by `romanize` for soums.
import { romanize } from './names.ts';

export interface Soum {
  code: string;
  nameMn: string;
  nameEn: string;
}

export interface Aimag {
  code: string;
  nameMn: string;
  nameEn: string;
  centreMn: string;
  centreEn: string;
  population: number;
  soums: Soum[];
}

export interface District {
  code: string;
  nameMn: string;
  nameEn: string;
  khoroos: number;
  population: number;
}

/** About half of Mongolia's 3.5 million people live in Ulaanbaatar. */
export const UB_POPULATION_SHARE = 0.49;

export const UB_DISTRICTS: District[] = [
  { code: '1101', nameMn: 'Багануур', nameEn: 'Baganuur', khoroos: 5, population: 31_000 },
  { code: '1102', nameMn: 'Багахангай', nameEn: 'Bagakhangai', khoroos: 2, population: 5_000 },
  { code: '1103', nameMn: 'Баянгол', nameEn: 'Bayangol', khoroos: 34, population: 232_000 },
  { code: '1104', nameMn: 'Баянзүрх', nameEn: 'Bayanzürkh', khoroos: 43, population: 430_000 },
  { code: '1105', nameMn: 'Налайх', nameEn: 'Nalaikh', khoroos: 8, population: 44_000 },
  { code: '1106', nameMn: 'Сонгинохайрхан', nameEn: 'Songinokhairkhan', khoroos: 43, population: 345_000 },
  { code: '1107', nameMn: 'Сүхбаатар', nameEn: 'Sükhbaatar', khoroos: 20, population: 150_000 },
  { code: '1108', nameMn: 'Хан-Уул', nameEn: 'Khan-Uul', khoroos: 25, population: 240_000 },
  { code: '1109', nameMn: 'Чингэлтэй', nameEn: 'Chingeltei', khoroos: 24, population: 160_000 },
];

type AimagSource = Omit<Aimag, 'soums' | 'centreEn'> & { soums: string[] };

// Each aimag's soums, the one holding the aimag centre first.
const SOURCE: AimagSource[] = [
  { code: '21', nameMn: 'Дорнод', nameEn: 'Dornod', centreMn: 'Чойбалсан', population: 82_000,
    soums: ['Хэрлэн', 'Баян-Уул', 'Баяндун', 'Баянтүмэн', 'Булган', 'Гурванзагал', 'Дашбалбар', 'Матад', 'Сэргэлэн', 'Халхгол', 'Хөлөнбуйр', 'Цагаан-Овоо', 'Чойбалсан', 'Чулуунхороот'] },
  { code: '22', nameMn: 'Сүхбаатар', nameEn: 'Sükhbaatar', centreMn: 'Баруун-Урт', population: 63_000,
    soums: ['Баруун-Урт', 'Асгат', 'Баяндэлгэр', 'Дарьганга', 'Мөнххаан', 'Наран', 'Онгон', 'Сүхбаатар', 'Түвшинширээ', 'Түмэнцогт', 'Уулбаян', 'Халзан', 'Эрдэнэцагаан'] },
  { code: '23', nameMn: 'Хэнтий', nameEn: 'Khentii', centreMn: 'Чингис', population: 80_000,
    soums: ['Хэрлэн', 'Батноров', 'Батширээт', 'Баян-Адарга', 'Баян-Овоо', 'Баянмөнх', 'Баянхутаг', 'Биндэр', 'Бор-Өндөр', 'Галшар', 'Дадал', 'Дархан', 'Дэлгэрхаан', 'Жаргалтхаан', 'Мөрөн', 'Норовлин', 'Өмнөдэлгэр', 'Цэнхэрмандал'] },
  { code: '41', nameMn: 'Төв', nameEn: 'Töv', centreMn: 'Зуунмод', population: 97_000,
    soums: ['Зуунмод', 'Алтанбулаг', 'Аргалант', 'Архуст', 'Батсүмбэр', 'Баян', 'Баян-Өнжүүл', 'Баяндэлгэр', 'Баянжаргалан', 'Баянхангай', 'Баянцагаан', 'Баянцогт', 'Баянчандмань', 'Борнуур', 'Бүрэн', 'Дэлгэрхаан', 'Жаргалант', 'Заамар', 'Лүн', 'Мөнгөнморьт', 'Өндөрширээт', 'Сүмбэр', 'Сэргэлэн', 'Угтаалцайдам', 'Цээл', 'Эрдэнэ', 'Эрдэнэсант'] },
  { code: '42', nameMn: 'Говьсүмбэр', nameEn: 'Govisümber', centreMn: 'Чойр', population: 18_000,
    soums: ['Сүмбэр', 'Баянтал', 'Шивээговь'] },
  { code: '43', nameMn: 'Сэлэнгэ', nameEn: 'Selenge', centreMn: 'Сүхбаатар', population: 110_000,
    soums: ['Сүхбаатар', 'Алтанбулаг', 'Баруунбүрэн', 'Баянгол', 'Ерөө', 'Жавхлант', 'Зүүнбүрэн', 'Мандал', 'Орхон', 'Орхонтуул', 'Сайхан', 'Сант', 'Түшиг', 'Хүдэр', 'Хушаат', 'Цагааннуур', 'Шаамар'] },
  { code: '44', nameMn: 'Дорноговь', nameEn: 'Dornogovi', centreMn: 'Сайншанд', population: 72_000,
    soums: ['Сайншанд', 'Айраг', 'Алтанширээ', 'Даланжаргалан', 'Дэлгэрэх', 'Замын-Үүд', 'Иххэт', 'Мандах', 'Өргөн', 'Сайхандулаан', 'Улаанбадрах', 'Хатанбулаг', 'Хөвсгөл', 'Эрдэнэ'] },
  { code: '45', nameMn: 'Дархан-Уул', nameEn: 'Darkhan-Uul', centreMn: 'Дархан', population: 110_000,
    soums: ['Дархан', 'Орхон', 'Хонгор', 'Шарынгол'] },
  { code: '46', nameMn: 'Өмнөговь', nameEn: 'Ömnögovi', centreMn: 'Даланзадгад', population: 73_000,
    soums: ['Даланзадгад', 'Баяндалай', 'Баян-Овоо', 'Булган', 'Гурвантэс', 'Мандал-Овоо', 'Манлай', 'Ноён', 'Номгон', 'Сэврэй', 'Ханбогд', 'Ханхонгор', 'Хүрмэн', 'Цогт-Овоо', 'Цогтцэций'] },
  { code: '48', nameMn: 'Дундговь', nameEn: 'Dundgovi', centreMn: 'Мандалговь', population: 47_000,
    soums: ['Сайнцагаан', 'Адаацаг', 'Баянжаргалан', 'Говь-Угтаал', 'Гурвансайхан', 'Дэлгэрхангай', 'Дэлгэрцогт', 'Дэрэн', 'Луус', 'Өлзийт', 'Өндөршил', 'Сайхан-Овоо', 'Хулд', 'Цагаандэлгэр', 'Эрдэнэдалай'] },
  { code: '61', nameMn: 'Орхон', nameEn: 'Orkhon', centreMn: 'Эрдэнэт', population: 109_000,
    soums: ['Баян-Өндөр', 'Жаргалант'] },
  { code: '62', nameMn: 'Өвөрхангай', nameEn: 'Övörkhangai', centreMn: 'Арвайхээр', population: 118_000,
    soums: ['Арвайхээр', 'Баруунбаян-Улаан', 'Бат-Өлзий', 'Баян-Өндөр', 'Баянгол', 'Богд', 'Бүрд', 'Гучин-Ус', 'Есөнзүйл', 'Зүүнбаян-Улаан', 'Нарийнтээл', 'Өлзийт', 'Сант', 'Тарагт', 'Төгрөг', 'Уянга', 'Хайрхандулаан', 'Хархорин', 'Хужирт'] },
  { code: '63', nameMn: 'Булган', nameEn: 'Bulgan', centreMn: 'Булган', population: 63_000,
    soums: ['Булган', 'Баян-Агт', 'Баяннуур', 'Бугат', 'Бүрэгхангай', 'Гурванбулаг', 'Дашинчилэн', 'Могод', 'Орхон', 'Рашаант', 'Сайхан', 'Сэлэнгэ', 'Тэшиг', 'Хангал', 'Хишиг-Өндөр', 'Хутаг-Өндөр'] },
  { code: '64', nameMn: 'Баянхонгор', nameEn: 'Bayankhongor', centreMn: 'Баянхонгор', population: 90_000,
    soums: ['Баянхонгор', 'Баацагаан', 'Баян-Овоо', 'Баян-Өндөр', 'Баянбулаг', 'Баянговь', 'Баянлиг', 'Баянцагаан', 'Богд', 'Бөмбөгөр', 'Бууцагаан', 'Галуут', 'Гурванбулаг', 'Жаргалант', 'Жинст', 'Заг', 'Өлзийт', 'Хүрээмарал', 'Шинэжинст', 'Эрдэнэцогт'] },
  { code: '65', nameMn: 'Архангай', nameEn: 'Arkhangai', centreMn: 'Цэцэрлэг', population: 97_000,
    soums: ['Эрдэнэбулган', 'Батцэнгэл', 'Булган', 'Жаргалант', 'Ихтамир', 'Өгийнуур', 'Өлзийт', 'Өндөр-Улаан', 'Тариат', 'Төвшрүүлэх', 'Хайрхан', 'Хангай', 'Хашаат', 'Хотонт', 'Цахир', 'Цэнхэр', 'Цэцэрлэг', 'Чулуут', 'Эрдэнэмандал'] },
  { code: '67', nameMn: 'Хөвсгөл', nameEn: 'Khövsgöl', centreMn: 'Мөрөн', population: 137_000,
    soums: ['Мөрөн', 'Алаг-Эрдэнэ', 'Арбулаг', 'Баянзүрх', 'Бүрэнтогтох', 'Галт', 'Жаргалант', 'Их-Уул', 'Рашаант', 'Рэнчинлхүмбэ', 'Тариалан', 'Тосонцэнгэл', 'Төмөрбулаг', 'Түнэл', 'Улаан-Уул', 'Ханх', 'Цагаан-Уул', 'Цагаан-Үүр', 'Цагааннуур', 'Цэцэрлэг', 'Чандмань-Өндөр', 'Шинэ-Идэр', 'Эрдэнэбулган'] },
  { code: '81', nameMn: 'Завхан', nameEn: 'Zavkhan', centreMn: 'Улиастай', population: 71_000,
    soums: ['Улиастай', 'Алдархаан', 'Асгат', 'Баянтэс', 'Баянхайрхан', 'Дөрвөлжин', 'Завханмандал', 'Идэр', 'Их-Уул', 'Нөмрөг', 'Отгон', 'Сантмаргац', 'Сонгино', 'Тосонцэнгэл', 'Түдэвтэй', 'Тэлмэн', 'Тэс', 'Ургамал', 'Цагаанхайрхан', 'Цагаанчулуут', 'Цэцэн-Уул', 'Шилүүстэй', 'Эрдэнэхайрхан', 'Яруу'] },
  { code: '82', nameMn: 'Говь-Алтай', nameEn: 'Govi-Altai', centreMn: 'Алтай', population: 57_000,
    soums: ['Есөнбулаг', 'Алтай', 'Баян-Уул', 'Бигэр', 'Бугат', 'Дарви', 'Дэлгэр', 'Жаргалан', 'Тайшир', 'Тонхил', 'Төгрөг', 'Халиун', 'Хөхморьт', 'Цогт', 'Цээл', 'Чандмань', 'Шарга', 'Эрдэнэ'] },
  { code: '83', nameMn: 'Баян-Өлгий', nameEn: 'Bayan-Ölgii', centreMn: 'Өлгий', population: 108_000,
    soums: ['Өлгий', 'Алтай', 'Алтанцөгц', 'Баяннуур', 'Бугат', 'Булган', 'Буянт', 'Дэлүүн', 'Ногооннуур', 'Сагсай', 'Толбо', 'Улаанхус', 'Цагааннуур', 'Цэнгэл'] },
  { code: '84', nameMn: 'Ховд', nameEn: 'Khovd', centreMn: 'Ховд', population: 92_000,
    soums: ['Жаргалант', 'Алтай', 'Булган', 'Буянт', 'Дарви', 'Дөргөн', 'Дуут', 'Зэрэг', 'Манхан', 'Мөнххайрхан', 'Мөст', 'Мянгад', 'Үенч', 'Ховд', 'Цэцэг', 'Чандмань', 'Эрдэнэбүрэн'] },
  { code: '85', nameMn: 'Увс', nameEn: 'Uvs', centreMn: 'Улаангом', population: 84_000,
    soums: ['Улаангом', 'Баруунтуруун', 'Бөхмөрөн', 'Давст', 'Завхан', 'Зүүнговь', 'Зүүнхангай', 'Малчин', 'Наранбулаг', 'Өлгий', 'Өмнөговь', 'Өндөрхангай', 'Сагил', 'Тариалан', 'Түргэн', 'Тэс', 'Ховд', 'Хяргас', 'Цагаанхайрхан'] },
];

/** The 21 aimags with their soums (the centre's soum first, code `${aimag}01`). */
export const AIMAGS: Aimag[] = SOURCE.map((aimag) => ({
  ...aimag,
  centreEn: romanize(aimag.centreMn),
  soums: aimag.soums.map((name, index) => ({ code: `${aimag.code}${String(index + 1).padStart(2, '0')}`, nameMn: name, nameEn: romanize(name) })),
}));

/** Streets of Ulaanbaatar and the larger towns, named after people and places as they are. */
export const STREET_NAMES: { mn: string; en: string }[] = [
  'Энхтайваны өргөн чөлөө', 'Чингисийн өргөн чөлөө', 'Жамъян гүний гудамж', 'Бага тойруу', 'Их тойруу',
  'Сөүлийн гудамж', 'Олимпын гудамж', 'Токиогийн гудамж', 'Нарны зам', 'Амарын гудамж',
  'Их Монгол улсын гудамж', 'Ард Аюушийн өргөн чөлөө', 'Үйлдвэрийн гудамж', 'Зайсангийн гудамж',
  'Жуулчны гудамж', 'Баруун 4 зам', 'Замчдын гудамж', 'Тэнгисийн гудамж', 'Хилчний гудамж',
  'Их сургуулийн гудамж', 'Бэлчирийн гудамж', 'Дэнжийн гудамж', 'Нарны гудамж', 'Москвагийн гудамж',
].map((mn) => ({ mn, en: romanize(mn) }));
