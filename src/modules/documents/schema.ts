// A document's shape: what an issuer states, in Mongolian and English, as sections of labelled
// values and tables. The same structure is rendered as the verify page, the "my documents" page and
// the PDF, and it is what the hash and the signature cover.
import { createHash, randomBytes } from 'node:crypto';
import type { Brand } from '../../kernel/ids.ts';

export type DocumentId = Brand<string, 'DocumentId'>;
export type Bilingual = { mn: string; en: string };
/** A value: data that reads the same in both languages (a name, a number), or words in each. */
export type Text = string | Bilingual;

export interface DocumentRow {
  label: Bilingual;
  value: Text;
}

export interface DocumentTable {
  columns: Bilingual[];
  rows: Text[][];
}

export interface DocumentSection {
  heading?: Bilingual;
  rows?: DocumentRow[];
  table?: DocumentTable;
  /** A statement in words, e.g. "No record was found in the register." */
  note?: Bilingual;
}

export interface DocumentBody {
  sections: DocumentSection[];
}

export const DOCUMENT_KINDS = ['reference', 'result', 'certificate'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** What an issuing module hands over. */
export interface DocumentDraft {
  kind: DocumentKind;
  title: Bilingual;
  /** The register number the document is about (a person's or a company's). */
  subject: string;
  subjectName: string;
  agencyId: string;
  issuer: Bilingual;
  body: DocumentBody;
  source?: { service?: string; request?: string };
  validUntil?: string;
}

export interface IssuedDocument extends Required<Omit<DocumentDraft, 'validUntil'>> {
  id: DocumentId;
  validUntil: string | null;
  contentHash: string;
  signature: string;
  signerKid: string;
  issuedAt: string;
  issuedBy: string | null;
  revocation: { reason: string; revokedAt: string; revokedBy: string | null } | null;
}

/** A verification answer: `valid` only when the signature, its certificate and the hash all hold and it is not revoked. */
export interface Verification {
  id: DocumentId;
  status: 'valid' | 'revoked' | 'invalid';
  checks: { signature: boolean; certificate: boolean; hash: boolean };
  document: IssuedDocument;
  signer: { kid: string; subject: string; notAfter: string };
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const DOCUMENT_ID_PATTERN = '^[0-9A-HJKMNP-TV-Z]{16}$';
const DOCUMENT_ID = new RegExp(DOCUMENT_ID_PATTERN);

/** 80 random bits as 16 Crockford base32 characters: unguessable, and easy to read aloud or type. */
export function newDocumentId(): DocumentId {
  const bytes = randomBytes(10);
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let id = '';
  for (let index = 0; index < 16; index += 1) id = CROCKFORD[Number((bits >> BigInt(index * 5)) & 31n)] + id;
  return id as DocumentId;
}

/** Reads an id as people type it: any case, with spaces or hyphens, O for 0 and I or L for 1. */
export function parseDocumentId(text: string): DocumentId | undefined {
  const cleaned = text.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return DOCUMENT_ID.test(cleaned) ? (cleaned as DocumentId) : undefined;
}

/** The id in groups of four, as printed. */
export function groupedId(id: string): string {
  return id.replace(/(.{4})(?=.)/g, '$1-');
}

/** JSON with keys sorted at every level: one byte string per value, so a hash can be recomputed anywhere. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

/** What the hash covers: everything the document states, and when and by whom it was issued. */
export function hashedContent(document: Pick<IssuedDocument, 'id' | 'kind' | 'title' | 'subject' | 'subjectName' | 'agencyId' | 'issuer' | 'body' | 'issuedAt' | 'validUntil'>): string {
  const { id, kind, title, subject, subjectName, agencyId, issuer, body, issuedAt, validUntil } = document;
  return createHash('sha256').update(canonicalJson({ id, kind, title, subject, subjectName, agencyId, issuer, body, issuedAt, validUntil })).digest('hex');
}

/** The text of a value in one language. */
export function textIn(value: Text, lang: 'mn' | 'en'): string {
  return typeof value === 'string' ? value : value[lang];
}
