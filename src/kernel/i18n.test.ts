import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildI18n } from '../app.ts';
import { I18n, langFromAcceptLanguage } from './i18n.ts';

describe('i18n', () => {
  it('has every message in both Mongolian and English', () => {
    assert.deepEqual(buildI18n().missingKeys(), []);
  });

  it('fills placeholders and picks plural forms', () => {
    const i18n = new I18n().add('x', {
      mn: { n_one: '{count} үйлчилгээ', n_other: '{count} үйлчилгээ', hi: 'Сайн уу, {name}' },
      en: { n_one: '{count} service', n_other: '{count} services', hi: 'Hello, {name}' },
    });
    assert.equal(i18n.t('en', 'x.n', { count: 1 }), '1 service');
    assert.equal(i18n.t('en', 'x.n', { count: 3 }), '3 services');
    assert.equal(i18n.t('mn', 'x.hi', { name: 'Бат' }), 'Сайн уу, Бат');
    assert.equal(i18n.t('en', 'x.missing'), 'x.missing');
  });

  it('reads Accept-Language with quality values', () => {
    assert.equal(langFromAcceptLanguage('en-GB,en;q=0.9'), 'en');
    assert.equal(langFromAcceptLanguage('ru, mn;q=0.8, en;q=0.5'), 'mn');
    assert.equal(langFromAcceptLanguage('fr, de'), undefined);
    assert.equal(langFromAcceptLanguage(undefined), undefined);
    assert.equal(langFromAcceptLanguage('en;q=abc, mn;q=0.1'), 'mn');
  });
});
