// People for the health module's tests: a population record and a health record with COVID-19
// doses, written straight into the registries as the population generator would.
import type { TestApp } from '../../../test/helpers.ts';
import { loadRecords } from '../registries/index.ts';

/** The development citizen persona's register number. */
export const CITIZEN = 'УБ90051428';
/** A person in the population register with no COVID-19 vaccination. */
export const UNVACCINATED = 'УБ85021312';
/** Nobody has this register number. */
export const NOBODY = 'ЧБ01010101';

const address = { address: { aimagCityCode: '11', aimagCityName: 'Улаанбаатар', soumDistrictCode: '1101', soumDistrictName: 'Сүхбаатар', bagKhorooName: '1-р хороо' }, from: '2010-01-01' };

function person(registerNumber: string, names: { familyName: string; surname: string; givenName: string; latin: { familyName: string; surname: string; givenName: string } }, birthDate: string) {
  return { registryId: 'population', key: registerNumber, subjects: [registerNumber], content: { registerNumber, civilId: '123456789012', ...names, birthDate, sex: 'female', nationality: 'Халх', addresses: [address] } };
}

/** Writes the test people and their health records. */
export async function seedHealthPeople(app: TestApp): Promise<void> {
  const covid = (dose: number, date: string) => ({ disease: '840539006', vaccine: 'EU/1/20/1528', prophylaxis: '1119349007', manufacturer: 'ORG-100030215', dose, totalDoses: 2, date, country: 'MN', place: 'Сүхбаатар' });
  await loadRecords(app.ctx.db, [[
    person(CITIZEN, { familyName: 'Боржигон', surname: 'Нямдорж', givenName: 'Сарангэрэл', latin: { familyName: 'BORJIGON', surname: 'NYAMDORJ', givenName: 'SARANGEREL' } }, '1990-05-14'),
    person(UNVACCINATED, { familyName: 'Хиад', surname: 'Бат-Эрдэнэ', givenName: 'Өлзий-Орших', latin: { familyName: 'KHIAD', surname: 'BAT-ERDENE', givenName: 'ULZII-ORSHIKH' } }, '1985-02-13'),
    { registryId: 'health', key: CITIZEN, subjects: [CITIZEN], content: { registerNumber: CITIZEN, bloodType: 'A+', vaccinations: [{ disease: '56717001', vaccine: 'BCG', dose: 1, totalDoses: 1, date: '1990-05-15', country: 'MN' }, covid(2, '2021-06-20'), covid(1, '2021-05-20')] } },
    { registryId: 'health', key: UNVACCINATED, subjects: [UNVACCINATED], content: { registerNumber: UNVACCINATED, vaccinations: [] } },
  ]], { actor: 'test' });
}
