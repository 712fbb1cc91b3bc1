// The exchange's administration pages: every page and form as a platform administrator (success,
// each mistake named in the error summary with what was typed kept, both languages), the audit
// entry each change leaves, and every route refused to everyone else and without a form token.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { form, testApp, type TestApp } from '../../../test/helpers.ts';
import { AppError } from '../../kernel/errors.ts';
import { createCertificateAuthority, generateKeyPair } from '../../kernel/pki.ts';

const ADMIN = 'dev-platform-admin';
const BASE = '/en/admin/exchange';

/** The error summary's links: [field id, message] in order. */
function summary(body: string): [string, string][] {
  const list = /<ul class="govuk-list govuk-error-summary__list">([\s\S]*?)<\/ul>/.exec(body)?.[1] ?? '';
  const text = (html: string) => html.trim().replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return [...list.matchAll(/<a href="#([^"]+)">([^<]*)<\/a>/g)].map((match) => [match[1]!, text(match[2]!)]);
}

/** Asserts the form came back with exactly these fields in error, each message shown beside its field too. */
function assertErrors(response: { statusCode: number; body: string }, fields: string[], status = 400): [string, string][] {
  assert.equal(response.statusCode, status, response.body.slice(0, 400));
  const found = summary(response.body);
  assert.deepEqual(found.map(([field]) => field), fields, JSON.stringify(found));
  for (const [field, message] of found) {
    assert.ok(response.body.includes(`id="${field}-error"`) || field === 'key-details', `${field} has its own error message`);
    assert.ok(message.length > 0);
  }
  assert.match(response.body, /<title>Error:/);
  return found;
}

