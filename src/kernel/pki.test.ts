import assert from 'node:assert/strict';
import { X509Certificate, createSign, createVerify } from 'node:crypto';
import { describe, it } from 'node:test';
import { EKU, certificateFingerprint, createCertificateAuthority, generateKeyPair, issueCertificate, verifyCertificate } from './pki.ts';

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
});
