// The back office: an agency's queue, and what officials do with an application. Officers take and
// process applications; supervisors and agency administrators also assign them to others. Every
// step is an appended action; granting issues the signed result document, rejecting a paid,
// refundable application returns the fee.
import { isStaff, type Principal } from '../../kernel/auth.ts';
import type { AppContext } from '../../kernel/context.ts';
import { AppError } from '../../kernel/errors.ts';
import type { Lang } from '../../kernel/i18n.ts';
import type { Documents, DocumentSection } from '../documents/index.ts';
import { answerText } from './forms.ts';
import { latestAnswers, firstDetail, type RequestStatus, type ServiceRequest } from './schema.ts';
import type { ApplicationsDeps } from './service.ts';
import * as store from './store.ts';
import type { Submissions } from './submissions.ts';
import { assertAllowed, TARGET, type OfficeAction } from './workflow.ts';

/** The platform itself, undoing a step it took (a decision signed for a request someone else decided first). */
const SYSTEM: Principal = { id: 'urtuu', name: 'Urtuu', kind: 'official', roles: ['platform-admin'], agencyId: null };
const MAX_TEXT = 2000;

export interface OfficeActionInput {
  action: OfficeAction;
  /** A message to the person (request-file, request-edit), a reason (reject), a note (grant). */
  text?: string;
  /** request-file: which document is wanted. */
  field?: string;
  /** assign: the staff member's id. */
  assignee?: string;
}

export interface QueueQuery {
  /** One status; every open one when not given. */
  status?: RequestStatus;
  mine?: boolean;
  overdue?: boolean;
  page?: number;
  pageSize?: number;
}

export interface Office {
  /** The agency whose queue a principal sees: their own; a platform administrator names one. */
  agencyOf(principal: Principal | null | undefined, requested?: string): string;
  queue(principal: Principal, query: QueueQuery, agency?: string): Promise<{ items: ServiceRequest[]; total: number; counts: { status: RequestStatus; n: number; overdue: number }[] }>;
  /** An application the principal may see in the back office, or REQUEST_NOT_FOUND. */
  request(principal: Principal, number: string): Promise<ServiceRequest>;
  act(principal: Principal, number: string, input: OfficeActionInput, lang: Lang, requestId?: string): Promise<ServiceRequest>;
}

const canAssignOthers = (principal: Principal) => principal.roles.includes('platform-admin') || principal.roles.includes('supervisor') || principal.roles.includes('agency-admin');

