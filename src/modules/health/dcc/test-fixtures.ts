// Payloads, signers and a free-form COSE signer for the DCC tests: the tests make their own keys
// and certificates and can craft any message, valid or not.
import { constants, createPrivateKey, sign as cryptoSign } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { encode, Tagged } from 'cborg';
import type { Issued } from '../../../kernel/pki.ts';
import { base45Encode } from './base45.ts';
import { kidOf, type CertificateType } from './certificates.ts';
import { sigStructure } from './cose.ts';
import type { DccPayload } from './cwt.ts';

const person = { ver: '1.3.0', nam: { fn: 'Батболд', fnt: 'BATBOLD', gn: 'Сарнай', gnt: 'SARNAI' }, dob: '1990-04-14' };

/** A schema-valid payload of each type. */
export function dccPayload(type: CertificateType, overrides: Record<string, unknown> = {}): DccPayload {
  const common = { co: 'MN', is: 'Ministry of Health of Mongolia', tg: '840539006' };
  const entries: Record<CertificateType, Record<string, unknown>> = {
    v: { ...common, vp: '1119349007', mp: 'EU/1/20/1528', ma: 'ORG-100030215', dn: 2, sd: 2, dt: '2021-06-01', ci: 'URN:UVCI:01:MN:V0000001#Q' },
    t: { ...common, tt: 'LP6464-4', nm: 'Roche LightCycler qPCR', sc: '2021-06-01T08:30:00Z', tr: '260415000', tc: 'Улаанбаатар хотын лаборатори', ci: 'URN:UVCI:01:MN:T0000001#R' },
    r: { ...common, fr: '2021-05-01', df: '2021-05-12', du: '2021-10-28', ci: 'URN:UVCI:01:MN:R0000001#S' },
  };
  return { ...person, [type]: [entries[type]], ...overrides } as DccPayload;
}

export interface CraftOptions {
  /** Claims map: label → value; defaults to a valid DCC issued now for a year. */
  claims?: Map<number, unknown>;
  signer: Issued;
  /** COSE alg header value; defaults to ES256 (-7) or PS256 (-37) by key type. */
  alg?: number;
  /** Sign with this algorithm regardless of the header. */
  signAs?: 'ES256' | 'PS256';
  kid?: Uint8Array | null;
  /** A different kid for the unprotected header. */
  unprotectedKid?: Uint8Array;
  /** Where kid and alg go. */
  kidIn?: 'protected' | 'unprotected' | 'both';
  algIn?: 'protected' | 'unprotected';
  /** Tags around the array, outermost first; default [18]. */
  tags?: number[];
  mutateSignature?: (signature: Buffer) => Buffer;
}

/** Claims for a DCC: iss, iat, exp and hcert. */
export function claims(payload: unknown, issuedAt: Date, expiresAt: Date, issuer = 'MN'): Map<number, unknown> {
  return new Map<number, unknown>([
    [1, issuer],
    [6, Math.floor(issuedAt.getTime() / 1000)],
    [4, Math.floor(expiresAt.getTime() / 1000)],
    [-260, new Map([[1, payload]])],
  ]);
}

/** A COSE_Sign1 message built and signed exactly as asked, valid or not. */
export function craftCose(options: CraftOptions): Buffer {
  const key = createPrivateKey(options.signer.privateKeyPem);
  const algorithm = options.signAs ?? (key.asymmetricKeyType === 'rsa' ? 'PS256' : 'ES256');
  const alg = options.alg ?? (algorithm === 'PS256' ? -37 : -7);
  const kid = options.kid === undefined ? kidOf(options.signer.certificatePem) : options.kid;
  const protectedHeader = new Map<number, unknown>();
  const unprotectedHeader = new Map<number, unknown>();
  (options.algIn === 'unprotected' ? unprotectedHeader : protectedHeader).set(1, alg);
  if (kid) {
    const where = options.kidIn ?? 'protected';
    if (where !== 'unprotected') protectedHeader.set(4, kid);
    if (where !== 'protected') unprotectedHeader.set(4, kid);
  }
  if (options.unprotectedKid) unprotectedHeader.set(4, options.unprotectedKid);
  const protectedBytes = encode(protectedHeader);
  const payload = encode(options.claims ?? claims(dccPayload('v'), new Date(Date.now() - 60_000), new Date(Date.now() + 365 * 86_400_000)));
  const data = sigStructure(protectedBytes, payload);
  let signature: Buffer =
    algorithm === 'ES256'
      ? cryptoSign('sha256', data, { key, dsaEncoding: 'ieee-p1363' })
      : cryptoSign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  if (options.mutateSignature) signature = options.mutateSignature(signature);
  let message: unknown = [protectedBytes, unprotectedHeader, payload, signature];
  for (const tag of [...(options.tags ?? [18])].reverse()) message = new Tagged(tag, message);
  return Buffer.from(encode(message));
}

/** COSE bytes as an "HC1:" text. */
export function toHc1(cose: Uint8Array): string {
  return `HC1:${base45Encode(deflateSync(cose))}`;
}
