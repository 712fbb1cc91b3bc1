// GovStack's Registration building block API (specification 0.1.1, with /data/statistics/1.0) as a
// face of our own application services, under /govstack/registration. Nothing here has its own
// tables: every call is a begin/answer/submit of `Submissions` or an action of the back `Office`.
//
// Mapping
//   service      ↔ a catalogue service that takes applications online (it has a form). serviceId is
//                  the catalogue uuid; the slug is accepted too. version = the current form version.
//   eForm        ↔ a version of the service's form; eFormId = "{slug}@{version}" (a bare slug means
//                  the current version); schema = the form's JSON Schema of the answers.
//   application  ↔ a request of kind "application"; fileId = the request number (UR-yyyy-nnnnnnn),
//                  the request's uuid is accepted too. POST …/applications = begin + answer + submit
//                  for the applicant (formData.data are the answers, documentUrls name files uploaded
//                  through POST /documents, given to the form's file fields in order). PUT = an
//                  operator's corrected answers, appended as an action in the same status.
//                  applicationName ↔ the applicant's name; registered/created = when it was sent.
//   status       ↔ PENDING: SUBMITTED, PROCESSING · SENDBACK: EDIT, FILE_REQUESTED ·
//                  APPROVED: GRANTED, PRINTING, COMPLETED · REJECTED: REJECTED, EXPIRED.
//   task         ↔ the back-office step an open application waits on, one at a time: "review" while
//                  SUBMITTED or PROCESSING, "print" when GRANTED, "hand-over" when PRINTING; none while
//                  the applicant must act. taskId = "{number}-T{n}", n = the action that opened the step,
//                  so a completed step's id is never reused; mainTaskId = taskId (no sub-tasks).
//                  POST /tasks/{taskId}/complete with data.decision approve | reject | sendback (and
//                  data.reason) = office.act start+grant | reject | request-edit; print; complete.
//   document     ↔ an attachment kept on its own until an application names it in documentUrls.
//   statistics   ↔ applications per service received in the period, by current status.
//
// Who may call: the public parts (services, eForms, statistics) anyone. The rest a national-login
// session (a citizen: their own applications, sent for themselves; staff: their agency's, as in the
// back office; a platform administrator: all), or a bearer token equal to GOVSTACK_REGISTRATION_TOKEN,
// a named machine client (an agency's registration system) that submits for the applicant it names
// and acts in the back office of every agency, or a member's system the exchange authenticates (the
// specification declares no security of its own: GovStack leaves it to the Information Mediator, so a
// call signed by the subsystem named in Information-Mediator-Client is accepted as the Digital
// Registries API accepts it). Such a system acts for its own agency only: it submits applications to
// that agency's services and sees and works that agency's back office; a member that is no agency
// (a company) is refused. Calls with the token or through the exchange are not subject to the CSRF
// check (no cookie is involved); session calls are. Information-Mediator-Client (INSTANCE/CLASS/MEMBER/SUBSYSTEM)
// is required where the specification requires it: 400 when missing or malformed. Errors are the
// specification's systemError {traceId, code, message, localizedMessage}: 404 for unknown ids, 400 for
// bad input, never a stack trace.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isCitizen, isStaff, type Principal } from '../../kernel/auth.ts';
import type { AppContext } from '../../kernel/context.ts';
import { AppError, type FieldError } from '../../kernel/errors.ts';
import { isLang, type Lang } from '../../kernel/i18n.ts';
import { boundaryOf, parseMultipart, type MultipartForm } from '../../kernel/multipart.ts';
import type { Service } from '../catalog/index.ts';
import { checkAnswers, fileFields, type FormDefinition } from './forms.ts';
import type { Office, OfficeActionInput } from './office.ts';
import { latestAnswers, FINAL_STATUSES, type RequestStatus, type ServiceRequest } from './schema.ts';
import * as store from './store.ts';
import { sniffType, type Submissions } from './submissions.ts';

export const GOVSTACK_REGISTRATION_PREFIX = '/govstack/registration';
/** Environment variable holding the bearer token of the machine client. */
export const REGISTRATION_TOKEN_ENV = 'GOVSTACK_REGISTRATION_TOKEN';
/** The machine client as it appears in actions and the audit log. */
export const REGISTRATION_CLIENT_ID = 'govstack-registration-client';

// X-Road's identifier characters (PR-REST 4.8), and GovStack's `_` and `:` in instance and class.
const IM_CLIENT = /^[A-Za-z0-9'()+,\-.=?_:]{1,64}\/[A-Za-z0-9'()+,\-.=?_:]{1,64}\/[A-Za-z0-9'()+,\-.=?_]{1,64}\/[A-Za-z0-9'()+,\-.=?_]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUMBER = /^UR-[0-9]{4}-[0-9]{7,}$/;
const TASK = /^(UR-[0-9]{4}-[0-9]{7,})-T([0-9]{1,6})$/;
const UPLOAD_FIELD = 'govstack-upload';
// Routes anyone may call, and routes for the machine client and staff only; every other needs a caller.
const PUBLIC_ROUTES = new Set(['GET /services', 'GET /services/:serviceId', 'GET /services/:serviceId/eForms', 'GET /eForms/:eFormId', 'GET /data/statistics/1.0']);
const OPERATOR_ROUTES = new Set(['PUT /applications/:fileId', 'GET /tasks', 'GET /tasks/:taskId', 'POST /tasks/:taskId/complete', 'GET /documents/:documentId']);
const MAX_UPLOAD = 10 * 1024 * 1024;

type StatusCode = 'PENDING' | 'APPROVED' | 'SENDBACK' | 'REJECTED';
const STATUS_CODE: Record<RequestStatus, StatusCode> = {
  SUBMITTED: 'PENDING', PROCESSING: 'PENDING', EDIT: 'SENDBACK', FILE_REQUESTED: 'SENDBACK',
  GRANTED: 'APPROVED', PRINTING: 'APPROVED', COMPLETED: 'APPROVED', REJECTED: 'REJECTED', EXPIRED: 'REJECTED',
};

