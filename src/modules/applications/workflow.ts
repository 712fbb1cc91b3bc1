// What may happen to an application in each status, and when it falls due. A disallowed action
// fails naming the status and the actions allowed in it.
import { AppError } from '../../kernel/errors.ts';
import type { RequestStatus } from './schema.ts';

export const OFFICE_ACTIONS = ['take', 'assign', 'start', 'request-file', 'request-edit', 'grant', 'reject', 'print', 'complete', 'expire'] as const;
export type OfficeAction = (typeof OFFICE_ACTIONS)[number];
export const CITIZEN_ACTIONS = ['send-file', 'resubmit'] as const;
export type CitizenAction = (typeof CITIZEN_ACTIONS)[number];
export type Action = OfficeAction | CitizenAction;

/** The actions each status allows. Assignment leaves the status as it is. */
export const ALLOWED: Record<RequestStatus, readonly Action[]> = {
  SUBMITTED: ['take', 'assign', 'start', 'reject'],
  PROCESSING: ['assign', 'request-file', 'request-edit', 'grant', 'reject'],
  FILE_REQUESTED: ['send-file', 'assign', 'expire'],
  EDIT: ['resubmit', 'assign', 'expire'],
  GRANTED: ['print'],
  PRINTING: ['complete'],
  COMPLETED: [],
  REJECTED: [],
  EXPIRED: [],
};

/** The status an action leads to; assignment keeps the current one. */
export const TARGET: Record<Action, RequestStatus | 'same'> = {
  take: 'same', assign: 'same', start: 'PROCESSING', 'request-file': 'FILE_REQUESTED', 'request-edit': 'EDIT', grant: 'GRANTED', reject: 'REJECTED',
  print: 'PRINTING', complete: 'COMPLETED', expire: 'EXPIRED', 'send-file': 'SUBMITTED', resubmit: 'SUBMITTED',
};

/** Throws ACTION_NOT_ALLOWED unless `action` may be taken in `status`. */
export function assertAllowed(status: RequestStatus, action: Action): void {
  if (!ALLOWED[status].includes(action)) {
    throw new AppError('ACTION_NOT_ALLOWED', { action, state: status, allowed: ALLOWED[status].join(', ') || '—' });
  }
}

/** When an application falls due: its processing time from the moment it was sent, working days skipping weekends. */
export function dueDate(from: Date, time: { value: number; unit: string }): Date | null {
  const due = new Date(from);
  switch (time.unit) {
    case 'instant': return due;
    case 'minutes': return new Date(due.getTime() + time.value * 60_000);
    case 'hours': return new Date(due.getTime() + time.value * 3_600_000);
    case 'days': return new Date(due.getTime() + time.value * 86_400_000);
    case 'working_days': {
      // Mongolia's public holidays are not counted out: the agency's own calendar should be, later.
      let left = time.value;
      while (left > 0) {
        due.setUTCDate(due.getUTCDate() + 1);
        const day = due.getUTCDay();
        if (day !== 0 && day !== 6) left -= 1;
      }
      return due;
    }
    default: return null;
  }
}