describe('exchange administration pages', () => {
  let app: TestApp;
  before(async () => {
    app = await testApp();
  });
  after(async () => app.close());

  const post = (url: string, fields: Record<string, string>, who: string | null = ADMIN) => app.as(who, { method: 'POST', url, ...form(fields, app.csrf) });
  const get = (url: string, who: string | null = ADMIN) => app.as(who, { method: 'GET', url });
  const directory = () => app.exchange.directory();
  const auditOf = async (subjectType: string, subjectId: string) => (await app.ctx.audit.forSubject(subjectType, subjectId))[0];
  let counter = 0;
  const code = (prefix: string) => `${prefix}${(counter += 1)}`;

  /** A member with one subsystem, made through the service (not under test here). */
  async function memberWithSubsystem(authMode: 'signature' | 'tls' | 'local' = 'signature') {
    const memberId = await app.exchange.admin.upsertMember({ memberClass: 'COM', memberCode: code('fixture'), name: { mn: 'Туршилтын компани', en: 'Test company' } });
    const subsystemId = await app.exchange.admin.upsertSubsystem({ memberId, subsystemCode: 'system', name: { mn: 'Систем', en: 'System' }, authMode });
    return { memberId, subsystemId };
  }

  /** A REST service of a fresh subsystem, made through the service. */
  async function restService() {
    const { memberId, subsystemId } = await memberWithSubsystem();
    const serviceId = await app.exchange.admin.upsertService({ subsystemId, serviceCode: 'records', title: { mn: 'Бичлэг', en: 'Records' }, kind: 'rest', baseUrl: 'https://records.example.mn', personal: false });
    return { memberId, subsystemId, serviceId };
  }

  describe('overview', () => {
    it('shows members with subsystems, services, key counts and access rights, with a link to each form', async () => {
      const { subsystemId, serviceId } = await restService();
      await app.exchange.admin.addKey({ subsystemId, publicKeyPem: generateKeyPair().publicKeyPem });
      await app.exchange.admin.addKey({ subsystemId, publicKeyPem: generateKeyPair().publicKeyPem });
      await app.exchange.admin.grant({ serviceId, clientId: app.portalSubsystem, method: 'GET', path: '/records/*' });
      const response = await get(BASE);
      assert.equal(response.statusCode, 200);
      const body = response.body;
      assert.match(body, /<h1 class="govuk-heading-l">Data exchange administration<\/h1>/);
      for (const path of ['members/new', 'subsystems/new', 'keys/new', 'services/new', 'access-rights/new']) assert.ok(body.includes(`href="${BASE}/${path}"`), path);
      assert.ok(body.includes('Test company'));
      assert.ok(body.includes(`href="${BASE}/keys?subsystem=${encodeURIComponent(subsystemId)}">2 keys`), 'key count links to the keys');
      assert.ok(body.includes(`href="${BASE}/members/edit?id=${encodeURIComponent(subsystemId.split('/').slice(0, 3).join('/'))}"`), 'rename link');
      assert.match(body, /<td class="govuk-table__cell" data-label="Authentication">Signature<br>\s*<span class="govuk-body-s">Node: Central<\/span><\/td>/);
      // Services: the registries' internal ones and this REST one, personal or not, enabled.
      assert.match(body, /Records<br><span class="govuk-body-s"><code>MN\/<wbr>COM\/<wbr>fixture\d+\/<wbr>system\/<wbr>records<\/code><\/span><\/td>\s*<td class="govuk-table__cell" data-label="[^"]+">REST<br>\s*<span class="govuk-body-s">Personal data: No<\/span><br>\s*<strong class="govuk-tag urtuu-tag govuk-tag--green">Enabled/);
      assert.match(body, /<td class="govuk-table__cell" data-label="[^"]+">Inside the platform<br>\s*<span class="govuk-body-s">Personal data: Yes<\/span>/);
      // Rights, grouped by service, each with a way to revoke it.
      const right = (await directory()).rights.find((row) => row.service_id === serviceId)!;
      assert.match(body, /<caption class="govuk-table__caption govuk-table__caption--s">Records <span class="govuk-body-s"><code>MN\/<wbr>COM\/<wbr>fixture/);
      assert.ok(body.includes(`href="${BASE}/access-rights/revoke?id=${right.id}"`));
      assert.match(body, /<code>GET<\/code> <code>\/<wbr>records\/<wbr>\*<\/code>/);
      // Tables have their headers and captions for screen readers.
      assert.ok((body.match(/<caption class="govuk-table__caption/g) ?? []).length >= 3);
    });

    it('is in Mongolian on the Mongolian address', async () => {
      const response = await get('/mn/admin/exchange');
      assert.equal(response.statusCode, 200);
      assert.match(response.body, /<html lang="mn"/);
      assert.match(response.body, /Мэдээлэл солилцооны удирдлага/);
      assert.match(response.body, /Гишүүн нэмэх/);
      assert.match(response.body, /Хандах эрх/);
    });

    it('shows a success banner only for a known change, and never echoes other text from the address', async () => {
      const banner = await get(`${BASE}?done=right`);
      assert.match(banner.body, /govuk-notification-banner--success/);
      assert.match(banner.body, /Access right granted\./);
      const unknown = await get(`${BASE}?done=%3Cscript%3E`);
      assert.doesNotMatch(unknown.body, /govuk-notification-banner/);
      // A phrase no page would hold by chance (ids and numbers on the page may contain any digits).
      const spoof = await get(`${BASE}?done=key&id=${encodeURIComponent('Call SPOOFLINE <b>now</b>')}`);
      const main = /<main[\s\S]*<\/main>/.exec(spoof.body)?.[0] ?? '';
      assert.match(main, /The change is saved\./);
      assert.doesNotMatch(main, /SPOOFLINE|<b>now/);
    });

    it('links to the exchange from the administration home for platform administrators only', async () => {
      assert.ok((await get('/en/admin')).body.includes('href="/en/admin/exchange"'));
      assert.ok(!(await get('/en/admin', 'dev-gasr-admin')).body.includes('href="/en/admin/exchange"'));
    });
  });

  describe('members', () => {
    it('adds a member, records it in the audit log and lands on the overview with a banner', async () => {
      const shown = await get(`${BASE}/members/new`);
      assert.equal(shown.statusCode, 200);
      assert.match(shown.body, /name="_csrf" value="[^"]+"/);
      const memberCode = code('khanbank');
      const response = await post(`${BASE}/members/new`, { memberClass: 'COM', memberCode, nameMn: 'Хаан банк', nameEn: 'Khan Bank', agencyId: '' });
      assert.equal(response.statusCode, 303, response.body.slice(0, 500));
      const id = `MN/COM/${memberCode}`;
      assert.equal(response.headers.location, `${BASE}?done=member&id=${encodeURIComponent(id)}`);
      const member = (await directory()).members.find((row) => row.id === id);
      assert.deepEqual({ mn: member?.name_mn, en: member?.name_en, agency: member?.agency_id }, { mn: 'Хаан банк', en: 'Khan Bank', agency: null });
      const entry = await auditOf('exchange-member', id);
      assert.equal(entry?.action, 'exchange.member.add');
      assert.equal(entry?.actorId, ADMIN);
      const overview = await get(response.headers.location as string);
      assert.match(overview.body, new RegExp(`Member added: Khan Bank \\(${id.replace(/\//g, '\\/')}\\)\\.`));
    });

    it('links a government member to its catalogue agency', async () => {
      const shown = await get(`${BASE}/members/new`);
      assert.match(shown.body, /<option value="gasr">/, 'agencies come from the catalogue');
      const memberCode = code('gasr');
      const response = await post(`${BASE}/members/new`, { memberClass: 'GOV', memberCode, nameMn: 'Улсын бүртгэлийн ерөнхий газар', nameEn: 'State registration', agencyId: 'gasr' });
      assert.equal(response.statusCode, 303);
      assert.equal((await directory()).members.find((row) => row.id === `MN/GOV/${memberCode}`)?.agency_id, 'gasr');
    });

    it('names each mistake, keeps what was typed and escapes it', async () => {
      const empty = await post(`${BASE}/members/new`, { memberClass: '', memberCode: '', nameMn: '', nameEn: '', agencyId: '' });
      assert.deepEqual(assertErrors(empty, ['memberClass', 'memberCode', 'nameMn', 'nameEn']).map(([, message]) => message), [
        'Choose the member class', 'Enter the member code', 'Enter the name in Mongolian', 'Enter the name in English',
      ]);
      const wrong = await post(`${BASE}/members/new`, { memberClass: 'XYZ', memberCode: 'not a code!', nameMn: 'Latin only', nameEn: '<script>alert(1)</script>', agencyId: 'no-such-agency' });
      assert.deepEqual(assertErrors(wrong, ['memberClass', 'memberCode', 'nameMn', 'agencyId']).map(([, message]) => message), [
        'Choose the member class', 'Use only Latin letters, digits and \' ( ) + , - . = ?, at most 64', 'Write the Mongolian name in Cyrillic', 'Choose an agency from the list',
      ]);
      assert.ok(wrong.body.includes('value="not a code!"'), 'the code typed is kept');
      assert.ok(wrong.body.includes('value="Latin only"'));
      assert.ok(wrong.body.includes('value="&lt;script&gt;alert(1)&lt;/script&gt;"'), 'what was typed is escaped');
      assert.ok(!wrong.body.includes('<script>alert(1)'));
      const long = await post(`${BASE}/members/new`, { memberClass: 'NGO', memberCode: 'x'.repeat(65), nameMn: 'Я'.repeat(201), nameEn: 'Long', agencyId: '' });
      assert.deepEqual(assertErrors(long, ['memberCode', 'nameMn']).map(([, message]) => message), ['Use only Latin letters, digits and \' ( ) + , - . = ?, at most 64', 'Use at most 200 characters']);
      assert.match(long.body, /value="NGO" checked/);
    });

    it('refuses to add a member that already exists, pointing at renaming instead', async () => {
      const memberCode = code('twice');
      assert.equal((await post(`${BASE}/members/new`, { memberClass: 'COM', memberCode, nameMn: 'Нэг', nameEn: 'One', agencyId: '' })).statusCode, 303);
      const again = await post(`${BASE}/members/new`, { memberClass: 'COM', memberCode, nameMn: 'Хоёр', nameEn: 'Two', agencyId: '' });
      assert.deepEqual(assertErrors(again, ['memberCode']).map(([, message]) => message), [`The member MN/COM/${memberCode} already exists: rename it instead`]);
      assert.equal((await directory()).members.find((row) => row.id === `MN/COM/${memberCode}`)?.name_en, 'One');
    });

    it('shows the errors in Mongolian on the Mongolian form', async () => {
      const response = await post('/mn/admin/exchange/members/new', { memberClass: 'COM', memberCode: '', nameMn: 'Bank', nameEn: '', agencyId: '' });
      assert.equal(response.statusCode, 400);
      assert.match(response.body, /<title>Алдаа:/);
      assert.match(response.body, /Гишүүний кодыг оруулна уу/);
      assert.match(response.body, /Монгол нэрийг кирилл үсгээр бичнэ үү/);
      assert.match(response.body, /Нэрийг англиар оруулна уу/);
    });

    it('renames a member, keeping its class and code, with the old and new names in the audit log', async () => {
      const { memberId } = await memberWithSubsystem();
      const shown = await get(`${BASE}/members/edit?id=${encodeURIComponent(memberId)}`);
      assert.equal(shown.statusCode, 200);
      assert.ok(shown.body.includes('value="Туршилтын компани"'), 'the current names are filled in');
      assert.ok(shown.body.includes(`name="id" value="${memberId}"`));
      const response = await post(`${BASE}/members/edit`, { id: memberId, memberClass: 'GOV', memberCode: 'hijack', nameMn: 'Шинэ нэр', nameEn: 'New name', agencyId: '' });
      assert.equal(response.statusCode, 303);
      assert.equal(response.headers.location, `${BASE}?done=memberRenamed&id=${encodeURIComponent(memberId)}`);
      const dir = await directory();
      const member = dir.members.find((row) => row.id === memberId);
      assert.equal(member?.name_en, 'New name');
      assert.equal(member?.member_class, 'COM');
      assert.ok(!dir.members.some((row) => row.member_code === 'hijack'), 'class and code cannot be changed by posting them');
      const entry = await auditOf('exchange-member', memberId);
      assert.equal(entry?.action, 'exchange.member.rename');
      assert.deepEqual((entry?.details as { from: { en: string } }).from.en, 'Test company');
    });

    it('sends the rename form back on a mistake, and answers 404 for a member that does not exist', async () => {
      const { memberId } = await memberWithSubsystem();
      const wrong = await post(`${BASE}/members/edit`, { id: memberId, nameMn: '', nameEn: 'Kept', agencyId: '' });
      assertErrors(wrong, ['nameMn']);
      assert.ok(wrong.body.includes('value="Kept"'));
      assert.ok(wrong.body.includes(`name="id" value="${memberId}"`));
      assert.equal((await get(`${BASE}/members/edit?id=MN/COM/nobody`)).statusCode, 404);
      assert.equal((await post(`${BASE}/members/edit`, { id: 'MN/COM/nobody', nameMn: 'Нэр', nameEn: 'Name', agencyId: '' })).statusCode, 404);
    });

    it('shows the exchange’s own validation failures as field errors', async () => {
      const original = app.exchange.admin.upsertMember;
      app.exchange.admin.upsertMember = async () => {
        throw new AppError('VALIDATION_FAILED', { detail: 'member code' }, [{ field: 'memberCode', message: 'member class and code: letters and digits' }]);
      };
      try {
        const response = await post(`${BASE}/members/new`, { memberClass: 'COM', memberCode: code('refused'), nameMn: 'Нэр', nameEn: 'Name', agencyId: '' });
        assert.deepEqual(assertErrors(response, ['memberCode']).map(([, message]) => message), ['Use only Latin letters, digits and \' ( ) + , - . = ?, at most 64']);
      } finally {
        app.exchange.admin.upsertMember = original;
      }
    });
  });

  describe('subsystems', () => {
    it('adds a subsystem with its authentication mode', async () => {
      const { memberId } = await memberWithSubsystem();
      const shown = await get(`${BASE}/subsystems/new?member=${encodeURIComponent(memberId)}`);
      assert.equal(shown.statusCode, 200);
      assert.ok(shown.body.includes(`<option value="${memberId}" selected>`), 'the member asked for is chosen');
      const response = await post(`${BASE}/subsystems/new`, { memberId, subsystemCode: 'payroll', nameMn: 'Цалин', nameEn: 'Payroll', authMode: 'tls', nodeId: '' });
      assert.equal(response.statusCode, 303, response.body.slice(0, 500));
      const id = `${memberId}/payroll`;
      assert.equal(response.headers.location, `${BASE}?done=subsystem&id=${encodeURIComponent(id)}`);
      const subsystem = (await directory()).subsystems.find((row) => row.id === id);
      assert.equal(subsystem?.auth_mode, 'tls');
      assert.equal(subsystem?.node_id, null);
      assert.equal((await auditOf('exchange-subsystem', id))?.action, 'exchange.subsystem.add');
      assert.match((await get(response.headers.location as string)).body, /Subsystem added: Payroll/);
    });

    it('takes a code with X-Road’s identifier characters, as GovStack’s eregistrations-dev', async () => {
      const { memberId } = await memberWithSubsystem();
      const response = await post(`${BASE}/subsystems/new`, { memberId, subsystemCode: 'eregistrations-dev', nameMn: 'Бүртгэл', nameEn: 'Registrations', authMode: 'signature', nodeId: '' });
      assert.equal(response.statusCode, 303, response.body.slice(0, 500));
      assert.ok((await directory()).subsystems.some((row) => row.id === `${memberId}/eregistrations-dev`));
    });

    it('names each mistake and keeps what was typed; an unknown member is a field error', async () => {
      const empty = await post(`${BASE}/subsystems/new`, { memberId: '', subsystemCode: '', nameMn: '', nameEn: '', authMode: '', nodeId: '' });
      assertErrors(empty, ['memberId', 'subsystemCode', 'nameMn', 'nameEn', 'authMode']);
      const wrong = await post(`${BASE}/subsystems/new`, { memberId: 'MN/COM/nobody', subsystemCode: 'bad code', nameMn: 'System', nameEn: 'System', authMode: 'password', nodeId: 'moon' });
      assert.deepEqual(assertErrors(wrong, ['memberId', 'subsystemCode', 'nameMn', 'authMode', 'nodeId']).map(([, message]) => message), [
        'There is no such member: choose one from the list', 'Use only Latin letters, digits and \' ( ) + , - . = ?, at most 64', 'Write the Mongolian name in Cyrillic', 'Choose how the system authenticates', 'Choose a node from the list',
      ]);
      assert.ok(wrong.body.includes('value="bad code"'));
      const { memberId } = await memberWithSubsystem();
      const duplicate = await post(`${BASE}/subsystems/new`, { memberId, subsystemCode: 'system', nameMn: 'Систем', nameEn: 'System', authMode: 'signature', nodeId: '' });
      assert.deepEqual(assertErrors(duplicate, ['subsystemCode']).map(([, message]) => message), ['This member already has a subsystem system']);
      assert.ok(duplicate.body.includes(`<option value="${memberId}" selected>`), 'the chosen member is kept');
      assert.match(duplicate.body, /value="signature" checked/);
    });
  });

  describe('keys', () => {
    it('registers a public key, lists it and revokes it after a confirmation', async () => {
      const { subsystemId } = await memberWithSubsystem();
      const shown = await get(`${BASE}/keys/new?subsystem=${encodeURIComponent(subsystemId)}`);
      assert.equal(shown.statusCode, 200);
      assert.ok(shown.body.includes(`<option value="${subsystemId}" selected>`));
      const pair = generateKeyPair();
      const response = await post(`${BASE}/keys/new`, { subsystemId, key: pair.publicKeyPem.replace(/\n/g, '\r\n') });
      assert.equal(response.statusCode, 303, response.body.slice(0, 500));
      const key = (await directory()).keys.find((row) => row.subsystem_id === subsystemId);
      assert.ok(key);
      assert.equal(key.public_key_pem, pair.publicKeyPem);
      assert.equal(response.headers.location, `${BASE}?done=key&id=${encodeURIComponent(key.key_id)}`);
      const entry = await auditOf('exchange-key', key.key_id);
      assert.equal(entry?.action, 'exchange.key.add');
      assert.match(String((entry?.details as { fingerprint: string }).fingerprint), /^[0-9a-f]{64}$/);

      const list = await get(`${BASE}/keys?subsystem=${encodeURIComponent(subsystemId)}`);
      assert.equal(list.statusCode, 200);
      assert.ok(list.body.includes(`href="${BASE}/keys/revoke?key=${encodeURIComponent(key.key_id)}"`));
      assert.match(list.body, /Public key/);

      const confirm = await get(`${BASE}/keys/revoke?key=${encodeURIComponent(key.key_id)}`);
      assert.equal(confirm.statusCode, 200);
      assert.match(confirm.body, /Revoke this key\?/);
      assert.ok(confirm.body.includes(`name="key" value="${key.key_id}"`));
      assert.equal((await directory()).keys.some((row) => row.key_id === key.key_id), true, 'nothing happens before the confirmation');
      const revoked = await post(`${BASE}/keys/revoke`, { key: key.key_id });
      assert.equal(revoked.statusCode, 303);
      assert.equal(revoked.headers.location, `${BASE}?done=keyRevoked&id=${encodeURIComponent(key.key_id)}`);
      assert.equal((await directory()).keys.some((row) => row.key_id === key.key_id), false);
      assert.equal((await auditOf('exchange-key', key.key_id))?.action, 'exchange.key.revoke');
      assert.match((await get(revoked.headers.location as string)).body, /Key revoked: /);
      assert.equal((await post(`${BASE}/keys/revoke`, { key: key.key_id })).statusCode, 404, 'a revoked key cannot be revoked again');
      assert.equal((await get(`${BASE}/keys/revoke?key=nope`)).statusCode, 404);
      assert.equal((await get(`${BASE}/keys?subsystem=MN/COM/nobody/system`)).statusCode, 404);
    });

    it('registers a certificate for a subsystem that authenticates with TLS', async () => {
      const { subsystemId } = await memberWithSubsystem('tls');
      const issued = await createCertificateAuthority({ subject: 'CN=Test system, O=Test, C=MN', days: 30 });
      const publicOnly = await post(`${BASE}/keys/new`, { subsystemId, key: issued.publicKeyPem });
      assert.deepEqual(assertErrors(publicOnly, ['key']).map(([, message]) => message), ['This subsystem authenticates with a TLS certificate: paste its certificate']);
      const response = await post(`${BASE}/keys/new`, { subsystemId, key: `Some text before\n${issued.certificatePem}` });
      assert.equal(response.statusCode, 303, response.body.slice(0, 500));
      const key = (await directory()).keys.find((row) => row.subsystem_id === subsystemId);
      assert.equal(key?.public_key_pem, issued.publicKeyPem);
      assert.equal(key?.certificate_pem?.trim(), issued.certificatePem.trim());
      assert.match((await get(`${BASE}/keys?subsystem=${encodeURIComponent(subsystemId)}`)).body, /Certificate/);
    });

    it('names each mistake: no subsystem, an unknown one, no key, a private key, text that is no key, a broken certificate, a key that cannot sign', async () => {
      const { subsystemId } = await memberWithSubsystem();
      const pair = generateKeyPair();
      assert.deepEqual(assertErrors(await post(`${BASE}/keys/new`, { subsystemId: '', key: '' }), ['subsystemId', 'key']).map(([, m]) => m), ['Choose a subsystem', 'Paste the public key or certificate']);
      assert.deepEqual(assertErrors(await post(`${BASE}/keys/new`, { subsystemId: 'MN/COM/nobody/system', key: pair.publicKeyPem }), ['subsystemId']).map(([, m]) => m), ['There is no such subsystem: choose one from the list']);
      const secret = await post(`${BASE}/keys/new`, { subsystemId, key: pair.privateKeyPem });
      assert.match(assertErrors(secret, ['key'])[0]![1], /This is a private key/);
      assert.equal((await directory()).keys.some((row) => row.subsystem_id === subsystemId), false, 'a private key is never stored');
      const garbage = await post(`${BASE}/keys/new`, { subsystemId, key: 'hello' });
      assert.deepEqual(assertErrors(garbage, ['key']).map(([, m]) => m), ['This is not a PEM public key or certificate']);
      assert.ok(garbage.body.includes('>hello</textarea>'), 'the text is kept');
      const broken = await post(`${BASE}/keys/new`, { subsystemId, key: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' });
      assert.deepEqual(assertErrors(broken, ['key']).map(([, m]) => m), ['The certificate could not be read']);
      const brokenKey = await post(`${BASE}/keys/new`, { subsystemId, key: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' });
      assert.deepEqual(assertErrors(brokenKey, ['key']).map(([, m]) => m), ['This is not a PEM public key or certificate']);
      const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
      assert.deepEqual(assertErrors(await post(`${BASE}/keys/new`, { subsystemId, key: rsa }), ['key']).map(([, m]) => m), ['Requests are signed with ECDSA P-256 keys: this key cannot sign them']);
    });

    it('keeps the platform’s own key from being revoked', async () => {
      const key = (await directory()).keys.find((row) => row.key_id === `${app.portalSubsystem}#platform`)!;
      assert.ok(key);
      const list = await get(`${BASE}/keys?subsystem=${encodeURIComponent(app.portalSubsystem)}`);
      assert.ok(!list.body.includes('/keys/revoke?'), 'no revoke link');
      const confirm = await get(`${BASE}/keys/revoke?key=${encodeURIComponent(key.key_id)}`);
      assert.ok(!confirm.body.includes('govuk-button--warning'), 'no revoke button');
      const refused = await post(`${BASE}/keys/revoke`, { key: key.key_id });
      assertErrors(refused, ['key-details'], 409);
      assert.ok((await directory()).keys.some((row) => row.key_id === key.key_id));
    });
  });

  describe('services', () => {
    const openapi = JSON.stringify({ openapi: '3.1.0', info: { title: 'Payroll', version: '1' }, paths: { '/payslips/{id}': { get: { responses: { 200: { description: 'A payslip' } } } } } });

    it('publishes a REST service with its OpenAPI description', async () => {
      const { subsystemId } = await memberWithSubsystem();
      const shown = await get(`${BASE}/services/new?subsystem=${encodeURIComponent(subsystemId)}`);
      assert.equal(shown.statusCode, 200);
      assert.ok(shown.body.includes('value="10000"'), 'a default timeout is offered');
      const response = await post(`${BASE}/services/new`, { subsystemId, serviceCode: 'payslips', titleMn: 'Цалингийн хуудас', titleEn: 'Payslips', baseUrl: 'https://payroll.example.mn/api', personal: 'yes', timeoutMs: '5000', openapi });
      assert.equal(response.statusCode, 303, response.body.slice(0, 500));
      const id = `${subsystemId}/payslips`;
      assert.equal(response.headers.location, `${BASE}?done=service&id=${encodeURIComponent(id)}`);
      const service = (await directory()).services.find((row) => row.id === id);
      assert.deepEqual(
        { kind: service?.kind, baseUrl: service?.base_url, personal: service?.personal, timeout: service?.timeout_ms, status: service?.status, title: service?.title_mn },
        { kind: 'rest', baseUrl: 'https://payroll.example.mn/api', personal: true, timeout: 5000, status: 'enabled', title: 'Цалингийн хуудас' },
      );
      assert.deepEqual(service?.openapi, JSON.parse(openapi));
      assert.equal((await auditOf('exchange-service', id))?.action, 'exchange.service.publish');
      assert.match((await get(response.headers.location as string)).body, /Service published: Payslips/);
      // Publishing again changes it (without OpenAPI this time).
      const again = await post(`${BASE}/services/new`, { subsystemId, serviceCode: 'payslips', titleMn: 'Цалингийн хуудас', titleEn: 'Payslips', baseUrl: 'https://payroll.example.mn/v2', personal: 'no', timeoutMs: '10000', openapi: '' });
      assert.equal(again.statusCode, 303);
      const changed = (await directory()).services.find((row) => row.id === id);
      assert.equal(changed?.base_url, 'https://payroll.example.mn/v2');
      assert.equal(changed?.openapi, null);
      assert.equal((await auditOf('exchange-service', id))?.action, 'exchange.service.republish');
    });

    it('names each mistake and keeps what was typed; an unknown subsystem is a field error', async () => {
      const empty = await post(`${BASE}/services/new`, { subsystemId: '', serviceCode: '', titleMn: '', titleEn: '', baseUrl: '', personal: '', timeoutMs: '', openapi: '' });
      assertErrors(empty, ['subsystemId', 'serviceCode', 'titleMn', 'titleEn', 'baseUrl', 'personal', 'timeoutMs']);
      const wrong = await post(`${BASE}/services/new`, { subsystemId: 'MN/COM/nobody/system', serviceCode: 'pay slips', titleMn: 'Payslips', titleEn: 'Payslips', baseUrl: 'ftp://payroll.example.mn', personal: 'maybe', timeoutMs: '50', openapi: '{ not json' });
      assert.deepEqual(assertErrors(wrong, ['subsystemId', 'serviceCode', 'titleMn', 'baseUrl', 'personal', 'timeoutMs', 'openapi']).map(([, m]) => m), [
        'There is no such subsystem: choose one from the list',
        'Use only Latin letters, digits and \' ( ) + , - . = ?, at most 64',
        'Write the Mongolian title in Cyrillic',
        'Enter an http or https address, like https://api.example.mn/v1',
        'Say whether the service returns personal data',
        'Enter a whole number of milliseconds from 100 to 60000',
        'The OpenAPI description is not valid JSON',
      ]);
      for (const kept of ['value="pay slips"', 'value="ftp://payroll.example.mn"', 'value="50"', '>{ not json</textarea>']) assert.ok(wrong.body.includes(kept), kept);
      const { subsystemId } = await memberWithSubsystem();
      const shape = await post(`${BASE}/services/new`, { subsystemId, serviceCode: 'listMethods', titleMn: 'Жагсаалт', titleEn: 'List', baseUrl: 'https://x.example.mn', personal: 'no', timeoutMs: '70000', openapi: '{"openapi":"3.1.0"}' });
      assert.deepEqual(assertErrors(shape, ['serviceCode', 'timeoutMs', 'openapi']).map(([, m]) => m), [
        'The code listMethods is reserved for metaservices', 'Enter a whole number of milliseconds from 100 to 60000', 'The OpenAPI description needs an "openapi" version and "paths"',
      ]);
      assert.match(shape.body, /value="no" checked/);
      assert.ok(shape.body.includes(`<option value="${subsystemId}" selected>`));
      const array = await post(`${BASE}/services/new`, { subsystemId, serviceCode: 'ok', titleMn: 'Жагсаалт', titleEn: 'List', baseUrl: 'https://x.example.mn', personal: 'no', timeoutMs: '1000', openapi: '[1, 2]' });
      assertErrors(array, ['openapi']);
    });

    it('never publishes over a service answered inside the platform', async () => {
      const internal = (await directory()).services.find((row) => row.kind === 'internal')!;
      assert.ok(internal, 'the registries publish internal services');
      const response = await post(`${BASE}/services/new`, { subsystemId: internal.subsystem_id, serviceCode: internal.service_code, titleMn: 'Хаяг', titleEn: 'Address', baseUrl: 'https://evil.example.com', personal: 'no', timeoutMs: '1000', openapi: '' });
      assert.deepEqual(assertErrors(response, ['serviceCode']).map(([, m]) => m), ['A service inside the platform already has this code: choose another code']);
      const unchanged = (await directory()).services.find((row) => row.id === internal.id);
      assert.equal(unchanged?.kind, 'internal');
      assert.equal(unchanged?.handler, internal.handler);
    });
  });

  describe('access rights', () => {
    it('grants a right to a subsystem and to a whole member, and revokes one after a confirmation', async () => {
      const { serviceId } = await restService();
      const client = await memberWithSubsystem();
      const shown = await get(`${BASE}/access-rights/new?service=${encodeURIComponent(serviceId)}`);
      assert.equal(shown.statusCode, 200);
      assert.ok(shown.body.includes(`<option value="${serviceId}" selected>`));
      assert.ok(shown.body.includes(`Member: Test company (${client.memberId})`));
      assert.ok(shown.body.includes(`Subsystem: System (${client.subsystemId})`));
      assert.ok(shown.body.includes('value="/**"'), 'every path is the default');

      const response = await post(`${BASE}/access-rights/new`, { serviceId, clientId: client.subsystemId, method: 'GET', path: '/records/*' });
      assert.equal(response.statusCode, 303, response.body.slice(0, 500));
      assert.equal(response.headers.location, `${BASE}?done=right`);
      const right = (await directory()).rights.find((row) => row.service_id === serviceId && row.client_id === client.subsystemId);
      assert.deepEqual({ method: right?.method, path: right?.path, by: right?.granted_by }, { method: 'GET', path: '/records/*', by: ADMIN });
      const entry = await auditOf('exchange-access-right', right!.id);
      assert.equal(entry?.action, 'exchange.right.grant');
      assert.deepEqual(entry?.details, { serviceId, clientId: client.subsystemId, method: 'GET', path: '/records/*' });

      const toMember = await post(`${BASE}/access-rights/new`, { serviceId, clientId: client.memberId, method: '*', path: '/**' });
      assert.equal(toMember.statusCode, 303);
      assert.ok((await directory()).rights.some((row) => row.service_id === serviceId && row.client_id === client.memberId && row.method === '*'));

      const confirm = await get(`${BASE}/access-rights/revoke?id=${right!.id}`);
      assert.equal(confirm.statusCode, 200);
      assert.match(confirm.body, /Revoke this access right\?/);
      assert.ok(confirm.body.includes('/records/*'));
      const revoked = await post(`${BASE}/access-rights/revoke`, { id: right!.id });
      assert.equal(revoked.statusCode, 303);
      assert.equal(revoked.headers.location, `${BASE}?done=rightRevoked`);
      assert.ok(!(await directory()).rights.some((row) => row.id === right!.id));
      assert.equal((await auditOf('exchange-access-right', right!.id))?.action, 'exchange.right.revoke');
      assert.match((await get(revoked.headers.location as string)).body, /Access right revoked\./);
      assert.equal((await post(`${BASE}/access-rights/revoke`, { id: right!.id })).statusCode, 404, 'already revoked');
      assert.equal((await get(`${BASE}/access-rights/revoke?id=not-a-uuid`)).statusCode, 404);
      assert.equal((await get(`${BASE}/access-rights/revoke?id=00000000-0000-0000-0000-000000000000`)).statusCode, 404);
    });

    it('names each mistake and keeps what was typed; unknown services and clients are field errors', async () => {
      const empty = await post(`${BASE}/access-rights/new`, { serviceId: '', clientId: '', method: '', path: '' });
      assertErrors(empty, ['serviceId', 'clientId', 'method', 'path']);
      const wrong = await post(`${BASE}/access-rights/new`, { serviceId: 'MN/COM/nobody/system/x', clientId: 'MN/COM/nobody', method: 'BREW', path: 'records with spaces' });
      assert.deepEqual(assertErrors(wrong, ['serviceId', 'clientId', 'method', 'path']).map(([, m]) => m), [
        'There is no such service: choose one from the list',
        'There is no such subsystem or member: choose one from the list',
        'Choose a method from the list',
        'Enter a path that starts with / and has no spaces, like /** or /persons/*',
      ]);
      assert.ok(wrong.body.includes('value="records with spaces"'));
      const { serviceId } = await restService();
      const query = await post(`${BASE}/access-rights/new`, { serviceId, clientId: app.portalSubsystem, method: 'POST', path: '/x?y=1' });
      assertErrors(query, ['path']);
      assert.ok(query.body.includes(`<option value="${serviceId}" selected>`));
      assert.ok(query.body.includes(`<option value="${app.portalSubsystem}" selected>`));
      assert.match(query.body, /<option value="POST" selected>/);
    });
  });

  describe('who may use the pages', () => {
    // Its own member, subsystem and service, so the matrix never touches the platform's.
    const MEMBER = 'MN/COM/matrix';
    const SUBSYSTEM = `${MEMBER}/system`;
    before(async () => {
      await app.exchange.admin.upsertMember({ memberClass: 'COM', memberCode: 'matrix', name: { mn: 'Матриц', en: 'Matrix' } });
      await app.exchange.admin.upsertSubsystem({ memberId: MEMBER, subsystemCode: 'system', name: { mn: 'Систем', en: 'System' } });
      await app.exchange.admin.upsertService({ subsystemId: SUBSYSTEM, serviceCode: 'records', title: { mn: 'Бичлэг', en: 'Records' }, kind: 'rest', baseUrl: 'https://records.example.mn', personal: false });
    });
    const ROUTES: { method: 'GET' | 'POST'; url: string; fields?: Record<string, string> }[] = [
      { method: 'GET', url: BASE },
      { method: 'GET', url: `${BASE}/members/new` },
      { method: 'POST', url: `${BASE}/members/new`, fields: { memberClass: 'NGO', memberCode: 'matrix', nameMn: 'Нэр', nameEn: 'Name', agencyId: '' } },
      { method: 'GET', url: `${BASE}/members/edit?id=${MEMBER}` },
      { method: 'POST', url: `${BASE}/members/edit`, fields: { id: MEMBER, nameMn: 'Матриц', nameEn: 'Matrix', agencyId: '' } },
      { method: 'GET', url: `${BASE}/subsystems/new` },
      { method: 'POST', url: `${BASE}/subsystems/new`, fields: { memberId: MEMBER, subsystemCode: 'second', nameMn: 'Нэр', nameEn: 'Name', authMode: 'signature', nodeId: '' } },
      { method: 'GET', url: `${BASE}/keys?subsystem=${SUBSYSTEM}` },
      { method: 'GET', url: `${BASE}/keys/new` },
      { method: 'POST', url: `${BASE}/keys/new`, fields: { subsystemId: SUBSYSTEM, key: generateKeyPair().publicKeyPem } },
      { method: 'GET', url: `${BASE}/keys/revoke?key=MN/GOV/ema/portal%23platform` },
      { method: 'POST', url: `${BASE}/keys/revoke`, fields: { key: 'MN/GOV/ema/portal#platform' } },
      { method: 'GET', url: `${BASE}/services/new` },
      { method: 'POST', url: `${BASE}/services/new`, fields: { subsystemId: SUBSYSTEM, serviceCode: 'more', titleMn: 'Нэр', titleEn: 'Name', baseUrl: 'https://x.example.mn', personal: 'no', timeoutMs: '1000', openapi: '' } },
      { method: 'GET', url: `${BASE}/access-rights/new` },
      { method: 'POST', url: `${BASE}/access-rights/new`, fields: { serviceId: `${SUBSYSTEM}/records`, clientId: MEMBER, method: 'GET', path: '/**' } },
      { method: 'GET', url: `${BASE}/access-rights/revoke?id=00000000-0000-0000-0000-000000000000` },
      { method: 'POST', url: `${BASE}/access-rights/revoke`, fields: { id: '00000000-0000-0000-0000-000000000000' } },
    ];
    const REFUSED = ['dev-citizen', 'dev-gasr-admin', 'dev-gasr-supervisor', 'dev-police-officer'];

    for (const route of ROUTES) {
      it(`${route.method} ${route.url.split('?')[0]}: platform administrators only`, async () => {
        const send = (who: string | null) => (route.method === 'GET' ? get(route.url, who) : post(route.url, route.fields!, who));
        const anonymous = await send(null);
        assert.equal(anonymous.statusCode, 401);
        assert.match(anonymous.body, /You need to sign in/);
        assert.ok(anonymous.body.includes('href="/en/sign-in?returnTo='), 'a link to sign in and come back');
        for (const who of REFUSED) {
          const refused = await send(who);
          assert.equal(refused.statusCode, 403, `${who}: ${refused.statusCode}`);
          assert.match(refused.body, /You do not have access/);
        }
        const allowed = await send(ADMIN);
        assert.ok(allowed.statusCode < 500 && allowed.statusCode !== 401 && allowed.statusCode !== 403, `platform admin got ${allowed.statusCode}`);
        if (route.method === 'POST') {
          const before = JSON.stringify(await directory());
          const noToken = await app.as(ADMIN, { method: 'POST', url: route.url, ...form(route.fields!) });
          assert.equal(noToken.statusCode, 403, 'a form without its token is refused');
          assert.match(noToken.body, /The form has expired/);
          const wrongToken = await app.as(ADMIN, { method: 'POST', url: route.url, ...form(route.fields!, 'forged') });
          assert.equal(wrongToken.statusCode, 403);
          assert.equal(JSON.stringify(await directory()), before, 'nothing changed');
        }
      });
    }

    it('sends an anonymous visitor to sign in and back to the page', async () => {
      const response = await get(`${BASE}/services/new`, null);
      assert.equal(response.statusCode, 401);
      assert.ok(response.body.includes(`href="/en/sign-in?returnTo=${encodeURIComponent(`${BASE}/services/new`)}"`), response.body.slice(0, 200));
    });

    it('covers every exchange administration route', () => {
      const routes = app.routes.filter((route) => route.url.startsWith(BASE) && route.method !== 'HEAD');
      assert.ok(routes.length >= 15, `found ${routes.length}`);
      for (const route of routes) {
        assert.ok(ROUTES.some((candidate) => candidate.method === route.method && candidate.url.split('?')[0] === route.url), `${route.method} ${route.url} is not in the matrix`);
      }
      assert.ok(app.routes.some((route) => route.url === '/mn/admin/exchange'), 'registered in Mongolian too');
    });
  });
});
