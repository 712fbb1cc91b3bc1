// Issuance of a DCC: payload → CWT claims → COSE_Sign1 signed by a document signer (ES256 with an
// EC P-256 key, PS256 with an RSA key) → zlib → base45 → "HC1:". The kid (first 8 bytes of the
// SHA-256 of the DSC) goes in the protected header, as the hcert spec prefers.
import { constants, createPrivateKey, sign as cryptoSign, X509Certificate, type KeyObject } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { LruCache } from '../../../kernel/lru.ts';
import { base45Encode } from './base45.ts';
import { Algorithm, encodeCoseSign1, encodeProtectedHeader, sigStructure, type AlgorithmName } from './cose.ts';
import { encodeCwt, type DccPayload } from './cwt.ts';
import { certificateTypesAllowed, kidOf } from './certificates.ts';
import { validateDccPayload } from './schema.ts';
import { HC1_PREFIX } from './verify.ts';

export interface DccSigner {
  /** PKCS#8 PEM of the DSC's private key. */
  privateKeyPem: string;
  /** PEM of the DSC. */
  certificatePem: string;
}

export interface IssueRequest {
  payload: DccPayload;
  signer: DccSigner;
  /** ISO 3166-1 alpha-2 code of the issuing country, e.g. 'MN'. */
  issuer: string;
  issuedAt: Date;
  expiresAt: Date;
}

export type IssueErrorCode = 'SCHEMA' | 'CERTIFICATE_TYPE' | 'KEY_USAGE' | 'SIGNER_KEY' | 'VALIDITY';

/** Refusal to issue: the request would make a DCC that verifiers reject. */
export class DccIssueError extends Error {
  constructor(
    readonly code: IssueErrorCode,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'DccIssueError';
  }
}

interface PreparedSigner {
  key: KeyObject;
  algorithm: AlgorithmName;
  protectedBytes: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  extendedKeyUsage: string[] | undefined;
}

// Parsing PEM and checking the pair costs more than signing; a process signs with few DSCs.
const signers = new LruCache<PreparedSigner>(64, 3_600_000);

function prepare(signer: DccSigner): PreparedSigner {
  const cacheKey = `${signer.certificatePem}\u0000${signer.privateKeyPem}`;
  const cached = signers.get(cacheKey);
  if (cached) return cached;
  const certificate = new X509Certificate(signer.certificatePem);
  const key = createPrivateKey(signer.privateKeyPem);
  if (!certificate.checkPrivateKey(key)) throw new DccIssueError('SIGNER_KEY', 'the private key does not belong to the certificate');
  let algorithm: AlgorithmName;
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') algorithm = 'ES256';
  else if (key.asymmetricKeyType === 'rsa') algorithm = 'PS256';
  else throw new DccIssueError('SIGNER_KEY', `a ${key.asymmetricKeyType ?? 'unknown'} key cannot sign a DCC (EC P-256 or RSA)`);
  const eku = certificate.keyUsage as string[] | undefined;
  const prepared: PreparedSigner = {
    key,
    algorithm,
    protectedBytes: encodeProtectedHeader(Algorithm[algorithm], kidOf(certificate.raw)),
    notBefore: new Date(certificate.validFrom),
    notAfter: new Date(certificate.validTo),
    extendedKeyUsage: eku && eku.length ? [...eku] : undefined,
  };
  signers.set(cacheKey, prepared);
  return prepared;
}

/** Signs a DCC and returns its "HC1:" text, the content of the QR code. Throws DccIssueError when verifiers would refuse it. */
export function issueDcc(request: IssueRequest): string {
  const schema = validateDccPayload(request.payload);
  if (!schema.ok) throw new DccIssueError('SCHEMA', schema.detail);
  const types = (['v', 't', 'r'] as const).filter((type) => request.payload[type] !== undefined);
  if (types.length !== 1) throw new DccIssueError('CERTIFICATE_TYPE', 'the payload must hold exactly one of v, t, r');
  const signer = prepare(request.signer);
  const allowed = certificateTypesAllowed(signer.extendedKeyUsage);
  if (allowed && !allowed.has(types[0]!)) throw new DccIssueError('KEY_USAGE', `this signer may not sign certificates of type ${types[0]}`);
  if (!(request.issuedAt.getTime() < request.expiresAt.getTime())) throw new DccIssueError('VALIDITY', 'expiresAt must be after issuedAt');
  // hcert spec 3.3.5/3.3.6: the DCC must live within its signer's validity.
  if (request.issuedAt.getTime() < signer.notBefore.getTime() || request.expiresAt.getTime() > signer.notAfter.getTime()) {
    throw new DccIssueError('VALIDITY', `the DCC must be valid within the signer's validity (${signer.notBefore.toISOString()} to ${signer.notAfter.toISOString()})`);
  }
  const payload = encodeCwt({ issuer: request.issuer, issuedAt: request.issuedAt, expiresAt: request.expiresAt, payload: request.payload });
  const data = sigStructure(signer.protectedBytes, payload);
  const signature =
    signer.algorithm === 'ES256'
      ? cryptoSign('sha256', data, { key: signer.key, dsaEncoding: 'ieee-p1363' })
      : cryptoSign('sha256', data, { key: signer.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  const cose = encodeCoseSign1(signer.protectedBytes, payload, signature);
  return HC1_PREFIX + base45Encode(deflateSync(cose, { level: 9 }));
}
