// The audit log: who did what to which record, append-only (the table refuses UPDATE and DELETE).
// It records staff and administrator actions; it never holds personal data beyond actor ids.
import type { Principal } from './auth.ts';
import type { Queryable } from './db.ts';

export interface AuditEntry {
  action: string;
  subjectType: string;
  subjectId: string;
  details?: Record<string, unknown>;
}

export interface AuditRecord extends Required<AuditEntry> {
  id: number;
  at: Date;
  actorId: string | null;
  actorName: string | null;
  requestId: string | null;
}

export interface Audit {
  /** Appends an entry; pass the transaction so the entry commits with the change it describes. */
  record(tx: Queryable, actor: Principal | null, entry: AuditEntry, requestId?: string): Promise<void>;
  /** Entries about one subject, newest first. */
  forSubject(subjectType: string, subjectId: string, limit?: number): Promise<AuditRecord[]>;
}

export function createAudit(db: Queryable): Audit {
  return {
    async record(tx, actor, entry, requestId) {
      await tx.query(
        `INSERT INTO kernel.audit_log (actor_id, actor_name, action, subject_type, subject_id, details, request_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          actor?.id ?? null,
          actor?.name ?? null,
          entry.action,
          entry.subjectType,
          entry.subjectId,
          // Both people: whoever acts for another is recorded with whom they act for.
          JSON.stringify(actor?.actingFor ? { ...(entry.details ?? {}), actingFor: { kind: actor.actingFor.kind, registerNumber: actor.actingFor.registerNumber, basis: actor.actingFor.basis } } : (entry.details ?? {})),
          requestId ?? null,
        ],
      );
    },
    async forSubject(subjectType, subjectId, limit = 100) {
      const { rows } = await db.query<{
        id: number; at: Date; actor_id: string | null; actor_name: string | null; action: string;
        subject_type: string; subject_id: string; details: Record<string, unknown>; request_id: string | null;
      }>(
        `SELECT id, at, actor_id, actor_name, action, subject_type, subject_id, details, request_id
           FROM kernel.audit_log WHERE subject_type = $1 AND subject_id = $2 ORDER BY id DESC LIMIT $3`,
        [subjectType, subjectId, limit],
      );
      return rows.map((row) => ({
        id: row.id,
        at: row.at,
        actorId: row.actor_id,
        actorName: row.actor_name,
        action: row.action,
        subjectType: row.subject_type,
        subjectId: row.subject_id,
        details: row.details,
        requestId: row.request_id,
      }));
    },
  };
}
