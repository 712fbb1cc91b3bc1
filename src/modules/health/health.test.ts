import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testApp, type TestApp } from '../../../test/helpers.ts';
import { createCsca, createDsc, issueDcc, kidOf, qrPng, readQrPng, TrustList, verifyHc1 } from './dcc/index.ts';
import { dccPayload } from './dcc/test-fixtures.ts';
import { icaoName } from './icao.ts';
import { boundaryOf, parseMultipart } from '../../kernel/multipart.ts';
import { IMAGE_LIMIT } from './routes.ts';
import { CITIZEN, NOBODY, seedHealthPeople, UNVACCINATED } from './test-fixtures.ts';
import { luhnModN, newUvci, uvciChecks } from './uvci.ts';

interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
}
interface Verified {
  valid: boolean;
  failures: string[];
  messages: { code: string; message: string }[];
  certificateType: string | null;
  payload: Record<string, unknown> | null;
}

function multipart(fields: Record<string, string>, file?: { name: string; filename: string; type: string; data: Buffer }) {
  const boundary = '----urtuu-test-boundary';
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`), file.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe('ICAO 9303 names and UVCIs', () => {
  it('writes names as the machine-readable zone does', () => {
    assert.equal(icaoName('BAT-ERDENE'), 'BAT<ERDENE');
    assert.equal(icaoName('Бат-Эрдэнэ'), 'BAT<ERDENE');
    assert.equal(icaoName('Өлзий-Орших'), 'ULZII<ORSHIKH');
    assert.equal(icaoName('Цэцэгмаа'), 'TSETSEGMAA');
    assert.equal(icaoName("D'Artagnan  de Batz"), 'DARTAGNAN<DE<BATZ');
    assert.equal(icaoName('Müller'), 'MUELLER');
    assert.equal(icaoName('José'), 'JOSE');
    assert.match(icaoName('Ж'.repeat(100)), /^[A-Z<]{1,80}$/);
  });

  it('makes UVCIs with a Luhn mod N check character', () => {
    const uvci = newUvci('MN');
    assert.match(uvci, /^URN:UVCI:01:MN:[0-9A-Z]{16}#[0-9A-Z/:]$/);
    assert.ok(uvciChecks(uvci));
    assert.ok(!uvciChecks(uvci.replace(/#.$/, (end) => (end === '#A' ? '#B' : '#A'))));
    assert.equal(luhnModN('0'), '0');
  });
});

describe('multipart reader', () => {
  it('reads fields and files, and refuses what is malformed', () => {
    const body = multipart({ hc1: 'HC1:ABC', _csrf: 'token' }, { name: 'qr', filename: 'qr.png', type: 'image/png', data: Buffer.from([1, 2, 3, 13, 10]) });
    const form = parseMultipart(body.payload, boundaryOf(body.headers['content-type'])!);
    assert.equal(form?.fields.hc1, 'HC1:ABC');
    assert.deepEqual([...(form?.files.qr?.data ?? [])], [1, 2, 3, 13, 10]);
    assert.equal(parseMultipart(Buffer.from('garbage'), 'x'), undefined);
    assert.equal(parseMultipart(body.payload.subarray(0, 60), boundaryOf(body.headers['content-type'])!), undefined);
    assert.equal(boundaryOf('multipart/form-data'), undefined);
  });
});

describe('health module', () => {
  let app: TestApp;

  before(async () => {
    app = await testApp({ seed: false });
    await seedHealthPeople(app);
  });
  after(async () => app.close());

  const issue = async (who = 'dev-citizen', registerNumber?: string) =>
    app.as(who, { method: 'POST', url: '/api/v1/dcc/certificates', payload: registerNumber ? { registerNumber } : {} });

  describe('issuing from the registries', () => {
    it("issues the citizen's vaccination certificate: Cyrillic and ICAO names, latest dose, kid of the signer", async () => {
      const response = await issue();
      assert.equal(response.statusCode, 201, response.body);
      const issued = response.json<{ uvci: string; hc1: string; kid: string; payload: Record<string, any>; qrSvg: string; qrPng: string; expiresAt: string }>();
      assert.deepEqual(issued.payload.nam, { fn: 'Нямдорж', fnt: 'NYAMDORJ', gn: 'Сарангэрэл', gnt: 'SARANGEREL' });
      assert.equal(issued.payload.dob, '1990-05-14');
      assert.equal(issued.payload.ver, '1.3.0');
      assert.deepEqual(issued.payload.v, [{ tg: '840539006', vp: '1119349007', mp: 'EU/1/20/1528', ma: 'ORG-100030215', dn: 2, sd: 2, dt: '2021-06-20', co: 'MN', is: 'Ministry of Health of Mongolia', ci: issued.uvci }]);
      const trustList = (await app.as(null, { method: 'GET', url: '/api/v1/dcc/trust-list' })).json<{ country: string; signers: { kid: string; certificate: string; country: string; certificateTypes: string[] }[]; csca: unknown[] }>();
      assert.equal(trustList.country, 'MN');
      assert.equal(trustList.csca.length, 1);
      const signer = trustList.signers.find((item) => item.kid === issued.kid);
      assert.ok(signer, 'the signer is published');
      assert.equal(kidOf(Buffer.from(signer.certificate, 'base64')).toString('base64'), issued.kid);
      assert.deepEqual(signer.certificateTypes.sort(), ['r', 't', 'v']);
      // It verifies against the published trust list alone, and in the platform's verifier.
      const published = TrustList.fromGatewayList(trustList.signers);
      assert.deepEqual(verifyHc1(issued.hc1, { trust: published }).failures, []);
      const verified = (await app.as(null, { method: 'POST', url: '/api/v1/dcc/verify', payload: { hc1: issued.hc1 } })).json<Verified>();
      assert.equal(verified.valid, true, JSON.stringify(verified));
      assert.equal(verified.certificateType, 'v');
      // The QR codes decode with an independent reader (jsqr) to the same text.
      assert.equal(readQrPng(Buffer.from(issued.qrPng, 'base64')), issued.hc1);
      assert.match(issued.qrSvg, /^<svg[\s\S]+<\/svg>\s*$/);
      const history = await app.health.issuedFor(CITIZEN);
      assert.ok(history.some((row) => row.uvci === issued.uvci));
    });

    it('refuses people it cannot issue for, and other people to citizens', async () => {
      const none = await issue('dev-platform-admin', UNVACCINATED);
      assert.equal(none.statusCode, 404);
      assert.match(none.json<Problem>().errors?.[0]?.message ?? '', /no COVID-19 vaccination|вакцинжуулалт алга/);
      assert.equal((await issue('dev-platform-admin', NOBODY)).statusCode, 404);
      assert.equal((await issue('dev-citizen', UNVACCINATED)).statusCode, 403);
      assert.equal((await issue('dev-platform-admin')).statusCode, 400, 'an administrator names the person');
      assert.equal((await issue('dev-platform-admin', 'not-a-number')).statusCode, 400);
    });

    it('rotates the signer: new certificates under the new kid, old ones still verify', async () => {
      const before = (await issue()).json<{ hc1: string; kid: string }>();
      const rotated = await app.as('dev-platform-admin', { method: 'POST', url: '/api/v1/dcc/keys/rotate' });
      assert.equal(rotated.statusCode, 200, rotated.body);
      const after = (await issue()).json<{ hc1: string; kid: string }>();
      assert.notEqual(after.kid, before.kid);
      assert.equal(rotated.json<{ kid: string }>().kid, after.kid);
      for (const hc1 of [before.hc1, after.hc1]) assert.equal((await app.as(null, { method: 'POST', url: '/api/v1/dcc/verify', payload: { hc1 } })).json<Verified>().valid, true);
      const signers = (await app.as('dev-platform-admin', { method: 'GET', url: '/api/v1/dcc/signers' })).json<{ items: { kid: string; state: string; role: string }[] }>().items;
      assert.equal(signers.find((item) => item.kid === before.kid)?.state, 'retired');
      assert.equal(signers.find((item) => item.kid === after.kid)?.state, 'active');
      const published = (await app.as(null, { method: 'GET', url: '/api/v1/dcc/trust-list' })).json<{ signers: { kid: string }[] }>().signers.map((item) => item.kid);
      assert.ok(published.includes(before.kid) && published.includes(after.kid));
    });
  });

  describe('other countries', () => {
    it("imports another country's signer; its certificates then verify, and stop verifying when it is removed", async () => {
      const csca = await createCsca({ subject: 'CN=Test CSCA, C=DE' });
      const dsc = await createDsc(csca, { subject: 'CN=Test DSC, C=DE', types: ['t'] });
      const hc1 = issueDcc({ payload: dccPayload('t'), signer: dsc, issuer: 'DE', issuedAt: new Date(Date.now() - 60_000), expiresAt: new Date(Date.now() + 86_400_000) });
      assert.deepEqual((await app.as(null, { method: 'POST', url: '/api/v1/dcc/verify', payload: { hc1 } })).json<Verified>().failures, ['KID_UNKNOWN']);
      const imported = await app.as('dev-platform-admin', { method: 'POST', url: '/api/v1/dcc/signers', payload: { certificate: dsc.certificatePem } });
      assert.equal(imported.statusCode, 201, imported.body);
      const signer = imported.json<{ id: string; country: string; certificateTypes: string[] }>();
      assert.equal(signer.country, 'DE');
      assert.deepEqual(signer.certificateTypes, ['t']);
      assert.equal((await app.as(null, { method: 'POST', url: '/api/v1/dcc/verify', payload: { hc1 } })).json<Verified>().valid, true);
      const again = await app.as('dev-platform-admin', { method: 'POST', url: '/api/v1/dcc/signers?lang=mn', payload: { certificate: dsc.certificatePem } });
      assert.equal(again.statusCode, 409);
      assert.match(again.json<Problem>().errors?.[0]?.message ?? '', /итгэмжлэгдсэн/);
      const removed = await app.as('dev-platform-admin', { method: 'POST', url: `/api/v1/dcc/signers/${signer.id}/remove` });
      assert.equal(removed.json<{ state: string }>().state, 'removed');
      assert.deepEqual((await app.as(null, { method: 'POST', url: '/api/v1/dcc/verify', payload: { hc1 } })).json<Verified>().failures, ['KID_UNKNOWN']);
      // The trust list publishes only our own signers.
      const published = (await app.as(null, { method: 'GET', url: '/api/v1/dcc/trust-list' })).json<{ signers: { country: string }[] }>();
      assert.ok(published.signers.every((item) => item.country === 'MN'));
    });

    it('refuses certificates that cannot be signers, in the language asked for', async () => {
      const csca = await createCsca({ subject: 'CN=Another CSCA, C=FR' });
      const cases: [unknown, number, RegExp][] = [
        [{ certificate: 'not a certificate' }, 400, /cannot be read/],
        [{ certificate: csca.certificatePem }, 400, /certificate authority/],
        [{}, 400, /certificate/],
        [{ certificate: 'x', country: 'France' }, 400, /country/],
      ];
      for (const [payload, status, text] of cases) {
        const response = await app.as('dev-platform-admin', { method: 'POST', url: '/api/v1/dcc/signers?lang=en', payload: payload as object });
        assert.equal(response.statusCode, status, response.body);
        assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
        assert.match(JSON.stringify(response.json()), text);
      }
    });
  });

  describe('POST /api/v1/dcc/verify', () => {
    it('answers failures as stable codes with texts in the language asked for', async () => {
      const response = await app.as(null, { method: 'POST', url: '/api/v1/dcc/verify?lang=mn', payload: { hc1: 'HC1:NOT*BASE45~' } });
      assert.equal(response.statusCode, 200);
      const body = response.json<Verified>();
      assert.equal(body.valid, false);
      assert.deepEqual(body.failures, ['BASE45']);
      assert.match(body.messages[0]!.message, /Base45 бичвэр буруу/);
      const english = (await app.as(null, { method: 'POST', url: '/api/v1/dcc/verify', headers: { 'accept-language': 'en' }, payload: { hc1: 'LT1:ABC' } })).json<Verified>();
      assert.deepEqual(english.failures, ['PREFIX']);
      assert.match(english.messages[0]!.message, /does not start with "HC1:"/);
    });

    it('verifies at a given time', async () => {
      const { hc1 } = (await issue()).json<{ hc1: string }>();
      const later = (await app.as(null, { method: 'POST', url: '/api/v1/dcc/verify', payload: { hc1, at: '2099-01-01T00:00:00Z' } })).json<Verified>();
      assert.ok(later.failures.includes('CWT_EXPIRED'), later.failures.join());
    });

    it('takes the QR image itself', async () => {
      const { hc1 } = (await issue()).json<{ hc1: string }>();
      const png = await qrPng(hc1);
      const response = await app.as(null, { method: 'POST', url: '/api/v1/dcc/verify', headers: { 'content-type': 'image/png' }, payload: png });
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.json<Verified>().valid, true);
    });

    it('answers bad input with 4xx problem details, never a 500', async () => {
      const cases: { payload: string | Buffer | object; headers?: Record<string, string>; url?: string; status: number }[] = [
        { payload: {}, status: 400 },
        { payload: { hc1: '' }, status: 400 },
        { payload: { hc1: { text: 'HC1:' } }, status: 400 },
        { payload: { hc1: 'HC1:ABC', at: 'yesterday' }, status: 400 },
        { payload: '{"hc1": ', headers: { 'content-type': 'application/json' }, status: 400 },
        { payload: 'hc1=HC1:ABC', headers: { 'content-type': 'text/plain' }, status: 415 },
        { payload: Buffer.from('not an image'), headers: { 'content-type': 'image/png' }, status: 400 },
        { payload: { hc1: `HC1:${'A'.repeat(70_000)}` }, status: 400 },
        { payload: Buffer.alloc(IMAGE_LIMIT + 1), headers: { 'content-type': 'image/png' }, status: 413 },
      ];
      for (const item of cases) {
        const response = await app.as(null, { method: 'POST', url: item.url ?? '/api/v1/dcc/verify?lang=en', payload: item.payload, ...(item.headers ? { headers: item.headers } : {}) });
        assert.equal(response.statusCode, item.status, `${JSON.stringify(item.payload).slice(0, 60)}: ${response.body.slice(0, 300)}`);
        assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
        assert.equal(typeof response.json<Problem>().detail, 'string');
      }
      const blank = await app.as(null, { method: 'POST', url: '/api/v1/dcc/verify?lang=en', headers: { 'content-type': 'image/png' }, payload: await qrPngOfNothing() });
      assert.equal(blank.statusCode, 400);
      assert.match(blank.json<Problem>().detail, /No QR code could be read/);
    });

    it('names oversized, truncated and corrupted codes as verification failures', async () => {
      const { hc1 } = (await issue()).json<{ hc1: string }>();
      const check = async (text: string) => (await app.as(null, { method: 'POST', url: '/api/v1/dcc/verify', payload: { hc1: text } })).json<Verified>().failures;
      assert.deepEqual(await check(`HC1:${'0'.repeat(9000)}`), ['TOO_LARGE']);
      assert.ok((await check(hc1.slice(0, 200))).length > 0);
      const corrupted = hc1.slice(0, 100) + (hc1[100] === 'A' ? 'B' : 'A') + hc1.slice(101);
      assert.ok((await check(corrupted)).length > 0);
    });
  });

  describe('verifier page', () => {
    it('shows the form in both languages, without JavaScript', async () => {
      for (const [lang, title] of [['mn', 'Эрүүл мэндийн гэрчилгээ шалгах'], ['en', 'Check a health certificate']] as const) {
        const response = await app.as(null, { method: 'GET', url: `/${lang}/dcc/verify` });
        assert.equal(response.statusCode, 200);
        assert.ok(response.body.includes(title));
        assert.match(response.body, /enctype="multipart\/form-data"/);
        assert.match(response.body, /name="hc1"/);
        assert.match(response.body, /type="file"/);
      }
    });

    it('verifies pasted text and names the result in the language of the page', async () => {
      const { hc1 } = (await issue()).json<{ hc1: string }>();
      const valid = await app.as(null, { method: 'POST', url: '/mn/dcc/verify', ...multipart({ hc1, _csrf: app.csrf }) });
      assert.equal(valid.statusCode, 200, valid.body.slice(0, 500));
      assert.ok(valid.body.includes('Гэрчилгээ хүчинтэй байна'));
      assert.ok(valid.body.includes('Нямдорж Сарангэрэл'));
      assert.ok(valid.body.includes('Вакцинжуулалтын гэрчилгээ'));
      const form = new URLSearchParams({ hc1: 'HC1:BROKEN~', _csrf: app.csrf }).toString();
      const invalid = await app.as(null, { method: 'POST', url: '/en/dcc/verify', payload: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(invalid.statusCode, 200);
      assert.ok(invalid.body.includes('The certificate is not valid'));
      assert.ok(invalid.body.includes('not valid Base45 text'));
    });

    it('reads an uploaded QR image', async () => {
      const { hc1 } = (await issue()).json<{ hc1: string }>();
      const response = await app.as(null, { method: 'POST', url: '/en/dcc/verify', ...multipart({ hc1: '', _csrf: app.csrf }, { name: 'qr', filename: 'qr.png', type: 'image/png', data: await qrPng(hc1) }) });
      assert.equal(response.statusCode, 200);
      assert.ok(response.body.includes('The certificate is valid'));
    });

    it('answers empty or unreadable input with the error summary (400), and a forged form with 403', async () => {
      const empty = await app.as(null, { method: 'POST', url: '/en/dcc/verify', ...multipart({ hc1: '  ', _csrf: app.csrf }) });
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /govuk-error-summary/);
      assert.ok(empty.body.includes('Paste the text of the QR code'));
      const picture = await app.as(null, { method: 'POST', url: '/mn/dcc/verify', ...multipart({ _csrf: app.csrf }, { name: 'qr', filename: 'cat.png', type: 'image/png', data: Buffer.from('meow') }) });
      assert.equal(picture.statusCode, 400);
      assert.ok(picture.body.includes('Зургаас QR код уншиж чадсангүй'));
      const malformed = await app.as(null, { method: 'POST', url: '/en/dcc/verify', payload: '--x\r\nbroken', headers: { 'content-type': 'multipart/form-data; boundary=x' } });
      assert.equal(malformed.statusCode, 400);
      const forged = await app.as(null, { method: 'POST', url: '/en/dcc/verify', ...multipart({ hc1: 'HC1:ABC' }) });
      assert.equal(forged.statusCode, 403);
    });
  });

  describe('my certificates page', () => {
    it('lets a citizen get their certificate with its QR code', async () => {
      const page = await app.as('dev-citizen', { method: 'GET', url: '/en/my/health-certificates' });
      assert.equal(page.statusCode, 200);
      const issued = await app.as('dev-citizen', { method: 'POST', url: '/en/my/health-certificates', payload: new URLSearchParams({ _csrf: app.csrf }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      assert.equal(issued.statusCode, 200, issued.body.slice(0, 300));
      assert.ok(issued.body.includes('Your certificate is ready'));
      const png = /src="data:image\/png;base64,([^"]+)"/.exec(issued.body)?.[1];
      assert.ok(png);
      const hc1 = readQrPng(Buffer.from(png, 'base64'));
      assert.match(hc1 ?? '', /^HC1:/);
      assert.equal((await app.health.verify(hc1)).valid, true);
    });
  });
});

/** A PNG with no QR code in it. */
async function qrPngOfNothing(): Promise<Buffer> {
  const { PNG } = await import('pngjs');
  const image = new PNG({ width: 64, height: 64 });
  image.data.fill(255);
  return PNG.sync.write(image);
}
