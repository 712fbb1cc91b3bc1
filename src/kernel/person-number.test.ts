import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalForeignNumber, readPersonNumber, isForeignRegisterNumber, isPersonNumber, personNumbersIn, replacePersonNumbers } from './person-number.ts';

describe('person numbers', () => {
  it('knows a citizen’s register number and a foreign resident’s F-register number, and nothing else', () => {
    for (const number of ['УБ90051428', 'ФА90051428', 'Ф200905001846']) assert.ok(isPersonNumber(number), number);
    for (const number of ['УБ9005142', 'Ф20090500184', 'Ф2009050018467', 'F200905001846', 'ub90051428', 'ФФ2009050018', '1234567890123']) assert.ok(!isPersonNumber(number), number);
    assert.ok(isForeignRegisterNumber('Ф200905001846'));
    // A citizen whose number starts with Ф (issued in an aimag with that letter) is not a foreigner.
    assert.ok(!isForeignRegisterNumber('ФА90051428'));
  });

  it('finds both kinds in text, as the exchange does in addresses and answers', () => {
    assert.deepEqual(personNumbersIn('/persons/УБ90051428?spouse=Ф200905001846&again=УБ90051428'), ['УБ90051428', 'Ф200905001846']);
    assert.deepEqual(personNumbersIn('{"registerNumber":"Ф200905001846","civilId":"123456789012"}'), ['Ф200905001846']);
    assert.deepEqual(personNumbersIn('nothing here'), []);
    assert.equal(replacePersonNumbers('a УБ90051428 b Ф200905001846', (number) => `#${number.length}`), 'a #10 b #13');
  });

  it('turns a typed Latin F into Ф and leaves everything else alone', () => {
    assert.equal(canonicalForeignNumber('F200905001846'), 'Ф200905001846');
    assert.equal(canonicalForeignNumber('Ф200905001846'), 'Ф200905001846');
    assert.equal(canonicalForeignNumber('F20090500184'), 'F20090500184');
    assert.equal(canonicalForeignNumber('УБ90051428'), 'УБ90051428');
  });

  it('reads a register number typed on a Latin keyboard as the Cyrillic it stands for, in any case', () => {
    assert.equal(readPersonNumber('UB90051428'), 'УБ90051428');
    assert.equal(readPersonNumber('ub90051428'), 'УБ90051428');
    assert.equal(readPersonNumber('Ub 9005 1428'), 'УБ90051428');
    assert.equal(readPersonNumber('уб90051428'), 'УБ90051428');
    assert.equal(readPersonNumber('Уb90051428'), 'УБ90051428');
    assert.equal(readPersonNumber('ÜÖ90051428'), 'ҮӨ90051428');
    assert.equal(readPersonNumber('u\u0308o\u030890051428'), 'ҮӨ90051428');
    assert.equal(readPersonNumber('HE90051428'), 'ХЭ90051428');
    assert.equal(readPersonNumber('CX90051428'), 'ЦХ90051428');
    assert.equal(readPersonNumber('f200905001846'), 'Ф200905001846');
    for (const typed of ['UB90051428', 'ub90051428', 'AA12345678', 'ZY00000000']) assert.ok(isPersonNumber(readPersonNumber(typed)), typed);
    // No Mongolian letter: still refused, not guessed.
    for (const typed of ['QW90051428', 'U190051428', 'UB9005142', '', 'UBB90051428']) assert.ok(!isPersonNumber(readPersonNumber(typed)), typed);
    assert.equal(readPersonNumber(42), '');
  });
});
