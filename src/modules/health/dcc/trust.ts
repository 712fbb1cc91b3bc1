// The verifier's trust list: key identifiers (kid) mapped to the document signer certificates, or
// bare public keys, that may have signed under them. Keys are parsed once, when added, so that a
// verification only looks up a map and calls crypto.verify.
import { readFile } from 'node:fs/promises';
import { createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { certificateDer, kidOf } from './certificates.ts';

/** One key the trust list holds under a kid. */
export interface TrustedSigner {
  /** Base64 of the kid. */
  kid: string;
  publicKey: KeyObject;
  /** 'ec' (P-256 only is accepted for ES256) or 'rsa' (PS256). */
  keyType: 'ec' | 'rsa' | 'other';
  /** Curve name for EC keys, e.g. 'prime256v1'. */
  namedCurve?: string;
  /** Present when the key came with its certificate. */
  certificate?: {
    subject: string;
    notBefore: Date;
    notAfter: Date;
    /** Extended key usage OIDs; undefined when the certificate has no such extension. */
    extendedKeyUsage?: string[];
  };
}

export interface GatewayEntry {
  kid?: string;
  /** Base64 DER of the DSC (`rawData` in the EU gateway's own lists). */
  certificate?: string;
  rawData?: string;
  [other: string]: unknown;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** kid → trusted signers. Several signers may share a kid (it is only 8 bytes); the verifier tries each. */
export class TrustList {
  private readonly byKid = new Map<string, TrustedSigner[]>();

  /** Trusts a DSC given as PEM, base64 DER or DER, under `kid` (base64) or the kid computed from it. Throws on a certificate that cannot be read. */
  addCertificate(certificate: string | Uint8Array, kid?: string): TrustedSigner {
    const der = certificateDer(certificate);
    const parsed = new X509Certificate(der);
    const eku = parsed.keyUsage as string[] | undefined;
    const signer = describeKey(kid ?? kidOf(der).toString('base64'), parsed.publicKey);
    signer.certificate = {
      subject: parsed.subject,
      notBefore: new Date(parsed.validFrom),
      notAfter: new Date(parsed.validTo),
      ...(eku && eku.length ? { extendedKeyUsage: [...eku] } : {}),
    };
    this.add(signer);
    return signer;
  }

  /** Trusts a bare public key (SPKI PEM or DER, or a KeyObject) under `kid` (base64): no validity period or key usage to check. */
  addPublicKey(kid: string, publicKey: string | Uint8Array | KeyObject): TrustedSigner {
    const key =
      typeof publicKey === 'string' || publicKey instanceof Uint8Array
        ? createPublicKey(typeof publicKey === 'string' ? publicKey : { key: Buffer.from(publicKey), format: 'der', type: 'spki' })
        : publicKey;
    const signer = describeKey(kid, key);
    this.add(signer);
    return signer;
  }

  /** Signers trusted under a kid; empty when none. */
  signers(kid: Uint8Array | string): readonly TrustedSigner[] {
    return this.byKid.get(typeof kid === 'string' ? kid : Buffer.from(kid.buffer, kid.byteOffset, kid.byteLength).toString('base64')) ?? [];
  }

  /** Number of kids. */
  get size(): number {
    return this.byKid.size;
  }

  private add(signer: TrustedSigner): void {
    const list = this.byKid.get(signer.kid);
    if (list) list.push(signer);
    else this.byKid.set(signer.kid, [signer]);
  }

  /** A trust list of every certificate in PEM text (one or many blocks). */
  static fromPem(pem: string): TrustList {
    const list = new TrustList();
    for (const block of pem.match(PEM_BLOCK) ?? []) list.addCertificate(block);
    return list;
  }

  /** A trust list of the certificates in PEM files. */
  static async fromPemFiles(files: string[]): Promise<TrustList> {
    const texts = await Promise.all(files.map((file) => readFile(file, 'utf8')));
    return TrustList.fromPem(texts.join('\n'));
  }

  /** A trust list from a gateway-like JSON list `[{ kid, certificate }]` (text or parsed); `rawData` is read like `certificate`. */
  static fromGatewayList(list: string | readonly GatewayEntry[]): TrustList {
    const entries = typeof list === 'string' ? (JSON.parse(list) as unknown) : list;
    if (!Array.isArray(entries)) throw new TypeError('the trust list is not a JSON array');
    const trust = new TrustList();
    for (const entry of entries as GatewayEntry[]) {
      const certificate = entry.certificate ?? entry.rawData;
      if (typeof certificate !== 'string') throw new TypeError(`trust list entry ${entry.kid ?? '?'} has no certificate`);
      trust.addCertificate(certificate, typeof entry.kid === 'string' ? entry.kid : undefined);
    }
    return trust;
  }
}

function describeKey(kid: string, publicKey: KeyObject): TrustedSigner {
  const type = publicKey.asymmetricKeyType;
  if (type === 'ec') return { kid, publicKey, keyType: 'ec', namedCurve: publicKey.asymmetricKeyDetails?.namedCurve ?? 'unknown' };
  if (type === 'rsa' || type === 'rsa-pss') return { kid, publicKey, keyType: 'rsa' };
  return { kid, publicKey, keyType: 'other' };
}
