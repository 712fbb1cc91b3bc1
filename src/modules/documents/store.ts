// SQL for the documents module's own tables.
import type { Queryable } from '../../kernel/db.ts';
import type { DocumentId, IssuedDocument } from './schema.ts';

export interface KeyRow {
  id: string;
  role: 'ca' | 'signer';
  agency_id: string | null;
  kid: string;
  certificate_pem: string;
  private_key: string;
  not_after: Date;
}

export async function findCa(db: Queryable): Promise<KeyRow | undefined> {
  const { rows } = await db.query<KeyRow>(`SELECT * FROM documents.keys WHERE role = 'ca'`);
  return rows[0];
}

export async function findSigner(db: Queryable, agencyId: string): Promise<KeyRow | undefined> {
  const { rows } = await db.query<KeyRow>(`SELECT * FROM documents.keys WHERE role = 'signer' AND agency_id = $1`, [agencyId]);
  return rows[0];
}

export async function findKey(db: Queryable, kid: string): Promise<KeyRow | undefined> {
  const { rows } = await db.query<KeyRow>('SELECT * FROM documents.keys WHERE kid = $1', [kid]);
  return rows[0];
}

export async function listSigners(db: Queryable): Promise<KeyRow[]> {
  const { rows } = await db.query<KeyRow>(`SELECT * FROM documents.keys ORDER BY role, agency_id`);
  return rows;
}

/** Inserts a key unless another process got there first; the caller reads back whichever won. */
export async function insertKey(db: Queryable, key: Omit<KeyRow, 'id'>): Promise<void> {
  const conflict = key.role === 'ca' ? `(role) WHERE role = 'ca'` : `(agency_id) WHERE role = 'signer'`;
  await db.query(
    `INSERT INTO documents.keys (role, agency_id, kid, certificate_pem, private_key, not_after) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT ${conflict} DO NOTHING`,
    [key.role, key.agency_id, key.kid, key.certificate_pem, key.private_key, key.not_after],
  );
}

interface DocumentRowDb {
  id: string;
  kind: IssuedDocument['kind'];
  title: IssuedDocument['title'];
  subject: string;
  subject_name: string;
  agency_id: string;
  issuer: IssuedDocument['issuer'];
  body: IssuedDocument['body'];
  source: IssuedDocument['source'];
  content_hash: string;
  signature: string;
  signer_kid: string;
  issued_by: string | null;
  issued_at: Date | string;
  valid_until: Date | string | null;
  reason: string | null;
  revoked_at: Date | string | null;
  revoked_by: string | null;
}

function dateOnly(value: Date | string): string {
  // A date column comes back as a Date at local midnight from pg and as a string from PGlite.
  if (typeof value === 'string') return value.slice(0, 10);
  return `${value.getFullYear()}-${String(value.getMonth() + 1).padStart(2, '0')}-${String(value.getDate()).padStart(2, '0')}`;
}

function toDocument(row: DocumentRowDb): IssuedDocument {
  return {
    id: row.id as DocumentId,
    kind: row.kind,
    title: row.title,
    subject: row.subject,
    subjectName: row.subject_name,
    agencyId: row.agency_id,
    issuer: row.issuer,
    body: row.body,
    source: row.source,
    contentHash: row.content_hash,
    signature: row.signature,
    signerKid: row.signer_kid,
    issuedBy: row.issued_by,
    issuedAt: new Date(row.issued_at).toISOString(),
    validUntil: row.valid_until === null ? null : dateOnly(row.valid_until),
    revocation: row.revoked_at ? { reason: row.reason ?? '', revokedAt: new Date(row.revoked_at).toISOString(), revokedBy: row.revoked_by } : null,
  };
}

const SELECT = `SELECT d.*, r.reason, r.revoked_at, r.revoked_by FROM documents.documents d LEFT JOIN documents.revocations r ON r.document_id = d.id`;

export async function insertDocument(db: Queryable, document: IssuedDocument): Promise<void> {
  await db.query(
    `INSERT INTO documents.documents (id, kind, title, subject, subject_name, agency_id, issuer, body, source, content_hash, signature, signer_kid, issued_by, issued_at, valid_until)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
    [document.id, document.kind, JSON.stringify(document.title), document.subject, document.subjectName, document.agencyId, JSON.stringify(document.issuer), JSON.stringify(document.body),
      JSON.stringify(document.source), document.contentHash, document.signature, document.signerKid, document.issuedBy, document.issuedAt, document.validUntil],
  );
}

export async function findDocument(db: Queryable, id: string): Promise<IssuedDocument | undefined> {
  const { rows } = await db.query<DocumentRowDb>(`${SELECT} WHERE d.id = $1`, [id]);
  return rows[0] ? toDocument(rows[0]) : undefined;
}

export async function documentsOf(db: Queryable, subject: string, limit = 200): Promise<IssuedDocument[]> {
  const { rows } = await db.query<DocumentRowDb>(`${SELECT} WHERE d.subject = $1 ORDER BY d.issued_at DESC LIMIT $2`, [subject, limit]);
  return rows.map(toDocument);
}

/** Records a revocation once; false when the document was already revoked. */
export async function insertRevocation(db: Queryable, id: string, reason: string, revokedBy: string | null): Promise<boolean> {
  const { rows } = await db.query<{ document_id: string }>(
    'INSERT INTO documents.revocations (document_id, reason, revoked_by) VALUES ($1, $2, $3) ON CONFLICT (document_id) DO NOTHING RETURNING document_id',
    [id, reason, revokedBy],
  );
  return rows.length === 1;
}
