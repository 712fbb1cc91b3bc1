// SQL for the applications module's own tables.
import type { Queryable } from '../../kernel/db.ts';
import type { FormDefinition } from './forms.ts';
import { FINAL_STATUSES, type FactValue, type RequestStatus, type ServiceRequest, type StatePatch } from './schema.ts';

interface RequestRow {
  id: string;
  number: string;
  service_slug: string;
  kind: 'reference' | 'application';
  subject: string;
  subject_name: string;
  actor: string | null;
  agency_id: string;
  channel: ServiceRequest['channel'];
  created_at: Date | string;
  status: RequestStatus;
  updated_at: Date | string;
  assigned_to: string | null;
  paid: boolean;
  due_at: Date | string | null;
}

interface ActionRow {
  id: string | number;
  status: RequestStatus;
  actor_id: string | null;
  details: Record<string, unknown>;
  at: Date | string;
}

function toRequest(row: RequestRow, actions: ActionRow[] = []): ServiceRequest {
  return {
    id: row.id,
    number: row.number,
    serviceSlug: row.service_slug,
    kind: row.kind,
    subject: row.subject,
    subjectName: row.subject_name,
    actor: row.actor,
    agencyId: row.agency_id,
    channel: row.channel,
    createdAt: new Date(row.created_at).toISOString(),
    status: row.status,
    updatedAt: new Date(row.updated_at).toISOString(),
    assignedTo: row.assigned_to,
    paid: row.paid,
    dueAt: row.due_at ? new Date(row.due_at).toISOString() : null,
    actions: actions.map((action) => ({ status: action.status, actorId: action.actor_id, details: action.details, at: new Date(action.at).toISOString() })),
  };
}

const SELECT = `SELECT r.*, s.status, s.updated_at, s.assigned_to, s.paid, s.due_at FROM applications.requests r JOIN applications.request_state s ON s.request_id = r.id`;

export async function nextNumber(db: Queryable, year: number): Promise<string> {
  const { rows } = await db.query<{ n: string }>(`SELECT nextval('applications.request_number')::text AS n`);
  return `UR-${year}-${rows[0]!.n.padStart(7, '0')}`;
}

