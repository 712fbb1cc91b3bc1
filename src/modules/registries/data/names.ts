// Mongolian personal names for the synthetic population, most common first (the generator draws
// from the head more often), and the two ways Mongolian Cyrillic is written in Latin letters.
//
// Given names are compound words of the kind the registry's most-common-names lists show
// (Бат-Эрдэнэ, Оюунчимэг, ...). Clan names (ургийн овог) were re-registered from 1997 on; most
// people chose Боржигин or a handful of others, which the order below reflects.

export const MALE_NAMES = [
  'Бат-Эрдэнэ', 'Батбаяр', 'Ганбаатар', 'Батболд', 'Мөнх-Эрдэнэ', 'Энхбаяр', 'Отгонбаяр', 'Баярсайхан', 'Ганбат',
  'Эрдэнэбат', 'Батбаатар', 'Пүрэвдорж', 'Ганзориг', 'Төмөрбаатар', 'Эрдэнэбаяр', 'Амарсанаа', 'Батжаргал', 'Тэмүүлэн',
  'Тэмүүжин', 'Билгүүн', 'Ганхуяг', 'Золбаяр', 'Мөнхбат', 'Нямдорж', 'Батсайхан', 'Лхагвасүрэн', 'Бямбадорж',
  'Даваасүрэн', 'Очирбат', 'Гантулга', 'Эрдэнэ-Очир', 'Түвшинбаяр', 'Бат-Очир', 'Энхтүвшин', 'Ууганбаяр',
  'Отгонбаатар', 'Жаргалсайхан', 'Баяржаргал', 'Ариунболд', 'Даваадорж', 'Сүхбат', 'Энхболд', 'Эрхэмбаяр',
  'Баянмөнх', 'Ганболд', 'Цогтбаяр', 'Мягмарсүрэн', 'Дашдорж', 'Батхүү', 'Өлзийбаяр', 'Хүдэрчулуун', 'Сүхбаатар',
  'Төгөлдөр', 'Анхбаяр', 'Болд-Эрдэнэ', 'Нандин-Эрдэнэ', 'Цэнгүүн', 'Батдэлгэр', 'Ганбилэг', 'Мөнхтөр',
  'Тэнгис', 'Эрдэнэсүх', 'Жавхлан', 'Идэрбат', 'Чинзориг', 'Мандах', 'Лхагвадорж',
  'Батчулуун', 'Тамир', 'Хатанбаатар', 'Содбилэг', 'Гэрэлт-Од', 'Энх-Амгалан', 'Түмэндэмбэрэл', 'Ерлан', 'Асхат',
];

export const FEMALE_NAMES = [
  'Оюунчимэг', 'Сарантуяа', 'Наранцэцэг', 'Энхтуяа', 'Батцэцэг', 'Отгонтуяа', 'Мөнхцэцэг', 'Оюун-Эрдэнэ',
  'Нарангэрэл', 'Сарангэрэл', 'Солонго', 'Ариунаа', 'Номин', 'Хулан', 'Анужин', 'Мөнхзул', 'Энхжин', 'Маралмаа',
  'Уранчимэг', 'Цэцэгмаа', 'Оюунбилэг', 'Ганчимэг', 'Болормаа', 'Алтанцэцэг', 'Дуламсүрэн', 'Наранчимэг',
  'Энхзаяа', 'Хонгорзул', 'Ундрах', 'Мишээл', 'Хүслэн', 'Номуундарь', 'Ариунзаяа', 'Сувд', 'Батчимэг',
  'Жаргалмаа', 'Уянга', 'Гэрэлмаа', 'Эрдэнэчимэг', 'Лхамсүрэн', 'Ононсүрэн', 'Мөнхжаргал', 'Алтангэрэл',
  'Бямбасүрэн', 'Дэлгэрмаа', 'Цэрэнханд', 'Ганцэцэг', 'Оюунгэрэл', 'Нармандах', 'Энхмаа', 'Сэлэнгэ', 'Одгэрэл',
  'Пүрэвсүрэн', 'Хишигсүрэн', 'Мягмарсүрэн', 'Туул', 'Амин-Эрдэнэ', 'Бүжинлхам', 'Золзаяа', 'Есүй', 'Гүлнар', 'Айгүл',
];

export const CLAN_NAMES = [
  'Боржигин', 'Хиад', 'Тайчууд', 'Хонгирад', 'Урианхай', 'Ойрд', 'Жалайр', 'Найман', 'Горлос', 'Сартуул',
  'Хорчин', 'Цоорос', 'Мангад', 'Барга', 'Бэсүд', 'Олхонууд', 'Хэрэйд', 'Тайж', 'Шарнууд', 'Цахар', 'Мэргэд',
  'Хатагин', 'Зүрчид', 'Ихэрэс', 'Тангуд', 'Дархад', 'Торгууд', 'Хотгойд', 'Баяд', 'Сүнид',
];

type Table = Record<string, string>;

const COMMON: Table = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'ye', ё: 'yo', ж: 'j', з: 'z', и: 'i', й: 'i', к: 'k', л: 'l', м: 'm',
  н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'sh',
  ъ: 'i', ы: 'y', ь: 'i', э: 'e', ю: 'yu', я: 'ya',
};

/** Everyday English spelling of a place or street: Өлгий → Ölgii, Хөвсгөл → Khövsgöl. */
export function romanize(text: string): string {
  const table: Table = { ...COMMON, ө: 'ö', ү: 'ü' };
  let out = '';
  let startOfWord = true;
  for (const char of text) {
    const lower = char.toLowerCase();
    const mapped = table[lower];
    if (mapped === undefined) {
      out += char;
      startOfWord = !/\p{L}/u.test(char);
      continue;
    }
    out += startOfWord ? mapped.charAt(0).toUpperCase() + mapped.slice(1) : mapped;
    startOfWord = false;
  }
  return out;
}

/**
 * A name as Mongolian passports and ID cards print it in Latin letters (national standard
 * MNS 5217:2012 as used in travel documents): upper case ASCII, Ө and Ү as U, Х as KH.
 * Hyphens stay; anything not Cyrillic passes through upper-cased.
 */
export function transliterate(name: string): string {
  const table: Table = { ...COMMON, ө: 'u', ү: 'u' };
  let out = '';
  for (const char of name.toLowerCase()) out += table[char] ?? char;
  return out.toUpperCase();
}
