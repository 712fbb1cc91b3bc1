import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { builtinForms, checkAnswers } from './forms.ts';

describe('form answers', () => {
  it('reads a register number typed on a Latin keyboard as its Cyrillic letters', () => {
    const form = builtinForms().find((candidate) => candidate.slug === 'kindergarten-enrolment');
    assert.ok(form);
    const { answers, errors } = checkAnswers(form, { childRegisterNumber: 'ub20150314' }, 'en', ['childRegisterNumber']);
    assert.deepEqual(errors, []);
    assert.equal(answers.childRegisterNumber, 'УБ20150314');
    const refused = checkAnswers(form, { childRegisterNumber: 'QW20150314' }, 'en', ['childRegisterNumber']);
    assert.equal(refused.errors.length, 1);
  });
});