/** Inserts a request unless one with its id exists (a form sent twice); true when inserted. */
export async function insertRequest(db: Queryable, request: Pick<ServiceRequest, 'id' | 'number' | 'serviceSlug' | 'kind' | 'subject' | 'subjectName' | 'actor' | 'agencyId' | 'channel'>): Promise<boolean> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO applications.requests (id, number, service_slug, kind, subject, subject_name, actor, agency_id, channel) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING RETURNING id`,
    [request.id, request.number, request.serviceSlug, request.kind, request.subject, request.subjectName, request.actor, request.agencyId, request.channel],
  );
  return rows.length === 1;
}

/** The number and subject of a request by its id. */
export async function findRequestKey(db: Queryable, id: string): Promise<{ number: string; subject: string } | undefined> {
  const { rows } = await db.query<{ number: string; subject: string }>('SELECT number, subject FROM applications.requests WHERE id = $1', [id]);
  return rows[0];
}

/** The request's status now, its row locked until the transaction ends. */
export async function lockStatus(db: Queryable, requestId: string): Promise<RequestStatus | undefined> {
  const { rows } = await db.query<{ status: RequestStatus }>('SELECT status FROM applications.request_state WHERE request_id = $1 FOR UPDATE', [requestId]);
  return rows[0]?.status;
}

/** Appends an action and brings the request's projected state up to date; call inside a transaction. */
export async function recordAction(db: Queryable, requestId: string, status: RequestStatus, actorId: string | null, details: Record<string, unknown> = {}, patch: StatePatch = {}): Promise<void> {
  await db.query('INSERT INTO applications.request_actions (request_id, status, actor_id, details) VALUES ($1, $2, $3, $4)', [requestId, status, actorId, JSON.stringify(details)]);
  await db.query(
    `INSERT INTO applications.request_state (request_id, agency_id, subject, kind, status, open, assigned_to, paid, due_at, submitted_at, updated_at)
     SELECT r.id, r.agency_id, r.subject, r.kind, $2, $8, $3, COALESCE($4, true), $5, r.created_at, now() FROM applications.requests r WHERE r.id = $1
     ON CONFLICT (request_id) DO UPDATE SET
       status = EXCLUDED.status,
       open = EXCLUDED.open,
       assigned_to = CASE WHEN $6 THEN EXCLUDED.assigned_to ELSE applications.request_state.assigned_to END,
       paid = CASE WHEN $4::boolean IS NULL THEN applications.request_state.paid ELSE EXCLUDED.paid END,
       due_at = CASE WHEN $7 THEN EXCLUDED.due_at ELSE applications.request_state.due_at END,
       updated_at = now()`,
    [requestId, status, patch.assignedTo ?? null, patch.paid ?? null, patch.dueAt ?? null, 'assignedTo' in patch, 'dueAt' in patch, !FINAL_STATUSES.includes(status)],
  );
}

export async function requestsOf(db: Queryable, subject: string, limit = 100): Promise<ServiceRequest[]> {
  const { rows } = await db.query<RequestRow>(`${SELECT} WHERE s.subject = $1 ORDER BY s.submitted_at DESC LIMIT $2`, [subject, limit]);
  return rows.map((row) => toRequest(row));
}

export async function findRequestByNumber(db: Queryable, number: string, forUpdate = false): Promise<ServiceRequest | undefined> {
  const { rows } = await db.query<RequestRow>(`${SELECT} WHERE r.number = $1${forUpdate ? ' FOR UPDATE OF s' : ''}`, [number]);
  if (!rows[0]) return undefined;
  const actions = await db.query<ActionRow>('SELECT id, status, actor_id, details, at FROM applications.request_actions WHERE request_id = $1 ORDER BY id', [rows[0].id]);
  return toRequest(rows[0], actions.rows);
}

export interface QueueFilter {
  agencyId: string;
  /** One status, or every open one. */
  status?: RequestStatus;
  assignedTo?: string;
  overdueOnly?: boolean;
  limit: number;
  offset: number;
}

/** An agency's applications, the most urgent first, read in index order (request_state_open or request_state_status). */
export async function queue(db: Queryable, filter: QueueFilter): Promise<{ items: ServiceRequest[]; total: number }> {
  const where = ["s.kind = 'application'", 's.agency_id = $1'];
  const params: unknown[] = [filter.agencyId];
  if (filter.status) where.push(`s.status = $${params.push(filter.status)}`);
  else where.push('s.open');
  if (filter.assignedTo) where.push(`s.assigned_to = $${params.push(filter.assignedTo)}`);
  if (filter.overdueOnly) where.push('s.due_at < now()');
  const clause = where.join(' AND ');
  const { rows } = await db.query<RequestRow>(`${SELECT} WHERE ${clause} ORDER BY s.due_at ASC, s.request_id LIMIT ${Math.trunc(filter.limit)} OFFSET ${Math.trunc(filter.offset)}`, params);
  const count = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM applications.request_state s WHERE ${clause}`, params);
  return { items: rows.map((row) => toRequest(row)), total: Number(count.rows[0]!.n) };
}

/** An agency's open applications per status, and how many are overdue; decided ones are not counted. */
export async function queueCounts(db: Queryable, agencyId: string): Promise<{ status: RequestStatus; n: number; overdue: number }[]> {
  const { rows } = await db.query<{ status: RequestStatus; n: string; overdue: string }>(
    `SELECT status, count(*)::text AS n, count(*) FILTER (WHERE due_at < now())::text AS overdue FROM applications.request_state WHERE kind = 'application' AND agency_id = $1 AND open GROUP BY status`,
    [agencyId],
  );
  return rows.map((row) => ({ status: row.status, n: Number(row.n), overdue: Number(row.overdue) }));
}

// Forms

export async function latestForm(db: Queryable, slug: string): Promise<FormDefinition | undefined> {
  const { rows } = await db.query<{ definition: FormDefinition; version: number }>('SELECT definition, version FROM applications.forms WHERE slug = $1 ORDER BY version DESC LIMIT 1', [slug]);
  return rows[0] ? { ...rows[0].definition, version: rows[0].version } : undefined;
}

export async function formVersion(db: Queryable, slug: string, version: number): Promise<FormDefinition | undefined> {
  const { rows } = await db.query<{ definition: FormDefinition }>('SELECT definition FROM applications.forms WHERE slug = $1 AND version = $2', [slug, version]);
  return rows[0] ? { ...rows[0].definition, version } : undefined;
}

