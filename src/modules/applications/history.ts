// A request's history as a person reads it: each thing that happened once, in words, with who did
// it and when. It is derived from the append-only actions; the status alone would repeat
// "Submitted" for the sending, the invoice, the payment and the taking up. Officials are named as a
// citizen should see them (name, role, agency), never by an internal id, and the reader's own
// actions as "you".
import type { Principal, Role } from '../../kernel/auth.ts';
import type { Translate } from '../../kernel/i18n.ts';
import type { RequestAction, ServiceRequest } from './schema.ts';

/** Who took an action, as recorded with it: enough to name them later without looking them up. */
export interface ActorSnapshot {
  name: string;
  /** The role they acted in: an official's highest, or "citizen". */
  role: Role;
  agencyId: string | null;
}

const ROLE_ORDER: Role[] = ['platform-admin', 'agency-admin', 'supervisor', 'officer', 'citizen'];

/** What is kept about the actor in an action's details (`by`). */
export function actorSnapshot(principal: Principal | null | undefined): ActorSnapshot | undefined {
  if (!principal) return undefined;
  const role = ROLE_ORDER.find((candidate) => principal.roles.includes(candidate) && (candidate !== 'citizen' || principal.kind === 'citizen')) ?? 'citizen';
  return { name: principal.name, role, agencyId: principal.agencyId };
}

/** Names people the actions only know by id: officials assigned, or actions recorded before `by` was. */
export type StaffLookup = (id: string) => Promise<ActorSnapshot | undefined>;

export type HistoryEvent = 'submitted' | 'requested' | 'invoiced' | 'paid' | 'taken' | 'assigned' | 'started' | 'fileRequested' | 'fileSent' | 'editRequested' | 'resubmitted' | 'granted' | 'rejected' | 'printed' | 'completed' | 'issued' | 'expired';

export interface HistoryLine {
  event: HistoryEvent;
  at: string;
  /** What happened, in words. */
  what: string;
  /** Who did it, in words. */
  who: string;
  /** What they wrote: a message, a reason, a note. */
  note?: string;
}

/** Which thing an action was, from its status and what it carried. */
export function eventOf(action: RequestAction, index: number, kind: ServiceRequest['kind']): HistoryEvent {
  const details = action.details;
  if (typeof details.invoice === 'string') return 'invoiced';
  if (typeof details.paid === 'string') return 'paid';
  if (typeof details.assigned === 'string') return details.assigned === action.actorId ? 'taken' : 'assigned';
  switch (action.status) {
    case 'SUBMITTED':
      if (index === 0) return kind === 'reference' ? 'requested' : 'submitted';
      return typeof details.file === 'string' ? 'fileSent' : 'resubmitted';
    case 'PROCESSING': return 'started';
    case 'FILE_REQUESTED': return 'fileRequested';
    case 'EDIT': return 'editRequested';
    case 'GRANTED': return 'granted';
    case 'REJECTED': return 'rejected';
    case 'PRINTING': return 'printed';
    case 'COMPLETED': return kind === 'reference' ? 'issued' : 'completed';
    case 'EXPIRED': return 'expired';
  }
}

/** Names people by id, first from what the request's own actions recorded about them, then by `lookup`. */
export function peopleOf(request: ServiceRequest, lookup: StaffLookup): StaffLookup {
  const recorded = new Map<string, ActorSnapshot>();
  for (const action of request.actions) if (action.actorId && action.details.by) recorded.set(action.actorId, action.details.by as ActorSnapshot);
  return async (id) => recorded.get(id) ?? lookup(id);
}

/** A person in words: "you", or an official's name with their role and agency. */
export function personText(who: ActorSnapshot | undefined, t: Translate, agencyName: (id: string) => string | undefined): string {
  if (!who) return t('applications.history.anOfficial');
  if (who.role === 'citizen') return who.name;
  const agency = who.agencyId ? agencyName(who.agencyId) : undefined;
  return [who.name, t(`devSignIn.roles.${who.role}`), agency].filter(Boolean).join(', ');
}

/**
 * The history of a request for `viewer`, oldest first. `agencyName` names the agencies officials
 * work for; `lookup` names those an action knows only by id.
 */
export async function historyOf(request: ServiceRequest, viewer: Principal, t: Translate, agencyName: (id: string) => string | undefined, lookup: StaffLookup): Promise<HistoryLine[]> {
  const lines: HistoryLine[] = [];
  const named = peopleOf(request, lookup);
  for (const [index, action] of request.actions.entries()) {
    const event = eventOf(action, index, request.kind);
    const details = action.details;
    const snapshot = (details.by as ActorSnapshot | undefined) ?? (action.actorId && action.actorId !== viewer.id ? await lookup(action.actorId) : undefined);
    let who: string;
    if (event === 'paid') who = t('applications.history.paymentSystem');
    else if (action.actorId === null) who = t('applications.history.system');
    else if (action.actorId === viewer.id) who = t('applications.history.you');
    // The person the request is about, acting for themselves: named as the request names them.
    else if (snapshot?.role === 'citizen' || (!snapshot && request.actor === null && index === 0)) who = request.subjectName;
    else who = personText(snapshot, t, agencyName);
    let what = t(`applications.history.events.${event}`);
    if (event === 'assigned') {
      const assignee = typeof details.assigned === 'string' ? (details.assigned === viewer.id ? t('applications.history.you') : personText(await named(details.assigned), t, agencyName)) : '';
      what = t('applications.history.events.assigned', { who: assignee });
    }
    const note = ['message', 'reason', 'note'].map((key) => details[key]).find((value): value is string => typeof value === 'string' && value.length > 0);
    const refunded = event === 'rejected' && details.refunded === true ? t('applications.history.refunded') : undefined;
    lines.push({ event, at: action.at, what, who, ...(note || refunded ? { note: [note, refunded].filter(Boolean).join(' ') } : {}) });
  }
  return lines;
}
