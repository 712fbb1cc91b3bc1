// Sign-in with a digital signature, end to end through the national login: a certificate from the
// citizen CA and a signature over the page's challenge sign a person in; a certificate of someone
// else, from another CA or out of date, a tampered signature and a replayed challenge are refused,
// each with its reason in the person's language and counted towards the lockout. The command line
// issues development certificates and signs challenges the way a person's signing tool would.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { X509Certificate, sign, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freshDatabase, type FreshDatabase } from '../../../test/fresh-database.ts';
import { testApp, type TestApp } from '../../../test/helpers.ts';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../kernel/config.ts';
import { KeyUsage, createCertificateAuthority, issueCertificate, type Issued } from '../../kernel/pki.ts';
import { seedPeople } from '../exchange/test-fixtures.ts';
import { DEMO_CITIZEN } from '../registries/index.ts';
import { SIGNATURE_FAILURES, citizenCa, citizenCaCertificate, configuredSignatureCas, issuePersonCertificate, newChallengeText, verifySignedChallenge } from './citizen-ca.ts';
import { identityManifest } from './index.ts';
import { TestBrowser, uidOf } from './test-fixtures.ts';

const CITIZEN = DEMO_CITIZEN.registerNumber;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** What the signing tool does: ECDSA-SHA256 over the challenge's UTF-8 bytes, DER, base64url. */
function signed(privateKeyPem: string, challenge: string): string {
  return sign('sha256', Buffer.from(challenge, 'utf8'), { key: privateKeyPem, dsaEncoding: 'der' }).toString('base64url');
}

function challengeOn(html: string): string {
  const challenge = /name="challenge" value="([^"]+)"/.exec(html)?.[1];
  assert.ok(challenge, 'the page shows a challenge');
  return challenge;
}