export function createOffice(ctx: AppContext, deps: ApplicationsDeps, submissions: Submissions, documents: Documents): Office {
  const { db } = ctx;

  function agencyOf(principal: Principal | null | undefined, requested?: string): string {
    if (!principal) throw new AppError('UNAUTHENTICATED');
    if (!isStaff(principal)) throw new AppError('FORBIDDEN');
    if (principal.roles.includes('platform-admin')) return requested || principal.agencyId || 'gasr';
    if (!principal.agencyId) throw new AppError('FORBIDDEN');
    return principal.agencyId;
  }

  async function request(principal: Principal, number: string): Promise<ServiceRequest> {
    if (!isStaff(principal)) throw new AppError(principal ? 'FORBIDDEN' : 'UNAUTHENTICATED');
    const found = await store.findRequestByNumber(db, number);
    // Another agency's application is as unknown to an official as one never made.
    if (!found || found.kind !== 'application' || (!principal.roles.includes('platform-admin') && found.agencyId !== principal.agencyId)) throw new AppError('REQUEST_NOT_FOUND', { number: number.slice(0, 40) });
    return found;
  }

  function text(input: OfficeActionInput, required: boolean, lang: Lang): string {
    const value = (input.text ?? '').trim();
    if ((required && !value) || value.length > MAX_TEXT) {
      throw new AppError('VALIDATION_FAILED', { detail: 'text' }, [{ field: 'text', message: ctx.i18n.translator(lang)(required && !value ? 'applications.office.textMissing' : 'applications.office.textTooLong') }]);
    }
    return value;
  }

  /** The result document: the decision, what was asked, and the answers as given. */
  async function resultSections(found: ServiceRequest, note: string): Promise<DocumentSection[]> {
    const definition = await submissions.formOf(found);
    const answers = latestAnswers(found);
    const rows = definition ? Object.entries(definition.fields).filter(([name, field]) => field.widget !== 'file' && answers[name] !== undefined).map(([name, field]) => ({
      label: field.label,
      value: { mn: answerText(field, answers[name], 'mn'), en: answerText(field, answers[name], 'en') },
    })) : [];
    return [
      { rows: [{ label: { mn: 'Хүсэлтийн дугаар', en: 'Request number' }, value: found.number }, { label: { mn: 'Шийдвэр', en: 'Decision' }, value: { mn: 'Зөвшөөрсөн', en: 'Granted' } }] },
      ...(note ? [{ heading: { mn: 'Тэмдэглэл', en: 'Note' }, note: { mn: note, en: note } }] : []),
      { heading: { mn: 'Өргөдөл', en: 'The application' }, rows },
    ];
  }

  return {
    agencyOf,

    async queue(principal, query, agency) {
      const agencyId = agencyOf(principal, agency);
      const pageSize = Math.min(Math.max(query.pageSize ?? 50, 1), 200);
      const page = Math.min(Math.max(query.page ?? 1, 1), 10_000);
      const [result, counts] = await Promise.all([
        store.queue(db, { agencyId, ...(query.status ? { status: query.status } : {}), ...(query.mine ? { assignedTo: principal.id } : {}), overdueOnly: query.overdue ?? false, limit: pageSize, offset: (page - 1) * pageSize }),
        store.queueCounts(db, agencyId),
      ]);
      return { ...result, counts };
    },

    request,

    async act(principal, number, input, lang, requestId) {
      const found = await request(principal, number);
      assertAllowed(found.status, input.action);
      const assigned = found.assignedTo;
      const mayOverride = canAssignOthers(principal);
      if (['start', 'request-file', 'request-edit', 'grant', 'reject', 'print', 'complete'].includes(input.action) && assigned && assigned !== principal.id && !mayOverride) {
        throw new AppError('NOT_ASSIGNED', { assignee: assigned });
      }
      const target = TARGET[input.action];
      const status = target === 'same' ? found.status : target;
      switch (input.action) {
        case 'take':
          return submissions.transition(found, status, principal, { assigned: principal.id }, { assignedTo: principal.id });
        case 'assign': {
          if (!mayOverride) throw new AppError('FORBIDDEN');
          const assignee = (input.assignee ?? '').trim();
          if (!assignee) throw new AppError('VALIDATION_FAILED', { detail: 'assignee' }, [{ field: 'assignee', message: ctx.i18n.translator(lang)('applications.office.assigneeMissing') }]);
          return submissions.transition(found, status, principal, { assigned: assignee }, { assignedTo: assignee });
        }
        case 'start': {
          if (!found.paid) {
            // The callback may be late: ask the payment provider before refusing.
            const invoice = firstDetail(found, 'invoice');
            if (!invoice || !(await deps.fees.isPaid(invoice))) throw new AppError('FEE_NOT_PAID');
            await submissions.paid(found.number, invoice);
          }
          return submissions.transition(found, status, principal, {}, assigned ? {} : { assignedTo: principal.id });
        }
        case 'request-file':
          return submissions.transition(found, status, principal, { message: text(input, true, lang), field: (input.field ?? 'document').replace(/[^a-zA-Z0-9]/g, '').slice(0, 40) || 'document' });
        case 'request-edit':
          return submissions.transition(found, status, principal, { message: text(input, true, lang) });
        case 'grant': {
          const note = text(input, false, lang);
          const service = await deps.service(found.serviceSlug);
          const document = await documents.issue({
            kind: 'result',
            title: { mn: `${service?.name.mn ?? found.serviceSlug}: шийдвэр`, en: `${service?.name.en ?? found.serviceSlug}: decision` },
            subject: found.subject,
            subjectName: found.subjectName,
            agencyId: found.agencyId,
            issuer: service?.agency.name ?? { mn: found.agencyId, en: found.agencyId },
            body: { sections: await resultSections(found, note) },
            source: { service: found.serviceSlug, request: found.number },
          }, principal, requestId);
          try {
            return await submissions.transition(found, status, principal, { note, document: document.id });
          } catch (error) {
            // Someone else decided first: the decision just signed must not stand.
            await documents.revoke(document.id, 'Superseded: the request was decided by someone else at the same moment', SYSTEM, requestId).catch(() => undefined);
            throw error;
          }
        }
        case 'reject': {
          const reason = text(input, true, lang);
          const invoice = firstDetail(found, 'invoice');
          const definition = await submissions.formOf(found);
          let refunded = false;
          if (invoice && found.paid && definition?.refundable) {
            // Returning the fee cannot be undone; it is done before the rejection is recorded so a failure leaves both undone.
            await deps.fees.refund(invoice, reason, principal);
            refunded = true;
          }
          return submissions.transition(found, status, principal, { reason, refunded });
        }
        case 'print':
        case 'complete':
        case 'expire':
          return submissions.transition(found, status, principal, { note: text(input, false, lang) });
        default:
          throw new AppError('VALIDATION_FAILED', { detail: 'action' });
      }
    },
  };
}
