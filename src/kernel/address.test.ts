import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatAddress, inCapital } from './address.ts';

describe('formatAddress', () => {
  const flat = { aimagCityCode: '11', aimagCityName: 'Улаанбаатар', soumDistrictCode: '1103', soumDistrictName: 'Баянгол', bagKhorooName: '3-р хороо', street: 'Энхтайваны өргөн чөлөө', building: '12', apartment: '34' };

  it('writes a flat in the capital largest unit first in Mongolian, with the kind of each unit', () => {
    assert.equal(formatAddress(flat, 'mn'), 'Улаанбаатар хот, Баянгол дүүрэг, 3-р хороо, Энхтайваны өргөн чөлөө, 12-р байр, 34 тоот');
  });

  it('writes it smallest first in English, names in Latin letters', () => {
    assert.equal(formatAddress(flat, 'en'), 'Apartment 34, building 12, Enkhtaivany Örgön Chölöö, khoroo 3, Bayangol district, Ulaanbaatar');
  });

  it('names aimags and soums as such, and a birth place of two parts reads whole', () => {
    const birthPlace = { aimagCityName: 'Ховд', soumDistrictName: 'Жаргалант' };
    assert.equal(formatAddress(birthPlace, 'mn'), 'Ховд аймаг, Жаргалант сум');
    assert.equal(formatAddress(birthPlace, 'en'), 'Jargalant soum, Khovd aimag');
    assert.equal(formatAddress({ aimagCityName: 'Улаанбаатар', soumDistrictName: 'Хан-Уул' }, 'en'), 'Khan-Uul district, Ulaanbaatar');
    assert.equal(formatAddress({ aimagCityName: 'Баян-Өлгий', soumDistrictName: 'Өлгий', bagKhorooName: '2-р баг', detail: '5-р хэсэг' }, 'en'), '5-р хэсэг, bag 2, Ölgii soum, Bayan-Ölgii aimag');
  });

  it('never prints an object, and passes text through', () => {
    assert.equal(formatAddress(undefined, 'mn'), '');
    assert.equal(formatAddress(null, 'en'), '');
    assert.equal(formatAddress('Дархан', 'mn'), 'Дархан');
    assert.equal(formatAddress({}, 'en'), '');
    assert.doesNotMatch(formatAddress({ aimagCityName: { nested: true } }, 'mn'), /object/);
  });

  it('does not repeat a unit word the name already carries', () => {
    assert.equal(formatAddress({ aimagCityName: 'Улаанбаатар хот' }, 'mn'), 'Улаанбаатар хот');
  });

  it('knows the capital by its code or its name', () => {
    assert.ok(inCapital({ aimagCityCode: '11' }));
    assert.ok(inCapital({ aimagCityName: 'Улаанбаатар' }));
    assert.ok(!inCapital({ aimagCityCode: '84', aimagCityName: 'Ховд' }));
  });
});
