import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { X509Certificate, createPrivateKey, createSign, createVerify } from 'node:crypto';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EKU, certificateFingerprint, createCertificateAuthority, generateKeyPair, generateRsaJwk, generateRsaKeyPair, issueCertificate, verifyCertificate } from './pki.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('pki', () => {
  it('issues certificates that chain to their authority and carry the asked-for names', async () => {
    const ca = await createCertificateAuthority({ subject: 'CN=Test CA, O=Urtuu, C=MN', days: 30 });
    const leaf = await issueCertificate(ca, { subject: 'CN=node-a, O=Urtuu, C=MN', days: 1, extendedKeyUsage: [EKU.serverAuth, EKU.clientAuth], dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    assert.ok(verifyCertificate(leaf.certificatePem, ca.certificatePem));
    const parsed = new X509Certificate(leaf.certificatePem);
    assert.match(parsed.subject, /CN=node-a/);
    assert.match(parsed.subjectAltName ?? '', /DNS:localhost/);
    assert.ok(parsed.checkPrivateKey(await import('node:crypto').then((c) => c.createPrivateKey(leaf.privateKeyPem))));
    assert.equal(certificateFingerprint(leaf.certificatePem).length, 64);
    const other = await createCertificateAuthority({ subject: 'CN=Other CA', days: 30 });
    assert.equal(verifyCertificate(leaf.certificatePem, other.certificatePem), false);
    assert.equal(verifyCertificate(leaf.certificatePem, ca.certificatePem, new Date(Date.now() + 3 * 86_400_000)), false, 'expired');
  });

  it('makes key pairs that sign and verify', () => {
    const pair = generateKeyPair();
    const signature = createSign('SHA256').update('hello').sign(pair.privateKeyPem);
    assert.ok(createVerify('SHA256').update('hello').verify(pair.publicKeyPem, signature));
  });

  it('makes RSA keys as JWK and PEM that sign and verify', async () => {
    const { privateJwk, publicJwk } = await generateRsaJwk();
    assert.equal(privateJwk.kty, 'RSA');
    assert.equal(Buffer.from(String(publicJwk.n), 'base64url').length, 256);
    assert.equal(publicJwk.d, undefined);
    const pem = await generateRsaKeyPair();
    const signature = createSign('SHA256').update('hello').sign(createPrivateKey(pem.privateKeyPem));
    assert.ok(createVerify('SHA256').update('hello').verify(pem.publicKeyPem, signature));
  });

  // Node 20's generateKeyPairSync('rsa') + export could deadlock after some hundreds of keys beside
  // other work, and the process then never answered again. The soak (bench/rsa-keys.ts) makes keys
  // for 30 s in its own process, beside thread-pool crypto and garbage collections; it must end on
  // its own, and the event loop must keep turning meanwhile. The full soak makes thousands.
  it('keeps making RSA keys beside other work without hanging or holding the event loop', { timeout: 120_000 }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench', 'rsa-keys.ts'), '--seconds', '30', '--baseline', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.once('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal])));
    clearTimeout(killer);
    assert.equal(signal, null, 'the soak hung and was killed');
    assert.equal(code, 0, out);
    const match = /rsa keys: (\d+) in .*longest event-loop stall (\d+) ms/.exec(out);
    assert.ok(match, out);
    assert.ok(Number(match[1]) >= 20, out);
    // The loop keeps turning (on a loaded shared machine a turn can still wait most of a second for a core).
    assert.ok(Number(match[2]) < 5000, out);
  });
});
