// People for the health module's tests: a population record and a health record with COVID-19
// doses, written straight into the registries as the population generator would.
import type { TestApp } from '../../../test/helpers.ts';
import { loadRecords } from '../registries/index.ts';
import type { HealthRecords, PersonNames, RecoveryRecord, TestRecord, VaccinationRecord } from './service.ts';

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

/** The QR code of a text as RGBA pixels: `scale` pixels a module, a quiet zone of four modules. */
export async function qrPixels(text: string, scale = 6): Promise<{ data: Buffer; width: number; height: number }> {
  const { qrPng } = await import('./dcc/index.ts');
  const { PNG } = await import('pngjs');
  const image = PNG.sync.read(await qrPng(text, { scale }));
  return { data: image.data, width: image.width, height: image.height };
}

/**
 * Something like a phone's photo of a printed QR code, as JPEG: the code off-centre on a larger
 * greyish sheet, a little blurred, dimmed and noisy, then compressed at the given quality.
 */
export async function qrPhotoJpeg(text: string, options: { quality?: number; width?: number; height?: number } = {}): Promise<Buffer> {
  const jpeg = (await import('jpeg-js')).default;
  const code = await qrPixels(text, 5);
  const width = options.width ?? Math.max(code.width + 240, 1000);
  const height = options.height ?? Math.max(code.height + 180, 750);
  const sheet = Buffer.alloc(width * height * 4);
  const left = Math.floor((width - code.width) * 0.4);
  const top = Math.floor((height - code.height) * 0.55);
  let seed = 7;
  const noise = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 17) - 8;
  const grey = (x: number, y: number) => {
    const inside = x >= left && y >= top && x < left + code.width && y < top + code.height;
    // Paper is not white in a photo, nor ink black; the light falls off to one side.
    const value = inside ? code.data[((y - top) * code.width + (x - left)) * 4]! : 235;
    return 30 + (value / 255) * 190 - (x / width) * 25;
  };
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      // A 3×3 box blur, as a slightly unfocused lens gives.
      let sum = 0;
      for (let dy = -1; dy <= 1; dy += 1) for (let dx = -1; dx <= 1; dx += 1) sum += grey(Math.min(width - 1, Math.max(0, x + dx)), Math.min(height - 1, Math.max(0, y + dy)));
      const value = Math.max(0, Math.min(255, sum / 9 + noise()));
      const at = (y * width + x) * 4;
      sheet[at] = value;
      sheet[at + 1] = value;
      sheet[at + 2] = Math.max(0, value - 6);
      sheet[at + 3] = 255;
    }
  }
  return jpeg.encode({ data: sheet, width, height }, options.quality ?? 85).data;
}

/** A day `days` from today, yyyy-MM-dd. */
export function dayFromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** COVID-19 tests as the health registry would record them once it holds tests (see the module's TestRecord). */
export const TESTS: Record<string, TestRecord[]> = {
  [CITIZEN]: [
    { disease: '840539006', testType: 'LP6464-4', testName: 'Roche LightCycler qPCR', sampledAt: '2021-03-01T08:00:00+08:00', result: '260415000', centre: 'Улсын нэгдүгээр төв эмнэлэг', country: 'MN' },
    { disease: '840539006', testType: 'LP217198-3', device: '1232', sampledAt: '2021-12-02T09:30:00+08:00', result: '260415000', centre: 'Сүхбаатар дүүргийн эрүүл мэндийн төв', country: 'MN' },
  ],
  [UNVACCINATED]: [{ disease: '840539006', testType: 'LP6464-4', testName: 'PCR', sampledAt: '2022-01-10T10:00:00+08:00', result: '260415000', centre: 'Өмнөговь аймгийн нэгдсэн эмнэлэг', country: 'MN' }],
};

/** Recoveries: the citizen's first positive result lies 60 days back, so the certificate is still valid; the other person's ended long ago. */
export function recoveries(): Record<string, RecoveryRecord[]> {
  return {
    [CITIZEN]: [{ disease: '840539006', firstPositive: dayFromToday(-60), country: 'MN' }],
    [UNVACCINATED]: [{ disease: '840539006', firstPositive: '2021-01-05', country: 'MN' }],
  };
}

/** The people of seedHealthPeople as the population registry gives them to the health module. */
export const PEOPLE: Record<string, PersonNames> = {
  [CITIZEN]: { surname: 'Нямдорж', givenName: 'Сарангэрэл', latin: { surname: 'NYAMDORJ', givenName: 'SARANGEREL' }, birthDate: '1990-05-14' },
  [UNVACCINATED]: { surname: 'Бат-Эрдэнэ', givenName: 'Өлзий-Орших', latin: { surname: 'BAT-ERDENE', givenName: 'ULZII-ORSHIKH' }, birthDate: '1985-02-13' },
};

/** Health records with tests and recoveries, fed to the module through its HealthRecords interface. */
export function recordsWithTests(options: { tests?: boolean; recoveries?: boolean } = {}): HealthRecords {
  const vaccinations: Record<string, VaccinationRecord[]> = {
    [CITIZEN]: [{ disease: '840539006', vaccine: 'EU/1/20/1528', prophylaxis: '1119349007', manufacturer: 'ORG-100030215', dose: 1, totalDoses: 2, date: '2021-05-20', country: 'MN' }],
    [UNVACCINATED]: [],
  };
  const recovered = recoveries();
  return {
    person: async (registerNumber) => PEOPLE[registerNumber],
    vaccinations: async (registerNumber) => vaccinations[registerNumber],
    ...(options.tests === false ? {} : { tests: async (registerNumber: string) => TESTS[registerNumber] }),
    ...(options.recoveries === false ? {} : { recoveries: async (registerNumber: string) => recovered[registerNumber] }),
  };
}
