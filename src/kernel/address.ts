// Mongolian addresses as people read them. The registers keep an address as its parts: the capital
// or an aimag, a district (дүүрэг) or soum (сум), a khoroo (хороо) or bag (баг), then the street,
// building and door, or a free-text detail for ger districts and the countryside. This is the one
// place that turns those parts into a line, in Mongolian or in English.
import type { Lang } from './i18n.ts';
import { romanize } from './text.ts';

/** An address as the registers hold it; every part may be missing (a birth place has only the first two). */
export interface AddressParts {
  aimagCityCode?: string;
  aimagCityName?: string;
  soumDistrictCode?: string;
  soumDistrictName?: string;
  bagKhorooName?: string;
  street?: string;
  building?: string;
  apartment?: string;
  detail?: string;
}

const CAPITAL = { code: '11', name: 'Улаанбаатар' };

const text = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '');

/** True for an address in the capital, whose units are districts and khoroos rather than soums and bags. */
export function inCapital(address: AddressParts): boolean {
  return text(address.aimagCityCode) === CAPITAL.code || text(address.aimagCityName).startsWith(CAPITAL.name);
}

/** "3-р хороо" or "2-р баг" as the number and the kind of unit; undefined for any other wording. */
function numberedUnit(name: string): { number: string; unit: 'khoroo' | 'bag' } | undefined {
  const match = /^(\d+)\s*-?\s*р\s+(хороо|баг)$/u.exec(name);
  return match ? { number: match[1]!, unit: match[2] === 'хороо' ? 'khoroo' : 'bag' } : undefined;
}

/** Adds the kind of unit after a name unless the name already ends with it ("Улаанбаатар хот", but not "… хот хот"). */
function named(name: string, unit: string): string {
  return name.toLowerCase().endsWith(` ${unit.toLowerCase()}`) ? name : `${name} ${unit}`;
}

/**
 * An address on one line in the page's language: largest unit first in Mongolian ("Улаанбаатар хот,
 * Баянгол дүүрэг, 3-р хороо, Энхтайваны өргөн чөлөө, 12-р байр, 34 тоот"), smallest first in English
 * ("Apartment 34, building 12, Enkhtaivany örgön chölöö, khoroo 3, Bayangol district, Ulaanbaatar").
 * Names are spelt in Latin letters in English; the free-text detail stays as the register wrote it,
 * since spelling out "тоот хашаа" in Latin letters would help neither a reader nor a postman.
 */
export function formatAddress(value: unknown, lang: Lang): string {
  if (!value || typeof value !== 'object') return text(value);
  const address = value as AddressParts;
  const capital = inCapital(address);
  const top = text(address.aimagCityName);
  const middle = text(address.soumDistrictName);
  const unit = text(address.bagKhorooName);
  const street = text(address.street);
  const building = text(address.building);
  const apartment = text(address.apartment);
  const detail = text(address.detail);
  if (lang === 'mn') {
    return [
      top && named(top, capital ? 'хот' : 'аймаг'),
      middle && named(middle, capital ? 'дүүрэг' : 'сум'),
      unit,
      street,
      building && `${building}-р байр`,
      apartment && `${apartment} тоот`,
      detail,
    ].filter(Boolean).join(', ');
  }
  const numbered = numberedUnit(unit);
  return [
    detail,
    apartment && `apartment ${apartment}`,
    building && `building ${building}`,
    street && romanize(street),
    unit && (numbered ? `${numbered.unit} ${numbered.number}` : romanize(unit)),
    middle && `${romanize(middle)} ${capital ? 'district' : 'soum'}`,
    top && (capital ? 'Ulaanbaatar' : `${romanize(top)} aimag`),
  ].filter(Boolean).join(', ').replace(/^./u, (first) => first.toUpperCase());
}
