// The platform's own public-key infrastructure: certificate authorities and the certificates they
// issue (exchange nodes, signing keys, later health-certificate signers and test citizens).
// ECDSA P-256 throughout: small keys, fast signatures, supported by every TLS stack we talk to.
import 'reflect-metadata';
import { createHash, createPrivateKey, generateKeyPair as generateKeyPairAsync, generateKeyPairSync, randomBytes, webcrypto, X509Certificate, type JsonWebKey } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type WebKeyPair = { privateKey: webcrypto.CryptoKey; publicKey: webcrypto.CryptoKey };

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface KeyPair {
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  /** SPKI PEM. */
  publicKeyPem: string;
}

export interface Issued extends KeyPair {
  certificatePem: string;
}

/** A new ECDSA P-256 key pair. */
export function generateKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

// RSA keys are made off the main thread and handed back already encoded. Node 20's
// generateKeyPairSync('rsa') followed by an export can deadlock inside OpenSSL when a garbage
// collection frees key objects meanwhile (after some hundreds of keys beside normal traffic): the
// process then answers nothing and no signal handler runs. The asynchronous call makes the key
// in the thread pool and creates no key object on the main thread, and it does not stall the
// event loop for the ~100 ms an RSA key takes.
type KeyEncoding = { type?: 'spki' | 'pkcs8'; format: 'pem' | 'jwk' };
// Node takes 'jwk' as an encoding here (keyObject.export's formats); its type declarations list only PEM and DER.
const generateRsa = generateKeyPairAsync as unknown as (type: 'rsa', options: { modulusLength: number; publicKeyEncoding: KeyEncoding; privateKeyEncoding: KeyEncoding }, done: (error: Error | null, publicKey: unknown, privateKey: unknown) => void) => void;

function rsa<T>(modulusLength: number, publicKeyEncoding: KeyEncoding, privateKeyEncoding: KeyEncoding): Promise<{ publicKey: T; privateKey: T }> {
  return new Promise((resolve, reject) => {
    generateRsa('rsa', { modulusLength, publicKeyEncoding, privateKeyEncoding }, (error, publicKey, privateKey) => (error ? reject(error) : resolve({ publicKey: publicKey as T, privateKey: privateKey as T })));
  });
}

/** A new RSA key pair (2048 bits by default) as JWKs, made without blocking the event loop. */
export async function generateRsaJwk(modulusLength = 2048): Promise<{ privateJwk: JsonWebKey; publicJwk: JsonWebKey }> {
  const { privateKey, publicKey } = await rsa<JsonWebKey>(modulusLength, { format: 'jwk' }, { format: 'jwk' });
  return { privateJwk: privateKey, publicJwk: publicKey };
}

/** A new RSA key pair (2048 bits by default) as PKCS#8 and SPKI PEM, made without blocking the event loop. */
export async function generateRsaKeyPair(modulusLength = 2048): Promise<KeyPair> {
  const { privateKey, publicKey } = await rsa<string>(modulusLength, { type: 'spki', format: 'pem' }, { type: 'pkcs8', format: 'pem' });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

async function webKeys(pair: KeyPair): Promise<WebKeyPair> {
  const pkcs8 = createPrivateKey(pair.privateKeyPem).export({ type: 'pkcs8', format: 'der' });
  const spki = Buffer.from(pair.publicKeyPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  return {
    privateKey: await webcrypto.subtle.importKey('pkcs8', pkcs8, ECDSA, true, ['sign']),
    publicKey: await webcrypto.subtle.importKey('spki', spki, ECDSA, true, ['verify']),
  };
}

function serial(): string {
  // Positive, 16 random bytes: unique without a counter shared between processes.
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

export interface CertificateRequest {
  /** Distinguished name, e.g. "CN=Urtuu Exchange CA, O=Urtuu, C=MN". */
  subject: string;
  days: number;
  /** Sign with this key pair instead of a new one (e.g. a member's registered key). */
  keys?: KeyPair;
  ca?: boolean;
  /** Path length for a CA: 0 means it may issue only end-entity certificates. */
  pathLength?: number;
  keyUsage?: number;
  /** Extended key usage OIDs. */
  extendedKeyUsage?: string[];
  dnsNames?: string[];
  ipAddresses?: string[];
  /** When to start being valid; defaults to now minus five minutes for clock skew. */
  notBefore?: Date;
}

function extensions(request: CertificateRequest): x509.Extension[] {
  const list: x509.Extension[] = [];
  if (request.ca) list.push(new x509.BasicConstraintsExtension(true, request.pathLength, true));
  list.push(new x509.KeyUsagesExtension(request.keyUsage ?? (request.ca ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign : x509.KeyUsageFlags.digitalSignature), true));
  if (request.extendedKeyUsage?.length) list.push(new x509.ExtendedKeyUsageExtension(request.extendedKeyUsage, false));
  const names = [
    ...(request.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(request.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  if (names.length) list.push(new x509.SubjectAlternativeNameExtension(names));
  return list;
}

/** A self-signed certificate authority. */
export async function createCertificateAuthority(request: CertificateRequest): Promise<Issued> {
  const pair = request.keys ?? generateKeyPair();
  const keys = await webKeys(pair);
  const notBefore = request.notBefore ?? new Date(Date.now() - 5 * 60_000);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: request.subject,
    notBefore,
    notAfter: new Date(notBefore.getTime() + request.days * 86_400_000),
    keys,
    signingAlgorithm: ECDSA,
    extensions: [...extensions({ ...request, ca: true }), await x509.SubjectKeyIdentifierExtension.create(keys.publicKey)],
  });
  return { ...pair, certificatePem: certificate.toString('pem') };
}

/** A certificate issued by `ca` for the request's subject. */
export async function issueCertificate(ca: Issued, request: CertificateRequest): Promise<Issued> {
  const pair = request.keys ?? generateKeyPair();
  const subjectKeys = await webKeys(pair);
  const caKeys = await webKeys(ca);
  const caCertificate = new x509.X509Certificate(ca.certificatePem);
  const notBefore = request.notBefore ?? new Date(Date.now() - 5 * 60_000);
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: request.subject,
    issuer: caCertificate.subject,
    notBefore,
    notAfter: new Date(notBefore.getTime() + request.days * 86_400_000),
    signingKey: caKeys.privateKey,
    publicKey: subjectKeys.publicKey,
    signingAlgorithm: ECDSA,
    extensions: [
      ...extensions(request),
      await x509.SubjectKeyIdentifierExtension.create(subjectKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCertificate),
    ],
  });
  return { ...pair, certificatePem: certificate.toString('pem') };
}

/** SHA-256 over the DER encoding: the usual certificate fingerprint, hex. */
export function certificateFingerprint(certificatePem: string): string {
  return createHash('sha256').update(new X509Certificate(certificatePem).raw).digest('hex');
}

/** True when `certificatePem` was signed by `issuerPem` and is valid at `at`. */
export function verifyCertificate(certificatePem: string, issuerPem: string, at = new Date()): boolean {
  const certificate = new X509Certificate(certificatePem);
  const issuer = new X509Certificate(issuerPem);
  return certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey) && new Date(certificate.validFrom) <= at && at <= new Date(certificate.validTo);
}

export const EKU = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

export const KeyUsage = x509.KeyUsageFlags;
