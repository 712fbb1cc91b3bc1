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

/** What a projection update changes besides the status. */
export interface StatePatch {
  assignedTo?: string | null;
  paid?: boolean;
  dueAt?: Date | null;
}

export const REQUEST_NUMBER_PATTERN = '^UR-[0-9]{4}-[0-9]{7,}$';
