// Keys and certificates of DCC issuance: a country signing CA (CSCA) and the document signer
// certificates (DSC) it issues, marked with the DCC extended key usages for the certificate types
// each DSC may sign. EC P-256 DSCs come from the kernel's PKI; RSA DSCs (for PS256, which some
// countries use) are made here the same way.
import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { createCertificateAuthority, generateRsaKeyPair, issueCertificate, KeyUsage, type Issued } from '../../../kernel/pki.ts';
import { DCC_EKU, type CertificateType } from './certificates.ts';

export interface CscaRequest {
  /** Distinguished name; the hcert spec wants the issuing country in C=. */
  subject: string;
  days?: number;
  notBefore?: Date;
}

/** A new self-signed country signing CA (EC P-256) that may issue only end-entity certificates. */
export function createCsca(request: CscaRequest): Promise<Issued> {
  return createCertificateAuthority({
    subject: request.subject,
    days: request.days ?? 4 * 365,
    pathLength: 0,
    ...(request.notBefore ? { notBefore: request.notBefore } : {}),
  });
}

export interface DscRequest {
  subject: string;
  days?: number;
  notBefore?: Date;
  /** Types this DSC may sign, written as DCC extended key usages; [] writes none (any type). Default: all three. */
  types?: CertificateType[];
  /** Extended key usage OIDs written as they are, instead of `types`. */
  extendedKeyUsage?: string[];
  /** 'ec' (P-256, ES256; the default) or 'rsa' (2048 bits, PS256). */
  keyType?: 'ec' | 'rsa';
}

/** A document signer certificate issued by `csca`, with its new key pair. */
export async function createDsc(csca: Issued, request: DscRequest): Promise<Issued> {
  const extendedKeyUsage = request.extendedKeyUsage ?? (request.types ?? ['t', 'v', 'r']).map((type) => DCC_EKU[type]);
  const days = request.days ?? 365;
  if ((request.keyType ?? 'ec') === 'ec') {
    return issueCertificate(csca, {
      subject: request.subject,
      days,
      keyUsage: KeyUsage.digitalSignature,
      extendedKeyUsage,
      ...(request.notBefore ? { notBefore: request.notBefore } : {}),
    });
  }
  return issueRsaCertificate(csca, { subject: request.subject, days, extendedKeyUsage, notBefore: request.notBefore });
}

const RSA_PSS = { name: 'RSA-PSS', hash: 'SHA-256' } as const;
const ECDSA = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

async function issueRsaCertificate(csca: Issued, request: { subject: string; days: number; extendedKeyUsage: string[]; notBefore: Date | undefined }): Promise<Issued> {
  const { privateKeyPem, publicKeyPem } = await generateRsaKeyPair();
  const spki = Buffer.from(publicKeyPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const subjectKey = await webcrypto.subtle.importKey('spki', spki, RSA_PSS, true, ['verify']);
  const caPkcs8 = Buffer.from(csca.privateKeyPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const caKey = await webcrypto.subtle.importKey('pkcs8', caPkcs8, ECDSA, false, ['sign']);
  const caCertificate = new x509.X509Certificate(csca.certificatePem);
  const notBefore = request.notBefore ?? new Date(Date.now() - 5 * 60_000);
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serial.toString('hex'),
    subject: request.subject,
    issuer: caCertificate.subject,
    notBefore,
    notAfter: new Date(notBefore.getTime() + request.days * 86_400_000),
    signingKey: caKey,
    publicKey: subjectKey,
    signingAlgorithm: ECDSA,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      ...(request.extendedKeyUsage.length ? [new x509.ExtendedKeyUsageExtension(request.extendedKeyUsage, false)] : []),
      await x509.SubjectKeyIdentifierExtension.create(subjectKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCertificate),
    ],
  });
  return { privateKeyPem, publicKeyPem, certificatePem: certificate.toString('pem') };
}
