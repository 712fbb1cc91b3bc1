// Service requests and their statuses, as e-Mongolia names them.
export const REQUEST_STATUSES = ['SUBMITTED', 'PROCESSING', 'EDIT', 'FILE_REQUESTED', 'PRINTING', 'COMPLETED', 'GRANTED', 'REJECTED', 'EXPIRED'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
/** Statuses after which nothing more happens. */
export const FINAL_STATUSES: readonly RequestStatus[] = ['COMPLETED', 'GRANTED', 'REJECTED', 'EXPIRED'];

export interface RequestAction {
  status: RequestStatus;
  actorId: string | null;
  details: Record<string, unknown>;
  at: string;
}

export interface ServiceRequest {
  id: string;
  number: string;
  serviceSlug: string;
  kind: 'reference' | 'application';
  subject: string;
  subjectName: string;
  actor: string | null;
  agencyId: string;
  channel: 'portal' | 'api' | 'operator';
  createdAt: string;
  status: RequestStatus;
  updatedAt: string;
  assignedTo: string | null;
  /** False while a fee is owed. */
  paid: boolean;
  dueAt: string | null;
  actions: RequestAction[];
}

/** The answers as they stand: the latest action that carried them (the submission, or a resubmission after changes). */
export function latestAnswers(request: Pick<ServiceRequest, 'actions'>): Record<string, unknown> {
  return request.actions.map((action) => action.details.answers).filter((value): value is Record<string, unknown> => typeof value === 'object' && value !== null).at(-1) ?? {};
}

/** The first text an action carried under `key`: the invoice of the fee, the document issued. */
export function firstDetail(request: Pick<ServiceRequest, 'actions'>, key: 'invoice' | 'document'): string | undefined {
  return request.actions.map((action) => action.details[key]).find((value): value is string => typeof value === 'string');
}

/** The language the person used when making the request: every message about it is written in it. Mongolian before it was recorded. */
export function requestLang(request: Pick<ServiceRequest, 'actions'>): 'mn' | 'en' {
  return request.actions[0]?.details.lang === 'en' ? 'en' : 'mn';
}

/** What a register said for a form's fact: a text, or (an address) a text in each language. */
export type FactValue = string | { mn: string; en: string };

/** A fact as a page in `lang` shows it. */
export function factText(value: FactValue | undefined, lang: 'mn' | 'en'): string | undefined {
  return value === undefined ? undefined : typeof value === 'string' ? value : value[lang];
}

/** What a projection update changes besides the status. */
export interface StatePatch {
  assignedTo?: string | null;
  paid?: boolean;
  dueAt?: Date | null;
}

export const REQUEST_NUMBER_PATTERN = '^UR-[0-9]{4}-[0-9]{7,}$';