export async function formSlugs(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ slug: string }>('SELECT DISTINCT slug FROM applications.forms ORDER BY slug');
  return rows.map((row) => row.slug);
}

/** Saves a form as its next version; returns the version. */
export async function insertForm(db: Queryable, definition: FormDefinition, createdBy: string | null): Promise<number> {
  const { rows } = await db.query<{ version: number }>(
    `INSERT INTO applications.forms (slug, version, definition, created_by)
     SELECT $1, COALESCE(max(version), 0) + 1, $2, $3 FROM applications.forms WHERE slug = $1 RETURNING version`,
    [definition.slug, JSON.stringify(definition), createdBy],
  );
  return rows[0]!.version;
}

/** Keeps a shipped form as version 1 when the slug has none yet. */
export async function seedForm(db: Queryable, definition: FormDefinition): Promise<void> {
  await db.query(`INSERT INTO applications.forms (slug, version, definition, created_by) VALUES ($1, 1, $2, 'platform') ON CONFLICT DO NOTHING`, [definition.slug, JSON.stringify(definition)]);
}

// Drafts

export interface DraftRow {
  id: string;
  slug: string;
  form_version: number;
  subject: string;
  subject_name: string;
  operator: string | null;
  answers: Record<string, unknown>;
  facts: { id: string; value: FactValue }[];
}

export async function insertDraft(db: Queryable, draft: Omit<DraftRow, 'answers'>): Promise<void> {
  await db.query('INSERT INTO applications.drafts (id, slug, form_version, subject, subject_name, operator, facts) VALUES ($1, $2, $3, $4, $5, $6, $7)', [draft.id, draft.slug, draft.form_version, draft.subject, draft.subject_name, draft.operator, JSON.stringify(draft.facts)]);
}

export async function findDraft(db: Queryable, id: string): Promise<DraftRow | undefined> {
  const { rows } = await db.query<DraftRow>('SELECT id, slug, form_version, subject, subject_name, operator, answers, facts FROM applications.drafts WHERE id = $1', [id]);
  return rows[0];
}

export async function saveAnswers(db: Queryable, id: string, answers: Record<string, unknown>): Promise<void> {
  await db.query('UPDATE applications.drafts SET answers = $2, updated_at = now() WHERE id = $1', [id, JSON.stringify(answers)]);
}

export async function deleteDraft(db: Queryable, id: string): Promise<void> {
  await db.query('DELETE FROM applications.drafts WHERE id = $1', [id]);
}

// Attachments

export interface AttachmentMeta {
  id: string;
  owner_id: string;
  field: string;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  created_at: Date | string;
}

export async function insertAttachment(db: Queryable, attachment: Omit<AttachmentMeta, 'created_at'> & { data: Buffer }): Promise<void> {
  await db.query(
    'INSERT INTO applications.attachments (id, owner_id, field, filename, content_type, size, sha256, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
    [attachment.id, attachment.owner_id, attachment.field, attachment.filename, attachment.content_type, attachment.size, attachment.sha256, attachment.data],
  );
}

/** Replaces a draft's file for a field: one file a field. */
export async function deleteAttachmentsOf(db: Queryable, ownerId: string, field: string): Promise<void> {
  await db.query('DELETE FROM applications.attachments WHERE owner_id = $1 AND field = $2', [ownerId, field]);
}

export async function attachmentsOf(db: Queryable, ownerId: string): Promise<AttachmentMeta[]> {
  const { rows } = await db.query<AttachmentMeta>('SELECT id, owner_id, field, filename, content_type, size, sha256, created_at FROM applications.attachments WHERE owner_id = $1 ORDER BY created_at', [ownerId]);
  return rows;
}

export async function attachmentData(db: Queryable, id: string): Promise<(AttachmentMeta & { data: Buffer }) | undefined> {
  const { rows } = await db.query<AttachmentMeta & { data: Buffer | Uint8Array }>('SELECT * FROM applications.attachments WHERE id = $1', [id]);
  return rows[0] ? { ...rows[0], data: Buffer.from(rows[0].data) } : undefined;
}

/** Moves a draft's files to the request made from it. */
export async function moveAttachments(db: Queryable, fromOwner: string, toOwner: string): Promise<void> {
  await db.query('UPDATE applications.attachments SET owner_id = $2 WHERE owner_id = $1', [fromOwner, toOwner]);
}