/** The back-office step each status waits on; absent while the applicant must act or when done. */
const STEP: Partial<Record<RequestStatus, 'review' | 'print' | 'hand-over'>> = { SUBMITTED: 'review', PROCESSING: 'review', GRANTED: 'print', PRINTING: 'hand-over' };
const STEP_TEXT = {
  review: { mn: 'Өргөдлийг хянаж шийдвэрлэх: зөвшөөрөх, татгалзах эсвэл засуулахаар буцаах', en: 'Review the application and decide: approve, reject or send back' },
  print: { mn: 'Шийдвэрийн баримтыг хэвлэх', en: 'Print the result document' },
  'hand-over': { mn: 'Үр дүнг хүлээлгэн өгч хэргийг хаах', en: 'Hand over the result and close the file' },
};
const TASK_STATUSES = Object.keys(STEP) as RequestStatus[];

/** A caller the exchange authenticated: its subsystem, or a refusal in the caller's words. */
export type ExchangeAuthentication = { client: string } | { refused: string };

export interface GovstackRegistrationDeps {
  submissions: Submissions;
  office: Office;
  /**
   * Authenticates a call as the exchange would (signature and digest over the received bytes, TLS or
   * local mode, as the subsystem is registered); absent where no exchange is wired.
   */
  authenticateExchangeCaller?: (request: FastifyRequest, body: Buffer | undefined, clientHeader: string) => Promise<ExchangeAuthentication>;
  /** The agency behind an exchange member code (the agency's id without hyphens). */
  agencyOfMember?: (memberCode: string) => Promise<{ id: string; name: { mn: string; en: string } } | undefined>;
}

interface Caller {
  principal: Principal;
  /** True for a machine caller: the token client or a system the exchange authenticated. */
  client: boolean;
  /** How a machine caller was authenticated; the token client acts for every agency, an exchange member for its own. */
  via?: 'token' | 'exchange';
}

// The bytes of a call that may be authenticated by the exchange, as received: its digest covers them.
const receivedBodies = new WeakMap<FastifyRequest, Buffer>();

/** True when the call can only be an exchange member's: no token and no session, but a client header. */
function exchangeCall(request: FastifyRequest): boolean {
  return !request.headers.authorization && !request.principal && typeof request.headers['information-mediator-client'] === 'string';
}

interface ApplicationBody {
  applicationName?: string;
  applicantId: string;
  created?: string;
  formData?: { data?: Record<string, unknown>; eFormId?: string };
  documentUrls?: string[];
}

const ApplicationSubmit = {
  type: 'object',
  required: ['applicantId'],
  properties: {
    applicationName: { type: 'string', maxLength: 200 },
    applicantId: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[\\p{L}\\p{N}._:-]+$' },
    created: { type: 'string', maxLength: 40 },
    formData: { type: 'object', properties: { data: { type: 'object', maxProperties: 100 }, eFormId: { type: 'string', maxLength: 120 } } },
    documentUrls: { type: 'array', maxItems: 10, items: { type: 'string', maxLength: 500 } },
  },
} as const;

const pageQuery = {
  firstResult: { type: 'integer', minimum: 0, maximum: 100_000 },
  maxResult: { type: 'integer', minimum: 1, maximum: 200 },
  sortBy: { type: 'string', enum: ['created', 'registered', 'status'] },
  sortOrder: { type: 'string', enum: ['asc', 'desc', 'ASC', 'DESC'] },
} as const;

const langOf = (request: FastifyRequest): Lang => (isLang(request.lang) ? request.lang : 'mn');

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