/** Runs `urtuu ARGS` in its own process, asynchronously. */
function urtuu(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'bin', 'urtuu.js'), ...args], { cwd: root, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

describe('sign-in with a digital signature', () => {
  let app: TestApp;
  let mine: Issued;

  before(async () => {
    const port = await freePort();
    app = await testApp({ seed: false, config: { baseUrl: `http://127.0.0.1:${port}` } });
    await seedPeople(app, 40);
    // The portal reads the provider's discovery over HTTP, as a relying party elsewhere would.
    await app.server.listen({ port, host: '127.0.0.1' });
    mine = await issuePersonCertificate(app.ctx, { registerNumber: CITIZEN, name: `${DEMO_CITIZEN.surname} ${DEMO_CITIZEN.givenName}` });
  });
  after(async () => app.close());
  beforeEach(async () => {
    await app.ctx.db.query('DELETE FROM identity.lockouts');
  });

  /** Register number → "digital signature" → the signature page; returns the uid and the challenge shown. */
  async function atSignaturePage(browser: TestBrowser, lang: 'en' | 'mn' = 'en') {
    const start = await browser.go('GET', `/${lang}/sign-in/national`);
    const uid = uidOf(start.url);
    assert.equal(new URL(start.url).pathname, `/${lang}/login/${uid}`);
    await browser.go('POST', `/${lang}/login/${uid}`, { registerNumber: CITIZEN });
    const page = await browser.go('POST', `/${lang}/login/${uid}/methods`, { method: 'signature' });
    assert.equal(new URL(page.url).pathname, `/${lang}/login/${uid}/signature`);
    assert.equal(page.response.statusCode, 200);
    return { uid, challenge: challengeOn(page.response.body), html: page.response.body };
  }

  async function failures(): Promise<number> {
    const { rows } = await app.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM identity.login_events WHERE register_number = $1 AND method = 'signature' AND outcome = 'failed'`, [CITIZEN]);
    return Number(rows[0]?.n ?? 0);
  }

  it('lists the method and shows the challenge with the command that signs it', async () => {
    const browser = new TestBrowser(app);
    const start = await browser.go('GET', '/en/sign-in/national');
    const uid = uidOf(start.url);
    const methods = await browser.go('POST', `/en/login/${uid}`, { registerNumber: CITIZEN });
    assert.match(methods.response.body, /value="signature"/);
    assert.match(methods.response.body, /Digital signature/);
    const page = await browser.go('POST', `/en/login/${uid}/methods`, { method: 'signature' });
    const challenge = challengeOn(page.response.body);
    assert.match(challenge, /^urtuu-login\.[A-Za-z0-9_-]{43}$/);
    assert.ok(page.response.body.includes(`npx urtuu identity sign --key my.key --challenge ${challenge}`));
    assert.match(page.response.body, /<textarea[^>]+name="certificate"/);
    assert.match(page.response.body, /<textarea[^>]+name="signature"/);
    // A reload gives a fresh challenge; nothing to remember between pages.
    const again = await browser.go('GET', `/en/login/${uid}/signature`);
    assert.notEqual(challengeOn(again.response.body), challenge);
  });

  it('signs the citizen in with a valid signature, at the highest level of assurance', async () => {
    const browser = new TestBrowser(app);
    const { uid, challenge } = await atSignaturePage(browser);
    const posted = await browser.request('POST', `/en/login/${uid}/signature`, { challenge, certificate: mine.certificatePem, signature: signed(mine.privateKeyPem, challenge) });
    assert.equal(posted.statusCode, 303, posted.body);
    assert.equal(posted.headers.location, `/en/login/${uid}/acting`);
    // She has minor children: she is asked whom she acts for.
    const acting = await browser.go('GET', String(posted.headers.location));
    assert.equal(new URL(acting.url).pathname, `/en/login/${uid}/acting`);
    const done = await browser.go('POST', `/en/login/${uid}/acting`, { actingFor: 'self' });
    assert.equal(new URL(done.url).pathname, '/en/my');
    const my = await browser.go('GET', '/en/my');
    assert.equal(my.response.statusCode, 200);
    assert.match(my.response.body, new RegExp(CITIZEN));
    const { rows } = await app.ctx.db.query<{ method: string }>(`SELECT method FROM identity.login_events WHERE register_number = $1 AND outcome = 'success' ORDER BY at DESC LIMIT 1`, [CITIZEN]);
    assert.equal(rows[0]?.method, 'signature');
  });

  it("refuses another person's certificate (in Mongolian on a Mongolian page) and counts it", async () => {
    const browser = new TestBrowser(app);
    const { uid, challenge } = await atSignaturePage(browser, 'mn');
    const someoneElse = await issuePersonCertificate(app.ctx, { registerNumber: 'УБ85010112', name: 'Бат Болд' });
    const before = await failures();
    const refused = await browser.request('POST', `/mn/login/${uid}/signature`, { challenge, certificate: someoneElse.certificatePem, signature: signed(someoneElse.privateKeyPem, challenge) });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /Тоон гарын үсэг баталгаажсангүй: гэрчилгээ таны оруулсан регистрийн дугаартай хүнийх биш байна\./);
    assert.match(refused.body, /govuk-error-summary/);
    assert.equal(await failures(), before + 1);
    // A new challenge replaces the spent one; the pasted certificate stays for the next try.
    assert.notEqual(challengeOn(refused.body), challenge);
  });

  it('refuses a certificate from a CA the platform does not trust', async () => {
    const browser = new TestBrowser(app);
    const { uid, challenge } = await atSignaturePage(browser);
    const foreignCa = await createCertificateAuthority({ subject: 'CN=Elsewhere CA, O=Elsewhere, C=MN', days: 365, pathLength: 0 });
    const forged = await issueCertificate(foreignCa, { subject: `CN=Forged, 2.5.4.5=${CITIZEN}, C=MN`, days: 365, keyUsage: KeyUsage.digitalSignature });
    const refused = await browser.request('POST', `/en/login/${uid}/signature`, { challenge, certificate: forged.certificatePem, signature: signed(forged.privateKeyPem, challenge) });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /The digital signature could not be verified: the certificate was not issued by a trusted certificate authority\./);
  });

  it('refuses an expired certificate', async () => {
    const browser = new TestBrowser(app);
    const { uid, challenge } = await atSignaturePage(browser);
    const old = await issuePersonCertificate(app.ctx, { registerNumber: CITIZEN, name: 'Нямдорж Сарангэрэл', notBefore: new Date(Date.now() - 3 * 365 * 86_400_000) });
    const refused = await browser.request('POST', `/en/login/${uid}/signature`, { challenge, certificate: old.certificatePem, signature: signed(old.privateKeyPem, challenge) });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /the certificate has expired/);
  });

  it('refuses a tampered signature, then accepts the new challenge signed properly', async () => {
    const browser = new TestBrowser(app);
    const { uid, challenge } = await atSignaturePage(browser);
    const der = Buffer.from(signed(mine.privateKeyPem, challenge), 'base64url');
    der[der.length - 1] = der[der.length - 1]! ^ 0x01;
    const refused = await browser.request('POST', `/en/login/${uid}/signature`, { challenge, certificate: mine.certificatePem, signature: der.toString('base64url') });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /the signature does not match this challenge and certificate/);
    // A signature over other bytes than the challenge shown is just as wrong.
    const next = challengeOn(refused.body);
    const otherBytes = await browser.request('POST', `/en/login/${uid}/signature`, { challenge: next, certificate: mine.certificatePem, signature: signed(mine.privateKeyPem, `${next} `) });
    assert.equal(otherBytes.statusCode, 400);
    const fresh = challengeOn(otherBytes.body);
    const accepted = await browser.request('POST', `/en/login/${uid}/signature`, { challenge: fresh, certificate: mine.certificatePem, signature: signed(mine.privateKeyPem, fresh) });
    assert.equal(accepted.statusCode, 303);
  });

  it('refuses a replayed challenge, in the same sign-in and in another', async () => {
    const browser = new TestBrowser(app);
    const { uid, challenge } = await atSignaturePage(browser);
    const fields = { challenge, certificate: mine.certificatePem, signature: signed(mine.privateKeyPem, challenge) };
    assert.equal((await browser.request('POST', `/en/login/${uid}/signature`, fields)).statusCode, 303);
    const replayed = await browser.request('POST', `/en/login/${uid}/signature`, fields);
    assert.equal(replayed.statusCode, 400);
    assert.match(replayed.body, /this challenge has already been used/);

    // Someone who saw the signature cannot use it in a sign-in of their own.
    const attacker = new TestBrowser(app);
    const theirs = await atSignaturePage(attacker);
    const stolen = await attacker.request('POST', `/en/login/${theirs.uid}/signature`, fields);
    assert.equal(stolen.statusCode, 400);
    assert.match(stolen.body, /this challenge was not given for this sign-in/);
  });

  it('refuses an expired challenge', async () => {
    const browser = new TestBrowser(app);
    const { uid, challenge } = await atSignaturePage(browser);
    await app.ctx.db.query(`UPDATE identity.signature_challenges SET expires_at = now() - interval '1 second' WHERE challenge = $1`, [challenge]);
    const refused = await browser.request('POST', `/en/login/${uid}/signature`, { challenge, certificate: mine.certificatePem, signature: signed(mine.privateKeyPem, challenge) });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /the challenge has expired/);
  });

  it('treats an empty field as a slip: not counted, and the same challenge can still be signed', async () => {
    const browser = new TestBrowser(app);
    const { uid, challenge } = await atSignaturePage(browser);
    const before = await failures();
    const empty = await browser.request('POST', `/en/login/${uid}/signature`, { challenge, certificate: mine.certificatePem, signature: '' });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /enter the signature/);
    assert.equal(challengeOn(empty.body), challenge);
    assert.equal(await failures(), before);
    const accepted = await browser.request('POST', `/en/login/${uid}/signature`, { challenge, certificate: mine.certificatePem, signature: signed(mine.privateKeyPem, challenge) });
    assert.equal(accepted.statusCode, 303);
  });

  it('publishes the citizen CA certificate', async () => {
    const response = await app.server.inject({ method: 'GET', url: '/api/v1/identity/citizen-ca.pem' });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /application\/x-pem-file/);
    const ca = new X509Certificate(response.body);
    assert.ok(ca.ca);
    assert.match(ca.subject, /CN=Urtuu Citizen CA/);
    assert.ok(new X509Certificate(mine.certificatePem).verify(ca.publicKey));
    assert.equal(response.body, await citizenCaCertificate(app.ctx));
  });

  it('issues personal certificates as specified: P-256, the register number as serialNumber, digitalSignature, two years', async () => {
    const certificate = new X509Certificate(mine.certificatePem);
    assert.equal(certificate.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.match(certificate.subject, new RegExp(`serialNumber=${CITIZEN}`));
    assert.match(certificate.subject, /CN=Нямдорж Сарангэрэл/);
    assert.equal(certificate.ca, false);
    const days = (new Date(certificate.validTo).getTime() - new Date(certificate.validFrom).getTime()) / 86_400_000;
    assert.equal(Math.round(days), 730);
  });

  it('names each other reason, and trusts a configured CA as well as its own', async () => {
    const challenge = newChallengeText();
    const ca = await citizenCa(app.ctx);
    const trustedCas = [ca.certificatePem];
    const check = (certificatePem: string, signature: string, cas = trustedCas) => verifySignedChallenge({ certificatePem, signature, challenge, registerNumber: CITIZEN, trustedCas: cas });
    const good = signed(mine.privateKeyPem, challenge);
    assert.deepEqual(check('', good), { ok: false, reason: 'certificate-missing' });
    assert.deepEqual(check(mine.certificatePem, ' '), { ok: false, reason: 'signature-missing' });
    assert.deepEqual(check('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', good), { ok: false, reason: 'certificate-unreadable' });
    assert.deepEqual(check(mine.certificatePem, 'not base64!'), { ok: false, reason: 'signature-unreadable' });
    assert.deepEqual(check(ca.certificatePem, good), { ok: false, reason: 'certificate-not-end-entity' });
    const encipherOnly = await issueCertificate(ca, { subject: `CN=X, 2.5.4.5=${CITIZEN}`, days: 30, keyUsage: KeyUsage.keyEncipherment });
    assert.deepEqual(check(encipherOnly.certificatePem, signed(encipherOnly.privateKeyPem, challenge)), { ok: false, reason: 'certificate-not-for-signing' });
    const later = await issuePersonCertificate(app.ctx, { registerNumber: CITIZEN, name: 'X', notBefore: new Date(Date.now() + 86_400_000) });
    assert.deepEqual(check(later.certificatePem, signed(later.privateKeyPem, challenge)), { ok: false, reason: 'certificate-not-yet-valid' });
    // Pasted with line breaks and padding, the same signature still verifies.
    assert.equal(check(mine.certificatePem, `${good.slice(0, 20)}\n${good.slice(20)}=\n`).ok, true);

    const bank = await createCertificateAuthority({ subject: 'CN=Bank CA, C=MN', days: 365, pathLength: 0 });
    const fromBank = await issueCertificate(bank, { subject: `CN=Client, 2.5.4.5=${CITIZEN}`, days: 365, keyUsage: KeyUsage.digitalSignature | KeyUsage.nonRepudiation });
    const bankSignature = signed(fromBank.privateKeyPem, challenge);
    assert.deepEqual(check(fromBank.certificatePem, bankSignature), { ok: false, reason: 'certificate-untrusted' });
    assert.equal(check(fromBank.certificatePem, bankSignature, [...trustedCas, bank.certificatePem]).ok, true);

    // The configured list is a PEM file; a file with no certificate in it stops the start.
    const dir = mkdtempSync(path.join(tmpdir(), 'urtuu-cas-'));
    try {
      writeFileSync(path.join(dir, 'cas.pem'), `Bank CA\n${bank.certificatePem}\n${ca.certificatePem}`);
      assert.deepEqual(configuredSignatureCas({ SIGNATURE_LOGIN_CAS: path.join(dir, 'cas.pem') }).map((pem) => new X509Certificate(pem).fingerprint256), [bank.certificatePem, ca.certificatePem].map((pem) => new X509Certificate(pem).fingerprint256));
      writeFileSync(path.join(dir, 'empty.pem'), 'nothing here');
      assert.throws(() => configuredSignatureCas({ SIGNATURE_LOGIN_CAS: path.join(dir, 'empty.pem') }), /holds no PEM certificate/);
      assert.deepEqual(configuredSignatureCas({}), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has a message for every reason in Mongolian and English', () => {
    for (const lang of ['mn', 'en'] as const) {
      const reasons = (identityManifest.messages[lang] as { signature: { reasons: Record<string, string> } }).signature.reasons;
      assert.deepEqual(Object.keys(reasons).sort(), [...SIGNATURE_FAILURES].sort(), lang);
    }
  });

  it('the signing tool (urtuu identity sign) prints a signature that verifies', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'urtuu-sign-'));
    try {
      const keyFile = path.join(dir, 'my.key');
      writeFileSync(keyFile, mine.privateKeyPem, { mode: 0o600 });
      const challenge = newChallengeText();
      const run = await urtuu(['identity', 'sign', '--key', keyFile, '--challenge', challenge]);
      assert.equal(run.code, 0, run.err);
      const signature = run.out.trim();
      assert.match(signature, /^[A-Za-z0-9_-]+$/);
      assert.ok(verify('sha256', Buffer.from(challenge, 'utf8'), { key: new X509Certificate(mine.certificatePem).publicKey, dsaEncoding: 'der' }, Buffer.from(signature, 'base64url')));
      assert.equal(verifySignedChallenge({ certificatePem: mine.certificatePem, signature, challenge, registerNumber: CITIZEN, trustedCas: [await citizenCaCertificate(app.ctx)] }).ok, true);

      const notAChallenge = await urtuu(['identity', 'sign', '--key', keyFile, '--challenge', 'pay 1000000 to someone']);
      assert.equal(notAChallenge.code, 2);
      assert.equal(notAChallenge.out, '');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('urtuu identity person-cert', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'urtuu-person-cert-'));
  let database: FreshDatabase | undefined;
  let env: Record<string, string>;

  before(async () => {
    database = process.env.DATABASE_URL ? await freshDatabase(process.env.DATABASE_URL, 'urtuu_person_cert') : undefined;
    env = { DATA_DIR: path.join(dir, 'data'), DATABASE_URL: database?.url ?? '', SESSION_SECRET: 'a-session-secret-for-the-cli-test-0123456789' };
    // The population is loaded here rather than by `urtuu seed` in another process: faster, same database.
    const app = await buildApp(loadConfig({ ...process.env, ...env, NODE_ENV: 'test' }, { logLevel: 'warn', ...(database ? { databaseUrl: database.url } : {}) }));
    try {
      await seedPeople(app, 5);
    } finally {
      await app.close();
    }
  });
  after(async () => {
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a key and a certificate from the citizen CA for a person in the register, and refuses others', async () => {
    const out = path.join(dir, 'certs');
    const run = await urtuu(['identity', 'person-cert', '--register-number', CITIZEN, '--out', out], env);
    assert.equal(run.code, 0, run.out + run.err);
    const certificate = new X509Certificate(readFileSync(path.join(out, `${CITIZEN}.crt`)));
    const ca = new X509Certificate(readFileSync(path.join(out, 'citizen-ca.crt')));
    assert.ok(certificate.verify(ca.publicKey), 'signed by the citizen CA');
    assert.match(certificate.subject, new RegExp(`serialNumber=${CITIZEN}`));
    assert.equal(statSync(path.join(out, `${CITIZEN}.key`)).mode & 0o077, 0, 'the private key is readable by its owner only');
    const key = readFileSync(path.join(out, `${CITIZEN}.key`), 'utf8');
    const challenge = newChallengeText();
    assert.equal(verifySignedChallenge({ certificatePem: certificate.toString(), signature: signed(key, challenge), challenge, registerNumber: CITIZEN, trustedCas: [ca.toString()] }).ok, true);

    const unknown = await urtuu(['identity', 'person-cert', '--register-number', 'УБ00000000', '--out', out], env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /cannot sign in with this register number/);
  });
});
