// Search quality: the words people actually type must find the service they mean.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testApp, type TestApp } from '../../../test/helpers.ts';

describe('catalogue search', () => {
  let app: TestApp;
  before(async () => {
    app = await testApp();
  });
  after(async () => app.close());

  const top = async (q: string, n = 3) => {
    const result = await app.catalog.listServices({ q, pageSize: n });
    return result.items.map((item) => item.slug);
  };

  for (const q of ['хаяг', 'Хаягийн лавлагаа', 'khayag', 'hayag', 'HAYAG', 'xayag', 'оршин суугаа хаяг', 'orshin suugaa hayag', 'residence address', 'address reference']) {
    it(`finds the residence address reference for "${q}"`, async () => {
      assert.ok((await top(q)).includes('residence-address-reference'), `top results for ${q}: ${(await top(q)).join(', ')}`);
    });
  }

  for (const q of ['hayg', 'хаяк', 'adress', 'residense adress']) {
    it(`forgives the typo in "${q}"`, async () => {
      assert.ok((await top(q, 5)).includes('residence-address-reference'), `top results for ${q}: ${(await top(q, 5)).join(', ')}`);
    });
  }

  it('matches word prefixes ("лавл" finds references)', async () => {
    const result = await app.catalog.listServices({ q: 'лавл', pageSize: 50 });
    assert.ok(result.paging.total >= 10);
    // Word matches rank above near-spellings ("lawyer" is close to "lavl" once folded), so the top ten are references.
    assert.ok(result.items.slice(0, 10).every((item) => /лавлагаа|лавлах/i.test(`${item.name.mn} ${item.summary.mn} ${item.description.mn} ${item.keywords.mn.join(' ')}`)));
  });

  it('finds services by agency abbreviation in either language', async () => {
    const mn = await app.catalog.listServices({ q: 'УБЕГ', pageSize: 100 });
    const en = await app.catalog.listServices({ q: 'GASR', pageSize: 100 });
    assert.ok(mn.paging.total >= 10);
    assert.ok(mn.items.every((item) => item.agency.id === 'gasr' || `${item.summary.mn} ${item.description.mn}`.includes('УБЕГ')));
    assert.ok(en.items.some((item) => item.slug === 'residence-address-reference'));
  });

  it('finds common services in English and Mongolian', async () => {
    assert.ok((await top('passport', 5)).some((slug) => slug.includes('passport')));
    assert.ok((await top('паспорт', 5)).some((slug) => slug.includes('passport')));
    assert.ok((await top('driving licence', 5)).includes('driving-licence-replacement'));
    assert.ok((await top('жолооны үнэмлэх', 5)).includes('driving-licence-replacement'));
    assert.ok((await top('kindergarten', 5)).includes('kindergarten-enrolment'));
    assert.ok((await top('цэцэрлэг', 5)).includes('kindergarten-enrolment'));
    assert.ok((await top('vaccination certificate', 5)).includes('covid-19-vaccination-certificate'));
  });

  it('combines the query with filters and pages', async () => {
    const all = await app.catalog.listServices({ q: 'лавлагаа', pageSize: 5 });
    const gasr = await app.catalog.listServices({ q: 'лавлагаа', agency: 'gasr', pageSize: 5 });
    assert.ok(gasr.paging.total < all.paging.total);
    assert.ok(gasr.items.every((item) => item.agency.id === 'gasr'));
    const page2 = await app.catalog.listServices({ q: 'лавлагаа', pageSize: 5, page: 2 });
    assert.equal(page2.paging.page, 2);
    assert.equal(page2.items.filter((item) => all.items.some((first) => first.id === item.id)).length, 0);
    const references = await app.catalog.listServices({ kind: 'reference', audience: 'citizen', pageSize: 100 });
    assert.ok(references.items.every((item) => item.kind === 'reference' && item.audiences.includes('citizen')));
  });

  it('answers nonsense, markup and SQL safely with no results', async () => {
    for (const q of ["'; DROP TABLE catalog.services; --", '<script>alert(1)</script>', '😀😀😀', '%_\\', 'zzqxw vvbnm']) {
      const result = await app.catalog.listServices({ q });
      assert.equal(result.items.length, 0, q);
    }
    const { rows } = await app.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM catalog.services');
    assert.ok((rows[0]?.n ?? 0) > 100);
  });

  it('leaves retired services out unless asked for', async () => {
    const retired = await app.catalog.listServices({ status: 'retired', pageSize: 100 });
    const active = await app.catalog.listServices({ pageSize: 100 });
    for (const item of retired.items) assert.ok(!active.items.some((other) => other.id === item.id));
  });
});