function digestEqual(a: string, b: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** Registers GovStack's Registration API over our services, forms, applications and back office. */
export function registerGovstackRegistration(app: FastifyInstance, ctx: AppContext, { submissions, office, authenticateExchangeCaller, agencyOfMember }: GovstackRegistrationDeps): void {
  const { db } = ctx;
  const token = ctx.config.govstackRegistrationToken;
  const clientPrincipal: Principal = { id: REGISTRATION_CLIENT_ID, name: 'GovStack Registration client', kind: 'official', roles: ['platform-admin'], agencyId: null };
  const base = `${ctx.config.baseUrl}${GOVSTACK_REGISTRATION_PREFIX}`;

  // Each request's caller, found once: by the hook before validation, then read by the handler.
  const callers = new WeakMap<FastifyRequest, Promise<Caller>>();

  /** The caller: the machine client, a session, an exchange member's system, or nobody. A wrong token or signature is refused outright. */
  async function callerOf(request: FastifyRequest): Promise<Caller | undefined> {
    const presented = /^Bearer\s+(\S+)$/i.exec(String(request.headers.authorization ?? ''))?.[1];
    if (presented !== undefined) {
      if (token && digestEqual(presented, token)) return { principal: clientPrincipal, client: true, via: 'token' };
      throw new AppError('UNAUTHENTICATED');
    }
    if (request.principal) return { principal: request.principal, client: false };
    if (!exchangeCall(request) || !authenticateExchangeCaller) return undefined;
    const header = requireImClient(request);
    // The signature covers X-Road-Client: a call naming two different clients is nobody's.
    const xroadClient = request.headers['x-road-client'];
    if (xroadClient !== undefined && xroadClient !== header) throw new AppError('REGISTRATION_EXCHANGE_REFUSED', { reason: 'X-Road-Client and Information-Mediator-Client name different clients' });
    const authenticated = await authenticateExchangeCaller(request, receivedBodies.get(request), header);
    if ('refused' in authenticated) throw new AppError('REGISTRATION_EXCHANGE_REFUSED', { reason: authenticated.refused.slice(0, 300) });
    const memberCode = authenticated.client.split('/')[2] ?? '';
    const agency = await agencyOfMember?.(memberCode);
    // A member's system is the agency's officer in the back office; a member that is no agency gets no role.
    return {
      principal: { id: `exchange:${authenticated.client}`, name: agency?.name.en ?? authenticated.client, kind: 'official', roles: agency ? ['officer'] : [], agencyId: agency?.id ?? null },
      client: true,
      via: 'exchange',
    };
  }

  /** Signed in (token, session or exchange); a session's form or multipart post must carry our CSRF token. */
  async function signedIn(request: FastifyRequest): Promise<Caller> {
    let known = callers.get(request);
    if (!known) callers.set(request, (known = checkedCaller(request)));
    return known;
  }

  async function checkedCaller(request: FastifyRequest): Promise<Caller> {
    const caller = await callerOf(request);
    if (!caller) throw new AppError('UNAUTHENTICATED');
    if (!caller.client && request.method !== 'GET') {
      const type = String(request.headers['content-type'] ?? '');
      if (request.headers['sec-fetch-site'] === 'cross-site') throw new AppError('CSRF_INVALID');
      const origin = request.headers.origin;
      if (origin && !sameHost(origin, request.headers.host)) throw new AppError('CSRF_INVALID');
      if (type.startsWith('application/x-www-form-urlencoded') || type.startsWith('multipart/form-data')) {
        const body = request.body as (Record<string, unknown> & Partial<MultipartForm>) | undefined;
        const token = body?.fields?._csrf ?? body?._csrf;
        if (!request.csrfTokenValid(token)) throw new AppError('CSRF_INVALID');
      }
    }
    return caller;
  }

  /** The machine client, or staff of any agency (the office scopes them to their own). */
  async function operator(request: FastifyRequest): Promise<Caller> {
    const caller = await signedIn(request);
    if (caller.via !== 'token' && !isStaff(caller.principal)) throw new AppError('FORBIDDEN');
    return caller;
  }

  function requireImClient(request: FastifyRequest): string {
    const value = request.headers['information-mediator-client'];
    if (typeof value !== 'string' || value.length > 300 || !IM_CLIENT.test(value)) {
      throw new AppError('IM_CLIENT_INVALID');
    }
    return value;
  }

  /** An application service by uuid or slug, or 404. */
  async function serviceFor(serviceId: string): Promise<{ form: FormDefinition; service: Service }> {
    const found = (await submissions.available()).find(({ service }) => service.id === serviceId.toLowerCase() || service.slug === serviceId);
    if (!found) throw new AppError('SERVICE_NOT_FOUND', { id: serviceId.slice(0, 80) });
    return found;
  }

  const eFormId = (slug: string, version: number) => `${slug}@${version}`;

  function serviceView({ form, service }: { form: FormDefinition; service: Service }, lang: Lang) {
    return { id: service.id, name: service.name[lang], version: String(form.version), type: 'Public', isExecutable: true, isClosed: false, description: service.summary[lang] };
  }

  const statusOf = (status: RequestStatus, lang: Lang) => ({ code: STATUS_CODE[status], title: ctx.i18n.translator(lang)(`applications.status.${status}`) });

  /** The latest answers, whoever gave them (the applicant, or an operator's correction). */
  const answersOf = (found: ServiceRequest) => latestAnswers(found);
  const formVersionOf = (found: ServiceRequest) => Number(found.actions.findLast((action) => action.details.formVersion !== undefined)?.details.formVersion ?? 1);

  async function documentUrlsOf(found: ServiceRequest): Promise<string[]> {
    return (await submissions.attachments(found.id)).map((file) => `${ctx.config.baseUrl}/en/office/requests/${found.number}/files/${file.id}`);
  }

  /** The open back-office step: its name and the index of the action that opened it. */
  function openTask(found: ServiceRequest): { taskId: string; step: 'review' | 'print' | 'hand-over'; opened: number } | undefined {
    const step = STEP[found.status];
    if (!step || found.kind !== 'application') return undefined;
    let opened = found.actions.length - 1;
    while (opened > 0 && STEP[found.actions[opened - 1]!.status] === step) opened -= 1;
    return { taskId: `${found.number}-T${opened + 1}`, step, opened };
  }

  async function applicationView(found: ServiceRequest, lang: Lang) {
    const service = await submissions.form(found.serviceSlug).then((item) => item.service).catch(() => undefined);
    return {
      fileId: found.number,
      registered: found.createdAt,
      serviceId: service?.id ?? found.serviceSlug,
      serviceName: service?.name[lang] ?? found.serviceSlug,
      status: statusOf(found.status, lang),
      ended: FINAL_STATUSES.includes(found.status),
      applicationData: {
        applicationName: found.subjectName,
        applicantId: found.subject,
        created: found.createdAt,
        formData: { data: answersOf(found), eFormId: eFormId(found.serviceSlug, formVersionOf(found)) },
        documentUrls: await documentUrlsOf(found),
      },
    };
  }

  /** A request number from a fileId (number or uuid); undefined when it cannot be one. */
  async function numberOf(fileId: string): Promise<string | undefined> {
    if (NUMBER.test(fileId)) return fileId;
    if (UUID.test(fileId)) return (await store.findRequestKey(db, fileId.toLowerCase()))?.number;
    return undefined;
  }

  /** An application the caller may see: their own (citizen), their agency's (staff), any (client, platform). */
  async function visible(caller: Caller, fileId: string): Promise<ServiceRequest> {
    const number = await numberOf(fileId);
    if (!number) throw new AppError('REQUEST_NOT_FOUND', { number: fileId.slice(0, 40) });
    if (caller.via === 'token' || isStaff(caller.principal)) return office.request(caller.principal, number);
    if (!isCitizen(caller.principal)) throw new AppError('FORBIDDEN');
    const found = await submissions.requestOf(caller.principal, number);
    if (found.kind !== 'application') throw new AppError('REQUEST_NOT_FOUND', { number });
    return found;
  }

  /** Application numbers by filter, newest first unless asked otherwise. */
  async function findNumbers(filter: { slug?: string; subject?: string; agencyId?: string; number?: string; assignedTo?: string; statuses?: RequestStatus[]; offset: number; limit: number; sortBy?: string; sortOrder?: string }): Promise<string[]> {
    const where = ["s.kind = 'application'"];
    const params: unknown[] = [];
    if (filter.slug) where.push(`r.service_slug = $${params.push(filter.slug)}`);
    if (filter.subject) where.push(`s.subject = $${params.push(filter.subject)}`);
    if (filter.agencyId) where.push(`s.agency_id = $${params.push(filter.agencyId)}`);
    if (filter.number) where.push(`r.number = $${params.push(filter.number)}`);
    if (filter.assignedTo) where.push(`s.assigned_to = $${params.push(filter.assignedTo)}`);
    if (filter.statuses) where.push(`s.status = ANY($${params.push(filter.statuses)}::text[])`);
    const column = filter.sortBy === 'status' ? 's.status' : filter.sortBy === 'registered' ? 'r.created_at' : 's.submitted_at';
    const order = filter.sortOrder?.toLowerCase() === 'asc' ? 'ASC' : 'DESC';
    const { rows } = await db.query<{ number: string }>(
      `SELECT r.number FROM applications.requests r JOIN applications.request_state s ON s.request_id = r.id WHERE ${where.join(' AND ')} ORDER BY ${column} ${order}, r.number ${order} LIMIT ${Math.trunc(filter.limit)} OFFSET ${Math.trunc(filter.offset)}`,
      params,
    );
    return rows.map((row) => row.number);
  }

  async function requestsByNumber(numbers: string[]): Promise<ServiceRequest[]> {
    const found: ServiceRequest[] = [];
    for (const number of numbers) {
      const item = await store.findRequestByNumber(db, number);
      if (item) found.push(item);
    }
    return found;
  }

  /** Who sees which applications in lists: the client and a platform administrator all, staff their agency's, a citizen their own. */
  function listScope(caller: Caller): { agencyId?: string; subject?: string } {
    if (caller.via === 'token' || caller.principal.roles.includes('platform-admin')) return {};
    if (isStaff(caller.principal)) return { agencyId: office.agencyOf(caller.principal) };
    if (isCitizen(caller.principal)) return { subject: caller.principal.registerNumber! };
    throw new AppError('FORBIDDEN');
  }

  async function taskView(found: ServiceRequest, lang: Lang) {
    const task = openTask(found)!;
    const service = await submissions.form(found.serviceSlug).then((item) => item.service).catch(() => undefined);
    return {
      taskId: task.taskId,
      mainTaskId: task.taskId,
      name: task.step,
      assigneeId: found.assignedTo ?? '',
      roleId: task.step === 'review' ? 'officer' : 'supervisor',
      created: found.actions[task.opened]?.at ?? found.updatedAt,
      description: STEP_TEXT[task.step][lang],
      serviceId: service?.id ?? found.serviceSlug,
      serviceName: service?.name[lang] ?? found.serviceSlug,
      fileId: found.number,
      eFormId: eFormId(found.serviceSlug, formVersionOf(found)),
      status: statusOf(found.status, lang),
    };
  }

  /** The task the caller may act on, or 404 when it is unknown, done, or another agency's. */
  async function visibleTask(caller: Caller, taskId: string): Promise<ServiceRequest> {
    const match = TASK.exec(taskId);
    if (!match) throw new AppError('REGISTRATION_TASK_NOT_FOUND', { id: taskId.slice(0, 60) });
    const found = await office.request(caller.principal, match[1]!).catch((error: unknown) => {
      throw error instanceof AppError && error.code === 'REQUEST_NOT_FOUND' ? new AppError('REGISTRATION_TASK_NOT_FOUND', { id: taskId }) : error;
    });
    if (openTask(found)?.taskId !== taskId) throw new AppError('REGISTRATION_TASK_NOT_FOUND', { id: taskId });
    return found;
  }

  function systemError(request: FastifyRequest, code: string, message: string, localized: string, fields?: FieldError[]) {
    return { traceId: String(request.id), code, message, localizedMessage: localized, ...(fields?.length ? { fields } : {}) };
  }

  app.register(async (scope) => {
    scope.setErrorHandler((error: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply) => {
      const lang = langOf(request);
      if (error instanceof AppError) {
        if (error.status === 401) reply.header('www-authenticate', 'Bearer');
        return reply.status(error.status).send(systemError(request, error.code, error.text('en'), error.text(lang), error.fieldErrors));
      }
      const given = (error as FastifyError).statusCode;
      const status = given && given >= 400 && given < 500 ? given : 500;
      if (status === 500) {
        ctx.log.error({ err: error }, 'govstack registration request failed');
        const internal = new AppError('INTERNAL');
        return reply.status(500).send(systemError(request, 'INTERNAL', internal.text('en'), internal.text(lang)));
      }
      const detail = error.message.slice(0, 300);
      return reply.status(status).send(systemError(request, status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'VALIDATION_FAILED', detail, detail));
    });

    // Uploads arrive as multipart (the specification) or as a plain form; both are read here.
    scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: MAX_UPLOAD + 256 * 1024 }, (request, body, done) => {
      const boundary = boundaryOf(request.headers['content-type']);
      const parsed = boundary ? parseMultipart(body as Buffer, boundary) : undefined;
      if (!parsed) {
        const error = new Error('The multipart body could not be read') as FastifyError;
        error.statusCode = 400;
        done(error, undefined);
        return;
      }
      done(null, parsed);
    });

    // A call that can only be an exchange member's keeps its bytes, for the exchange to check its digest.
    scope.addHook('preParsing', async (request, _reply, payload) => {
      if (!exchangeCall(request)) return payload;
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of payload) {
        size += (chunk as Buffer).length;
        if (size > MAX_UPLOAD + 256 * 1024) throw Object.assign(new Error('The body is too large'), { statusCode: 413 });
        chunks.push(chunk as Buffer);
      }
      const received = Buffer.concat(chunks);
      receivedBodies.set(request, received);
      return Readable.from([received]);
    });

    // Who calls is settled before the body is validated, so a caller who may not call learns nothing
    // of the fields; the public parts (services, forms, statistics) need no caller.
    scope.addHook('preValidation', async (request) => {
      const route = `${request.method} ${request.routeOptions.url?.slice(GOVSTACK_REGISTRATION_PREFIX.length) ?? ''}`;
      if (PUBLIC_ROUTES.has(route)) return;
      if (OPERATOR_ROUTES.has(route)) await operator(request);
      else await signedIn(request);
    });

    const tags = ['govstack-registration'];
    const csrfOff = { csrf: false };

    scope.get('/services', {
      schema: { tags, summary: 'GovStack Registration: services that take applications online', querystring: { type: 'object', properties: { name: { type: 'string', maxLength: 200 } } } },
    }, async (request) => {
      const lang = langOf(request);
      const name = ((request.query as { name?: string }).name ?? '').trim().toLowerCase();
      return (await submissions.available())
        .filter(({ service }) => !name || service.name.mn.toLowerCase().includes(name) || service.name.en.toLowerCase().includes(name) || service.slug.includes(name))
        .map((item) => serviceView(item, lang));
    });

    const serviceParams = { type: 'object', required: ['serviceId'], properties: { serviceId: { type: 'string', maxLength: 100 } } } as const;

    scope.get('/services/:serviceId', { schema: { tags, summary: 'GovStack Registration: a service (catalogue uuid or slug)', params: serviceParams } }, async (request) =>
      serviceView(await serviceFor((request.params as { serviceId: string }).serviceId), langOf(request)));

    scope.get('/services/:serviceId/eForms', { schema: { tags, summary: 'GovStack Registration: the versions of a service’s form', params: serviceParams } }, async (request) => {
      const lang = langOf(request);
      const { form, service } = await serviceFor((request.params as { serviceId: string }).serviceId);
      const versions: FormDefinition[] = [];
      for (let version = form.version; version >= 1; version -= 1) {
        const definition = version === form.version ? form : await store.formVersion(db, form.slug, version);
        if (definition) versions.push(definition);
      }
      return versions.map((definition) => ({ eFormId: eFormId(form.slug, definition.version), name: service.name[lang], description: service.summary[lang], version: String(definition.version), latest: definition.version === form.version }));
    });

    scope.get('/eForms/:eFormId', {
      schema: { tags, summary: 'GovStack Registration: a form version with its JSON Schema ({slug}@{version})', params: { type: 'object', required: ['eFormId'], properties: { eFormId: { type: 'string', maxLength: 120 } } } },
    }, async (request) => {
      const lang = langOf(request);
      const id = (request.params as { eFormId: string }).eFormId;
      const match = /^([a-z0-9]+(?:-[a-z0-9]+)*)(?:@([0-9]{1,6}))?$/.exec(id);
      const found = match ? await serviceFor(match[1]!).catch(() => undefined) : undefined;
      const definition = found && match?.[2] ? await store.formVersion(db, found.form.slug, Number(match[2])) : found?.form;
      if (!found || !definition) throw new AppError('REGISTRATION_EFORM_NOT_FOUND', { id: id.slice(0, 120) });
      return { eFormId: eFormId(definition.slug, definition.version), name: found.service.name[lang], description: found.service.summary[lang], version: String(definition.version), latest: definition.version === found.form.version, schema: definition.schema };
    });

    scope.post('/services/:serviceId/applications', {
      config: csrfOff,
      bodyLimit: 256 * 1024,
      schema: { tags, summary: 'GovStack Registration: send an application for the applicant (begin, answer, submit)', params: serviceParams, body: ApplicationSubmit },
    }, async (request) => {
      const caller = await signedIn(request);
      const client = requireImClient(request);
      const lang = langOf(request);
      const body = request.body as ApplicationBody;
      const { form, service } = await serviceFor((request.params as { serviceId: string }).serviceId);
      let applicant: Principal;
      if (caller.via === 'exchange' && (!caller.principal.agencyId || caller.principal.agencyId !== service.agency.id)) {
        // A member's system sends applications to its own agency's services only.
        throw new AppError('FORBIDDEN');
      }
      if (caller.client) {
        // The registration system vouches for the applicant it names, as the specification has it.
        applicant = { id: caller.via === 'exchange' ? caller.principal.id : REGISTRATION_CLIENT_ID, name: body.applicationName?.trim() || body.applicantId, kind: 'citizen', roles: ['citizen'], agencyId: null, registerNumber: body.applicantId };
      } else if (isCitizen(caller.principal) && !isStaff(caller.principal)) {
        if (body.applicantId !== caller.principal.registerNumber) throw new AppError('FORBIDDEN');
        applicant = caller.principal;
      } else {
        // Officials send applications at a service centre through the back office, not as applicants.
        throw new AppError('FORBIDDEN');
      }
      const wanted = body.formData?.eFormId;
      if (wanted && wanted !== form.slug && wanted !== eFormId(form.slug, form.version)) {
        throw new AppError('VALIDATION_FAILED', { detail: `formData.eFormId: applications are made with the current form, ${eFormId(form.slug, form.version)}` });
      }
      const uploads = [];
      for (const url of body.documentUrls ?? []) {
        const id = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i.exec(url)?.[1]?.toLowerCase();
        const file = id ? await submissions.attachment(id) : undefined;
        if (!file || file.field !== UPLOAD_FIELD) throw new AppError('VALIDATION_FAILED', { detail: `documentUrls: ${url.slice(0, 100)} is not a document uploaded through /documents` });
        uploads.push(file);
      }
      const slots = fileFields(form);
      if (uploads.length > slots.length) throw new AppError('VALIDATION_FAILED', { detail: `documentUrls: this form takes ${slots.length} document(s): ${slots.join(', ') || 'none'}` });
      const data = body.formData?.data ?? {};
      // A machine client names the applicant but holds no consent of theirs: no registry facts are read for it.
      const draft = await submissions.begin(form.slug, applicant, undefined, { facts: !caller.client });
      const raw = Object.fromEntries(Object.entries(data).map(([key, value]) => [key, typeof value === 'boolean' ? (value ? 'yes' : '') : value]));
      const errors = await submissions.answer(draft.id, applicant, Object.keys(draft.form.fields), raw, lang);
      for (const [index, file] of uploads.entries()) errors.push(...(await submissions.attach(draft.id, applicant, slots[index]!, { filename: file.filename, contentType: file.content_type, data: file.data }, lang)));
      for (const problem of submissions.problems(await submissions.draft(draft.id, applicant), lang)) if (!errors.some((error) => error.field === problem.field)) errors.push(problem);
      if (errors.length) throw new AppError('APPLICATION_ANSWERS_INVALID', {}, errors);
      const sent = await submissions.submit(draft.id, applicant, lang, 'api', request.id);
      if (caller.client) {
        await ctx.audit.record(db, caller.principal, { action: 'govstack.application-submitted', subjectType: 'request', subjectId: sent.number, details: { service: service.slug, client } }, request.id);
      }
      return applicationView(sent, lang);
    });

    scope.get('/applications', {
      schema: {
        tags, summary: 'GovStack Registration: applications the caller may see',
        querystring: { type: 'object', properties: { serviceId: { type: 'string', maxLength: 100 }, applicantId: { type: 'string', maxLength: 64 }, ...pageQuery } },
      },
    }, async (request) => {
      const caller = await signedIn(request);
      requireImClient(request);
      const lang = langOf(request);
      const query = request.query as { serviceId?: string; applicantId?: string; firstResult?: number; maxResult?: number; sortBy?: string; sortOrder?: string };
      const scopeOf = listScope(caller);
      if (scopeOf.subject && query.applicantId && query.applicantId !== scopeOf.subject) return [];
      let slug: string | undefined;
      if (query.serviceId) {
        const found = await serviceFor(query.serviceId).catch(() => undefined);
        if (!found) return [];
        slug = found.service.slug;
      }
      const numbers = await findNumbers({ ...scopeOf, ...(scopeOf.subject ? {} : query.applicantId ? { subject: query.applicantId } : {}), ...(slug ? { slug } : {}), offset: query.firstResult ?? 0, limit: query.maxResult ?? 50, ...(query.sortBy ? { sortBy: query.sortBy } : {}), ...(query.sortOrder ? { sortOrder: query.sortOrder } : {}) });
      const items = [];
      for (const found of await requestsByNumber(numbers)) {
        const view = await applicationView(found, lang);
        const task = openTask(found);
        items.push({
          fileId: view.fileId,
          ...(task ? { mainTaskId: task.taskId, taskTitle: STEP_TEXT[task.step][lang] } : {}),
          ...(found.assignedTo ? { assigneeId: found.assignedTo } : {}),
          status: view.status,
          applicantId: found.subject,
          created: found.createdAt,
          registered: found.createdAt,
          serviceName: view.serviceName,
          serviceId: view.serviceId,
          eformId: view.applicationData.formData.eFormId,
          documentUrls: view.applicationData.documentUrls,
        });
      }
      return items;
    });

    const fileParams = { type: 'object', required: ['fileId'], properties: { fileId: { type: 'string', maxLength: 60 } } } as const;

    scope.get('/applications/:fileId', { schema: { tags, summary: 'GovStack Registration: an application (request number or id)', params: fileParams } }, async (request) => {
      const caller = await signedIn(request);
      requireImClient(request);
      return applicationView(await visible(caller, (request.params as { fileId: string }).fileId), langOf(request));
    });

    scope.put('/applications/:fileId', {
      config: csrfOff,
      bodyLimit: 256 * 1024,
      schema: { tags, summary: 'GovStack Registration: an operator’s corrected answers, appended to the application', params: fileParams, body: ApplicationSubmit },
    }, async (request) => {
      const caller = await operator(request);
      const client = requireImClient(request);
      const lang = langOf(request);
      const body = request.body as ApplicationBody;
      const found = await visible(caller, (request.params as { fileId: string }).fileId);
      if (body.applicantId !== found.subject) throw new AppError('VALIDATION_FAILED', { detail: 'applicantId: not the applicant of this application' });
      if (body.documentUrls?.length) throw new AppError('VALIDATION_FAILED', { detail: 'documentUrls: documents are added by the applicant when the officer asks for them' });
      if (FINAL_STATUSES.includes(found.status)) throw new AppError('ACTION_NOT_ALLOWED', { action: 'update', state: found.status, allowed: '—' });
      const definition = await submissions.formOf(found);
      if (!definition) throw new AppError('REQUEST_NOT_FOUND', { number: found.number });
      const changes = Object.fromEntries(Object.entries(body.formData?.data ?? {}).map(([key, value]) => [key, typeof value === 'boolean' ? (value ? 'yes' : '') : value]));
      const { answers, errors } = checkAnswers(definition, { ...answersOf(found), ...changes }, lang);
      if (errors.length) throw new AppError('APPLICATION_ANSWERS_INVALID', {}, errors);
      const updated = await submissions.transition(found, found.status, caller.principal, { answers, formVersion: definition.version, correctedBy: 'operator', client });
      return applicationView(updated, lang);
    });

    scope.get('/tasks', {
      schema: {
        tags, summary: 'GovStack Registration: the open back-office steps of applications',
        querystring: { type: 'object', properties: { mainTaskId: { type: 'string', maxLength: 60 }, fileId: { type: 'string', maxLength: 60 }, assigneeId: { type: 'string', maxLength: 100 }, ...pageQuery } },
      },
    }, async (request) => {
      const caller = await operator(request);
      const lang = langOf(request);
      const query = request.query as { mainTaskId?: string; fileId?: string; assigneeId?: string; firstResult?: number; maxResult?: number; sortBy?: string; sortOrder?: string };
      const fromTask = query.mainTaskId ? TASK.exec(query.mainTaskId)?.[1] : undefined;
      if (query.mainTaskId && !fromTask) return [];
      const fromFile = query.fileId ? await numberOf(query.fileId) : undefined;
      if ((query.fileId && !fromFile) || (fromTask && fromFile && fromTask !== fromFile)) return [];
      const number = fromTask ?? fromFile;
      const numbers = await findNumbers({ ...listScope(caller), ...(number ? { number } : {}), ...(query.assigneeId ? { assignedTo: query.assigneeId } : {}), statuses: TASK_STATUSES, offset: query.firstResult ?? 0, limit: query.maxResult ?? 50, ...(query.sortBy ? { sortBy: query.sortBy } : {}), ...(query.sortOrder ? { sortOrder: query.sortOrder } : {}) });
      const items = [];
      for (const found of await requestsByNumber(numbers)) {
        const task = openTask(found);
        if (!task || (query.mainTaskId && task.taskId !== query.mainTaskId)) continue;
        items.push(await taskView(found, lang));
      }
      return items;
    });

    const taskParams = { type: 'object', required: ['taskId'], properties: { taskId: { type: 'string', maxLength: 60 } } } as const;

    scope.get('/tasks/:taskId', { schema: { tags, summary: 'GovStack Registration: an open step with the application’s answers', params: taskParams } }, async (request) => {
      const caller = await operator(request);
      const lang = langOf(request);
      const found = await visibleTask(caller, (request.params as { taskId: string }).taskId);
      const view = await taskView(found, lang);
      const answers = answersOf(found);
      return {
        taskId: view.taskId, taskName: view.name, assigneeId: view.assigneeId, roleId: view.roleId, created: view.created, description: view.description,
        fileId: view.fileId, serviceId: view.serviceId, serviceName: view.serviceName, eFormId: view.eFormId,
        formVariables: answers, status: view.status, data: { applicantId: found.subject, applicationName: found.subjectName, paid: found.paid, dueAt: found.dueAt },
      };
    });

    scope.post('/tasks/:taskId/complete', {
      config: csrfOff,
      bodyLimit: 64 * 1024,
      schema: { tags, summary: 'GovStack Registration: complete a step (data.decision approve | reject | sendback, data.reason)', params: taskParams, body: { type: 'object', properties: { data: { type: 'object', maxProperties: 50 } } } },
    }, async (request) => {
      const caller = await operator(request);
      const lang = langOf(request);
      const taskId = (request.params as { taskId: string }).taskId;
      let found = await visibleTask(caller, taskId);
      const data = (request.body as { data?: Record<string, unknown> } | undefined)?.data ?? {};
      const pick = (...names: string[]) => names.map((name) => data[name]).find((value): value is string => typeof value === 'string' && value.trim() !== '')?.trim();
      const decision = pick('decision', 'action', 'status', 'code')?.toLowerCase().replace(/[\s_-]/g, '');
      const text = pick('reason', 'comment', 'message', 'text', 'note');
      const act = (input: OfficeActionInput) => office.act(caller.principal, found.number, input, lang, request.id);
      const step = openTask(found)!.step;
      if (step === 'review') {
        if (decision === 'approve' || decision === 'approved' || decision === 'grant' || decision === 'granted') {
          if (found.status === 'SUBMITTED') found = await act({ action: 'start' });
          found = await act({ action: 'grant', ...(text ? { text } : {}) });
        } else if (decision === 'reject' || decision === 'rejected') {
          found = await act({ action: 'reject', ...(text ? { text } : {}) });
        } else if (decision === 'sendback' || decision === 'edit' || decision === 'requestedit') {
          if (found.status === 'SUBMITTED') found = await act({ action: 'start' });
          found = await act({ action: 'request-edit', ...(text ? { text } : {}) });
        } else {
          throw new AppError('VALIDATION_FAILED', { detail: 'data.decision must be approve, reject or sendback' });
        }
      } else {
        if (decision && !['approve', 'approved', 'done', 'complete', 'completed'].includes(decision)) throw new AppError('VALIDATION_FAILED', { detail: `data.decision: the ${step} step can only be completed` });
        found = await act({ action: step === 'print' ? 'print' : 'complete', ...(text ? { text } : {}) });
      }
      const view = await applicationView(found, lang);
      return { taskId, fileId: found.number, serviceId: view.serviceId, status: view.status, variables: {} };
    });

    scope.post('/documents', {
      config: csrfOff,
      schema: { tags, summary: 'GovStack Registration: upload a document (multipart "file"); name it in an application’s documentUrls', querystring: { type: 'object', properties: { additionalMetadata: { type: 'string', maxLength: 500 } } } },
    }, async (request) => {
      const caller = await signedIn(request);
      const body = request.body as (MultipartForm & Record<string, unknown>) | undefined;
      let file: { filename: string; contentType: string; data: Buffer } | undefined;
      if (body?.files) {
        const part = body.files.file ?? Object.values(body.files)[0];
        if (part) file = part;
        else if (body.fields.file) file = { filename: 'document', contentType: '', data: Buffer.from(body.fields.file, 'utf8') };
      } else if (body && typeof body.file === 'string') {
        file = { filename: 'document', contentType: '', data: Buffer.from(body.file, 'utf8') };
      }
      if (!file || file.data.length === 0) throw new AppError('VALIDATION_FAILED', { detail: 'file: a non-empty multipart/form-data part named "file" is required' });
      if (file.data.length > MAX_UPLOAD) throw new AppError('BODY_TOO_LARGE');
      const given = file.contentType.toLowerCase();
      const contentType = sniffType(file.data) ?? (/^[a-z0-9.+-]{1,60}\/[a-z0-9.+-]{1,80}$/.test(given) ? given : 'application/octet-stream');
      const id = randomUUID();
      const metadata = (request.query as { additionalMetadata?: string }).additionalMetadata;
      await db.transaction(async (tx) => {
        // A document not yet named by an application owns itself.
        await store.insertAttachment(tx, { id, owner_id: id, field: UPLOAD_FIELD, filename: file.filename.replace(/[^\p{L}\p{N}._ -]/gu, '_').slice(0, 120) || 'document', content_type: contentType, size: file.data.length, sha256: createHash('sha256').update(file.data).digest('hex'), data: file.data });
        await ctx.audit.record(tx, caller.principal, { action: 'govstack.document-uploaded', subjectType: 'attachment', subjectId: id, details: { size: file.data.length, contentType, ...(metadata ? { metadata } : {}) } }, request.id);
      });
      return { code: 200, type: contentType, message: `${file.data.length} bytes uploaded`, url: `${base}/documents/${id}` };
    });

    scope.get('/documents/:documentId', {
      schema: { tags, summary: 'GovStack Registration: an uploaded document (the client and staff)', params: { type: 'object', required: ['documentId'], properties: { documentId: { type: 'string', maxLength: 40 } } } },
    }, async (request, reply) => {
      await operator(request);
      const id = (request.params as { documentId: string }).documentId;
      const file = UUID.test(id) ? await submissions.attachment(id.toLowerCase()) : undefined;
      if (!file || file.field !== UPLOAD_FIELD) throw new AppError('REGISTRATION_DOCUMENT_NOT_FOUND');
      return reply.type(file.content_type).header('content-disposition', `attachment; filename="${file.filename.replace(/[^A-Za-z0-9._ -]/g, '_')}"`).send(file.data);
    });

    scope.get('/data/statistics/1.0', {
      schema: {
        tags, summary: 'GovStack Registration: applications per service received in a period, by outcome',
        querystring: {
          type: 'object',
          properties: {
            startDate: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }, endDate: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' },
            registrationName: { type: 'string', maxLength: 200 }, operator: { type: 'string', maxLength: 100 }, role: { type: 'string', maxLength: 100 },
            timeframe: { type: 'string', enum: ['day', 'week', 'month', 'year'] },
          },
        },
      },
    }, async (request) => {
      requireImClient(request);
      const query = request.query as { startDate?: string; endDate?: string; registrationName?: string; operator?: string; role?: string; timeframe?: 'day' | 'week' | 'month' | 'year' };
      const day = (value: string, field: string) => {
        const date = new Date(`${value}T00:00:00Z`);
        if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) throw new AppError('VALIDATION_FAILED', { detail: `${field}: not a date` });
        return date;
      };
      const end = query.endDate ? new Date(day(query.endDate, 'endDate').getTime() + 86_400_000) : undefined;
      let start = query.startDate ? day(query.startDate, 'startDate') : undefined;
      if (!start && query.timeframe) {
        start = new Date(end ?? Date.now());
        if (query.timeframe === 'day') start.setUTCDate(start.getUTCDate() - 1);
        else if (query.timeframe === 'week') start.setUTCDate(start.getUTCDate() - 7);
        else if (query.timeframe === 'month') start.setUTCMonth(start.getUTCMonth() - 1);
        else start.setUTCFullYear(start.getUTCFullYear() - 1);
      }
      if (start && end && start >= end) throw new AppError('VALIDATION_FAILED', { detail: 'startDate must not be after endDate' });
      const name = query.registrationName?.trim().toLowerCase();
      const services = (await submissions.available()).filter(({ service }) => !name || service.slug === name || service.id === name || service.name.en.toLowerCase() === name || service.name.mn.toLowerCase() === name);
      if (!services.length) throw new AppError('SERVICE_NOT_FOUND', { id: String(query.registrationName).slice(0, 80) });
      const { rows } = await db.query<{ slug: string; status: RequestStatus; n: string }>(
        `SELECT r.service_slug AS slug, s.status, count(*)::text AS n FROM applications.request_state s JOIN applications.requests r ON r.id = s.request_id
         WHERE s.kind = 'application' AND ($1::timestamptz IS NULL OR s.submitted_at >= $1::timestamptz) AND ($2::timestamptz IS NULL OR s.submitted_at < $2::timestamptz) AND ($3::text IS NULL OR s.assigned_to = $3::text)
         GROUP BY r.service_slug, s.status`,
        [start?.toISOString() ?? null, end?.toISOString() ?? null, query.operator ?? null],
      );
      return services.map(({ service }) => {
        const count = (codes: StatusCode[]) => rows.filter((row) => row.slug === service.slug && codes.includes(STATUS_CODE[row.status])).reduce((sum, row) => sum + Number(row.n), 0);
        return {
          processed: count(['PENDING', 'APPROVED', 'SENDBACK', 'REJECTED']),
          approved: count(['APPROVED']),
          sentBack: count(['SENDBACK']),
          rejected: count(['REJECTED']),
          references: {
            ...(start ? { startDate: start.toISOString().slice(0, 10) } : {}),
            ...(end ? { endDate: new Date(end.getTime() - 86_400_000).toISOString().slice(0, 10) } : {}),
            registrationName: service.slug,
            ...(query.operator ? { operator: query.operator } : {}),
            ...(query.role ? { role: query.role } : {}),
            timeframeDay: query.timeframe === 'day', timeframeWeek: query.timeframe === 'week', timeframeMonth: query.timeframe === 'month', timeframeYear: query.timeframe === 'year',
          },
        };
      });
    });
  }, { prefix: GOVSTACK_REGISTRATION_PREFIX });
}
