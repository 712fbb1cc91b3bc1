import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { testApp, type TestApp } from '../../../test/helpers.ts';
import { DEMO_CITIZEN, DEMO_FOREIGNER, administrativeUnits, foreignResidentCount, generateForeignResidents, generatePopulation, plateOf, type GeneratedRecord } from './generator.ts';
import type { Registry } from './schema.ts';

function collect(population: number, seed: string | number): GeneratedRecord[] {
  return [...generatePopulation({ population, seed })].flat();
}

/** Birth date and sex as the register number states them (month + 20 for births from 2000). */
function readRegisterNumber(number: string): { birthDate: string; sex: 'male' | 'female' } {
  const match = /^[А-ЯЁӨҮ]{2}(\d{2})(\d{2})(\d{2})(\d)\d$/u.exec(number);
  assert.ok(match, `format of ${number}`);
  const [, yy, mm, dd, ninth] = match;
  const month = Number(mm);
  const year = month > 20 ? 2000 + Number(yy) : 1900 + Number(yy);
  return { birthDate: `${year}-${String(month > 20 ? month - 20 : month).padStart(2, '0')}-${dd}`, sex: Number(ninth) % 2 === 1 ? 'male' : 'female' };
}

describe('population generator', () => {
  let app: TestApp;
  before(async () => {
    app = await testApp({ seed: false });
  });
  after(async () => app.close());

  it('makes the same people from the same seed, and others from another', () => {
    const a = JSON.stringify(collect(200, 42));
    assert.equal(a, JSON.stringify(collect(200, 42)));
    assert.notEqual(a, JSON.stringify(collect(200, 43)));
  });

  it('starts with the demo citizen and her family', () => {
    const records = collect(10, 1);
    const first = records.find((record) => record.registryId === 'population' && record.key === DEMO_CITIZEN.registerNumber);
    assert.ok(first);
    assert.equal(first.content.givenName, DEMO_CITIZEN.givenName);
    assert.equal((first.content.children as string[]).length, 2);
    assert.equal((first.content.marriages as unknown[]).length, 1);
  });

  it('gives register numbers that agree with birth date and sex, all different', () => {
    const people = collect(3000, 7).filter((record) => record.registryId === 'population');
    assert.ok(people.length >= 3000);
    const numbers = new Set<string>();
    for (const person of people) {
      const { birthDate, sex } = readRegisterNumber(person.key);
      assert.equal(birthDate, person.content.birthDate, person.key);
      assert.equal(sex, person.content.sex, person.key);
      assert.ok(!numbers.has(person.key), `duplicate ${person.key}`);
      numbers.add(person.key);
      assert.match(String(person.content.civilId), /^\d{12}$/);
      const latin = person.content.latin as Record<string, string>;
      assert.match(latin.givenName!, /^[A-Z-]+$/);
    }
  });

  it('spreads people like the country: about half in Ulaanbaatar, every aimag present', () => {
    const people = collect(5000, 3).filter((record) => record.registryId === 'population');
    const places = people.map((person) => ((person.content.addresses as { address: { aimagCityName: string } }[]).at(-1)!.address.aimagCityName));
    const inCapital = places.filter((place) => place === 'Улаанбаатар').length / places.length;
    assert.ok(inCapital > 0.38 && inCapital < 0.56, `share in Ulaanbaatar ${inCapital}`);
    assert.ok(new Set(places).size >= 20, `aimags seen ${new Set(places).size}`);
  });

  it('keeps families consistent: parents and children and spouses point at each other', () => {
    const people = new Map(collect(2000, 5).filter((record) => record.registryId === 'population').map((record) => [record.key, record.content]));
    for (const [number, person] of people) {
      for (const parent of (person.parents as { registerNumber: string }[]) ?? []) {
        assert.ok((people.get(parent.registerNumber)?.children as string[]).includes(number), `${number} is a child of ${parent.registerNumber}`);
      }
      for (const marriage of (person.marriages as { spouseRegisterNumber: string }[]) ?? []) {
        const spouse = people.get(marriage.spouseRegisterNumber);
        assert.ok((spouse?.marriages as { spouseRegisterNumber: string }[]).some((m) => m.spouseRegisterNumber === number));
      }
    }
  });

  it("lists the real administrative units: the capital's 9 districts and their khoroos, 21 aimags and their soums", () => {
    const units = administrativeUnits();
    const byLevel = (level: string) => units.filter((unit) => unit.content.level === level);
    assert.equal(byLevel('capital').length, 1);
    assert.equal(byLevel('district').length, 9);
    assert.equal(byLevel('aimag').length, 21);
    assert.ok(byLevel('soum').length >= 320, `soums ${byLevel('soum').length}`);
    assert.ok(byLevel('khoroo').length >= 200, `khoroos ${byLevel('khoroo').length}`);
    assert.equal(new Set(units.map((unit) => unit.key)).size, units.length, 'codes are unique');
    const codes = new Set(units.map((unit) => unit.key));
    for (const unit of units) if (unit.content.parentCode) assert.ok(codes.has(String(unit.content.parentCode)), `${unit.key} has its parent`);
    const olgii = units.find((unit) => unit.content.nameMn === 'Баян-Өлгий');
    assert.equal(olgii?.content.nameEn, 'Bayan-Ölgii');
    assert.equal(olgii?.content.centreEn, 'Ölgii');
    // Every address a generated person has points at a unit of this register.
    for (const record of collect(500, 9).filter((record) => record.registryId === 'population')) {
      for (const { address } of record.content.addresses as { address: { soumDistrictCode: string } }[]) assert.ok(codes.has(address.soumDistrictCode), address.soumDistrictCode);
    }
  });

  it('has a plate for every car of a whole country: the capital moves on to the next pair of letters', () => {
    const plates = new Set<string>();
    // A country of 3.5 million has some 300,000 cars in the capital; the first pair of letters holds 250,000.
    for (let serial = 1; serial <= 1_000_000; serial += 1) plates.add(plateOf('УБ', serial));
    assert.equal(plates.size, 1_000_000);
    assert.equal(plateOf('УБ', 1), '0001УБА');
    assert.equal(plateOf('УБ', 250_000), '0000УВА');
    for (const plate of [...plates].slice(0, 1000)) assert.match(plate, /^[0-9]{4}У[А-ЯӨҮ]{2}$/u);
    assert.throws(() => plateOf('АБ', 250_000), /exhausted/);
  });

  it('makes only records that their registries accept', async () => {
    const registries = new Map<string, Registry>((await app.registries.list()).map((registry) => [registry.id, registry]));
    const seen = new Set<string>();
    for (const record of collect(1500, 11)) {
      const registry = registries.get(record.registryId);
      assert.ok(registry, record.registryId);
      const problems = app.registries.check(registry, record.content);
      assert.deepEqual(problems, [], `${record.registryId} ${record.key}: ${JSON.stringify(problems)}`);
      seen.add(record.registryId);
    }
    assert.deepEqual([...seen].sort(), ['addresses', 'education', 'foreign-residents', 'health', 'legal-entities', 'population', 'property', 'social-insurance', 'vehicles']);
    // Foreign residents of a bigger sample, expired permits and towns outside the capital included.
    const foreignRegistry = registries.get('foreign-residents')!;
    for (const record of [...generateForeignResidents({ count: 300, seed: 11 })].flat()) {
      assert.deepEqual(app.registries.check(foreignRegistry, record.content), [], record.key);
    }
  });

  it('keeps the citizens of a seed exactly as they were before foreign residents were added', () => {
    const records = collect(3000, 7);
    const citizens = records.filter((record) => record.registryId !== 'foreign-residents');
    assert.equal(citizens.filter((record) => record.registryId === 'population').length, 3003);
    assert.equal(citizens.length, 10893);
    // Computed from the generator as it was before foreign residents existed; change it only with the citizens on purpose.
    assert.equal(createHash('sha256').update(JSON.stringify(citizens)).digest('hex'), 'be853a0a20349c4bdf3a44447ccfee69d87159d2fb3fd931d0fab58e0da6b319');
    assert.equal(records.find((record) => record.registryId === 'population')?.key, [...generatePopulation({ population: 3000, seed: 7 })].flat().find((record) => record.registryId === 'population')?.key);
    assert.ok(records.some((record) => record.key === DEMO_CITIZEN.registerNumber));
    // Every foreign resident comes after every citizen record.
    const firstForeign = records.findIndex((record) => record.registryId === 'foreign-residents');
    assert.ok(firstForeign > 0);
    assert.ok(records.slice(firstForeign).every((record) => record.registryId === 'foreign-residents'));
  });

  it('adds foreign residents: about 1 in 300, the demo foreigner first, deterministic', () => {
    assert.equal(foreignResidentCount(40), 0);
    assert.equal(foreignResidentCount(100), 1);
    assert.equal(foreignResidentCount(3000), 10);
    assert.equal(collect(40, 'exchange-tests').filter((record) => record.registryId === 'foreign-residents').length, 0);
    const foreigners = collect(3000, 7).filter((record) => record.registryId === 'foreign-residents');
    assert.equal(foreigners.length, 10);
    const [first] = foreigners;
    assert.equal(first?.key, DEMO_FOREIGNER.registerNumber);
    assert.deepEqual(first?.subjects, [DEMO_FOREIGNER.registerNumber]);
    assert.equal(first?.content.givenName, DEMO_FOREIGNER.givenName);
    assert.deepEqual(first?.content.permit, DEMO_FOREIGNER.permit);
    assert.equal(first?.content.mobile, DEMO_FOREIGNER.mobile);
    assert.equal(JSON.stringify(foreigners), JSON.stringify(collect(3000, 7).filter((record) => record.registryId === 'foreign-residents')));
    assert.notEqual(JSON.stringify(foreigners.slice(1)), JSON.stringify(collect(3000, 8).filter((record) => record.registryId === 'foreign-residents').slice(1)));
  });

  it('makes foreign residents like Mongolia’s: varied nationalities, adults with phones, mostly in Ulaanbaatar, a few permits expired', () => {
    const today = new Date(Date.UTC(2026, 0, 1));
    const residents = [...generateForeignResidents({ count: 600, seed: 'residents', today })].flat().map((record) => record.content);
    const numbers = new Set(residents.map((resident) => resident.registerNumber));
    assert.equal(numbers.size, residents.length, 'F-register numbers are unique');
    for (const number of numbers) assert.match(String(number), /^Ф[0-9]{12}$/u);
    const nationalities = new Map<string, number>();
    for (const resident of residents) nationalities.set(String(resident.nationality), (nationalities.get(String(resident.nationality)) ?? 0) + 1);
    assert.ok(nationalities.size >= 8, `nationalities ${[...nationalities.keys()]}`);
    const top = [...nationalities].sort((a, b) => b[1] - a[1])[0]![0];
    assert.equal(top, 'CHN');
    for (const code of ['RUS', 'KOR', 'KAZ', 'USA', 'JPN', 'VNM']) assert.ok(nationalities.has(code), code);
    const inCapital = residents.filter((resident) => (resident.address as { aimagCityCode: string }).aimagCityCode === '11').length / residents.length;
    assert.ok(inCapital > 0.75 && inCapital < 0.97, `share in Ulaanbaatar ${inCapital}`);
    const day = today.toISOString().slice(0, 10);
    const expired = residents.filter((resident) => (resident.permit as { validUntil: string }).validUntil < day).length / residents.length;
    assert.ok(expired > 0.01 && expired < 0.12, `expired permits ${expired}`);
    for (const resident of residents) {
      const born = String(resident.birthDate);
      assert.ok(born <= '2007-12-31' && born >= '1950-01-01', `adult: ${born}`);
      assert.match(String(resident.mobile), /^[0-9]{8}$/);
      assert.match(String(resident.givenName), /^[A-Z][A-Z '-]*$/);
      const permit = resident.permit as { issuedOn: string; validUntil: string };
      assert.ok(permit.issuedOn <= day && permit.issuedOn < permit.validUntil, JSON.stringify(permit));
    }
  });
});
