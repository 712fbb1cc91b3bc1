// What a verifier needs to know about DCC certificates: the key identifier (kid) and the extended
// key usages that limit a document signer to certain certificate types.
import { createHash, X509Certificate } from 'node:crypto';

export type CertificateType = 'v' | 't' | 'r';

/** DCC extended key usage OIDs (hcert spec, annex). */
export const DCC_EKU = {
  t: '1.3.6.1.4.1.1847.2021.1.1',
  v: '1.3.6.1.4.1.1847.2021.1.2',
  r: '1.3.6.1.4.1.1847.2021.1.3',
} as const;

/** The variants with an extra ".0" arc that several countries' DSCs carry; accepted when verifying. */
export const DCC_EKU_ALTERNATE = {
  t: '1.3.6.1.4.1.0.1847.2021.1.1',
  v: '1.3.6.1.4.1.0.1847.2021.1.2',
  r: '1.3.6.1.4.1.0.1847.2021.1.3',
} as const;

const EKU_TYPES = new Map<string, CertificateType>([
  ...Object.entries(DCC_EKU).map(([type, oid]) => [oid, type as CertificateType] as const),
  ...Object.entries(DCC_EKU_ALTERNATE).map(([type, oid]) => [oid, type as CertificateType] as const),
]);

/** The certificate types a DSC's extended key usages allow; undefined when it names none (then it may sign any type). */
export function certificateTypesAllowed(extendedKeyUsage: readonly string[] | undefined): Set<CertificateType> | undefined {
  const types = new Set<CertificateType>();
  for (const oid of extendedKeyUsage ?? []) {
    const type = EKU_TYPES.get(oid);
    if (type) types.add(type);
  }
  return types.size ? types : undefined;
}

/** DER bytes of a certificate given as PEM, base64 DER or DER. */
export function certificateDer(certificate: string | Uint8Array): Buffer {
  if (typeof certificate !== 'string') return Buffer.from(certificate);
  if (certificate.includes('-----BEGIN')) return new X509Certificate(certificate).raw;
  return Buffer.from(certificate.replace(/\s/g, ''), 'base64');
}

/** The DCC key identifier of a certificate: the first 8 bytes of SHA-256 over its DER encoding. */
export function kidOf(certificate: string | Uint8Array): Buffer {
  return createHash('sha256').update(certificateDer(certificate)).digest().subarray(0, 8);
}
