// Applications from the person's side: begin a form (what registries already know is read once,
// under consent, and shown, never asked), answer page by page, attach files, check the answers and
// send. Sending makes a request whose id is the draft's, so a form sent twice is one application;
// a fee makes an invoice, and the request waits for the payment before an officer can start it.
import { createHash, randomUUID } from 'node:crypto';
import type { Principal } from '../../kernel/auth.ts';
import type { AppContext } from '../../kernel/context.ts';
import { AppError, type FieldError } from '../../kernel/errors.ts';
import { formatDate } from '../../kernel/format.ts';
import type { Lang } from '../../kernel/i18n.ts';
import { isPersonNumber } from '../../kernel/person-number.ts';
import type { Service } from '../catalog/index.ts';
import { bilingualPurpose } from '../exchange/index.ts';
import { actorSnapshot } from './history.ts';
import { atPointer, builtinForms, checkAnswers, definitionProblems, fileFields, type FormDefinition } from './forms.ts';
import { addressText } from './references.ts';
import { latestAnswers, type FactValue, type RequestStatus, type ServiceRequest, type StatePatch } from './schema.ts';
import type { ApplicationsDeps } from './service.ts';
import * as store from './store.ts';
import { assertAllowed, dueDate } from './workflow.ts';
import { isUuid } from '../../kernel/ids.ts';


export interface UploadedFile {
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface Draft {
  id: string;
  slug: string;
  subject: string;
  subjectName: string;
  /** The official filling it in for the person, at a service centre. */
  operator: string | null;
  form: FormDefinition;
  service: Service;
  answers: Record<string, unknown>;
  facts: { id: string; value: FactValue }[];
  files: store.AttachmentMeta[];
}

export interface Submissions {
  /** The application services with a form and an active catalogue entry. */
  available(): Promise<{ form: FormDefinition; service: Service }[]>;
  /** A service's current form and catalogue entry, or APPLICATION_NOT_FOUND. */
  form(slug: string): Promise<{ form: FormDefinition; service: Service }>;
  /** Saves a new version of a form (an administrator of the service's agency). */
  defineForm(definition: unknown, principal: Principal): Promise<FormDefinition>;
  /** Begins a form for the principal, or (an official at a service centre) for a person who gave a consent code. */
  begin(slug: string, principal: Principal, onBehalf?: { subject: string; consentId: string }, options?: { facts?: boolean }): Promise<Draft>;
  draft(id: string, principal: Principal): Promise<Draft>;
  /** The request a draft became once sent, when the principal may see it; undefined while it is still a draft or was never theirs. */
  sentFrom(draftId: string, principal: Principal): Promise<ServiceRequest | undefined>;
  /** Checks and keeps the answers of one page; returns the errors, none when kept. */
  answer(draftId: string, principal: Principal, fields: string[], raw: Record<string, unknown>, lang: Lang): Promise<FieldError[]>;
  attach(draftId: string, principal: Principal, field: string, file: UploadedFile | undefined, lang: Lang): Promise<FieldError[]>;
  /** Everything still missing or wrong, for "check your answers". */
  problems(draft: Draft, lang: Lang): FieldError[];
  submit(draftId: string, principal: Principal, lang: Lang, channel: ServiceRequest['channel'], requestId?: string): Promise<ServiceRequest>;
  /** A file the officer asked for. */
  sendFile(number: string, principal: Principal, field: string, file: UploadedFile | undefined, lang: Lang): Promise<{ request?: ServiceRequest; errors: FieldError[] }>;
  /** Changed answers after the officer asked for changes. */
  resubmit(number: string, principal: Principal, raw: Record<string, unknown>, lang: Lang): Promise<{ request?: ServiceRequest; errors: FieldError[] }>;
  /** A request of the signed-in person, or REQUEST_NOT_FOUND. */
  requestOf(principal: Principal, number: string): Promise<ServiceRequest>;
  /** Records that an application's fee was paid (from the payments module); safe to repeat. */
  paid(number: string, invoiceId: string): Promise<void>;
  /** The form version an application was made with. */
  formOf(request: ServiceRequest): Promise<FormDefinition | undefined>;
  attachments(ownerId: string): Promise<store.AttachmentMeta[]>;
  attachment(id: string): Promise<(store.AttachmentMeta & { data: Buffer }) | undefined>;
  /** Records a status change and tells the person; used by the back office too. */
  transition(request: ServiceRequest, status: RequestStatus, actor: Principal | null, details: Record<string, unknown>, patch?: StatePatch): Promise<ServiceRequest>;
}

/** What a file's first bytes say it is, whatever its name or the browser claims. */
export function sniffType(data: Buffer): string | undefined {
  if (data.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  return undefined;
}

const MB = 1024 * 1024;
/** Where a person's name is read from when an official applies for them. */
const NAME_SERVICE = 'GOV/gasr/population/citizenIdCard';

export function createSubmissions(ctx: AppContext, deps: ApplicationsDeps): Submissions {
  const { db } = ctx;
  const t = (lang: Lang) => ctx.i18n.translator(lang);
  let seeded: Promise<void> | undefined;
  // The shipped forms become version 1 of their slugs the first time forms are needed.
  const ensureForms = () => (seeded ??= (async () => {
    for (const definition of builtinForms()) await store.seedForm(db, definition);
  })());

  async function form(slug: string): Promise<{ form: FormDefinition; service: Service }> {
    await ensureForms();
    const [definition, service] = await Promise.all([store.latestForm(db, slug), deps.service(slug)]);
    if (!definition || !service || service.status !== 'active' || service.kind !== 'application') throw new AppError('APPLICATION_NOT_FOUND', { slug: slug.slice(0, 80) });
    return { form: definition, service };
  }

  function own(row: { subject: string; operator: string | null }, principal: Principal): void {
    const asPerson = !row.operator && principal.roles.includes('citizen') && principal.registerNumber === row.subject;
    const asOperator = row.operator !== null && row.operator === principal.id && !principal.roles.includes('citizen');
    if (!asPerson && !asOperator) throw new AppError('DRAFT_NOT_FOUND');
  }

  async function draft(id: string, principal: Principal): Promise<Draft> {
    const row = isUuid(id) ? await store.findDraft(db, id) : undefined;
    if (!row) throw new AppError('DRAFT_NOT_FOUND');
    own(row, principal);
    const [definition, service, files] = await Promise.all([store.formVersion(db, row.slug, row.form_version), deps.service(row.slug), store.attachmentsOf(db, row.id)]);
    if (!definition || !service) throw new AppError('DRAFT_NOT_FOUND');
    return { id: row.id, slug: row.slug, subject: row.subject, subjectName: row.subject_name, operator: row.operator, form: definition, service, answers: row.answers, facts: row.facts, files };
  }

  function fileProblem(definition: FormDefinition, field: string, file: UploadedFile | undefined, lang: Lang): FieldError | undefined {
    const spec = definition.fields[field];
    if (!spec || spec.widget !== 'file' || !spec.file) return { field, message: t(lang)('applications.form.unknownField') };
    const label = spec.label[lang];
    if (!file || file.data.length === 0) return { field, message: t(lang)('applications.form.fileMissing', { label }) };
    if (file.data.length > spec.file.maxBytes) return { field, message: t(lang)('applications.form.fileTooLarge', { label, size: String(Math.round((spec.file.maxBytes / MB) * 10) / 10) }) };
    const type = sniffType(file.data);
    if (!type || !spec.file.types.includes(type)) return { field, message: t(lang)('applications.form.fileType', { label, types: spec.file.types.map((item) => item.split('/')[1]!.toUpperCase()).join(', ') }) };
    return undefined;
  }

  async function keepFile(ownerId: string, field: string, file: UploadedFile): Promise<string> {
    const id = randomUUID();
    await db.transaction(async (tx) => {
      await store.deleteAttachmentsOf(tx, ownerId, field);
      await store.insertAttachment(tx, { id, owner_id: ownerId, field, filename: file.filename.replace(/[^\p{L}\p{N}._ -]/gu, '_').slice(0, 120) || 'file', content_type: sniffType(file.data)!, size: file.data.length, sha256: createHash('sha256').update(file.data).digest('hex'), data: file.data });
    });
    return id;
  }

  function problems(current: Draft, lang: Lang): FieldError[] {
    const { errors } = checkAnswers(current.form, current.answers, lang);
    for (const field of fileFields(current.form)) {
      if (current.form.fields[field]!.file?.required && !current.files.some((file) => file.field === field)) errors.push({ field, message: t(lang)('applications.form.fileMissing', { label: current.form.fields[field]!.label[lang] }) });
    }
    return errors;
  }

  /** A request as its sender sees it: the person it is about, or the official who sent it for them. */
  async function sentBy(number: string, principal: Principal): Promise<ServiceRequest> {
    const request = await store.findRequestByNumber(db, number);
    if (request && request.channel === 'operator' && request.actor === principal.id) return request;
    return requestOfSubject(number, principal);
  }

  async function requestOfSubject(number: string, principal: Principal): Promise<ServiceRequest> {
    const request = await store.findRequestByNumber(db, number);
    if (!request || !principal.registerNumber || request.subject !== principal.registerNumber || !principal.roles.includes('citizen')) throw new AppError('REQUEST_NOT_FOUND', { number: number.slice(0, 40) });
    return request;
  }

  async function transition(request: ServiceRequest, status: RequestStatus, actor: Principal | null, details: Record<string, unknown>, patch: StatePatch = {}): Promise<ServiceRequest> {
    await db.transaction(async (tx) => {
      // Two officials (or an official and the person) acting at once: the second finds the status moved on.
      if ((await store.lockStatus(tx, request.id)) !== request.status) throw new AppError('REQUEST_CHANGED', { number: request.number });
      await store.recordAction(tx, request.id, status, actor?.id ?? null, { ...details, ...(actor ? { by: actorSnapshot(actor) } : {}) }, patch);
      await ctx.audit.record(tx, actor, { action: `application.${status.toLowerCase()}`, subjectType: 'request', subjectId: request.number, details: { service: request.serviceSlug } });
    });
    const updated = (await store.findRequestByNumber(db, request.number))!;
    if (status !== request.status) await deps.notifyStatus(updated).catch((error: unknown) => ctx.log.warn({ err: error, request: request.number }, 'status message not queued'));
    return updated;
  }

  return {
    async available() {
      await ensureForms();
      const all = await Promise.all((await store.formSlugs(db)).map((slug) => form(slug).catch(() => undefined)));
      return all.filter((item): item is { form: FormDefinition; service: Service } => item !== undefined);
    },

    form,

    async defineForm(definition, principal) {
      const problems = definitionProblems(definition);
      if (problems.length) throw new AppError('APPLICATION_FORM_INVALID', { detail: problems.slice(0, 5).join('; ') }, problems.map((problem) => ({ field: problem.split(':')[0]!, message: problem })));
      const candidate = definition as FormDefinition;
      const service = await deps.service(candidate.slug);
      if (!service || service.kind !== 'application') throw new AppError('APPLICATION_NOT_FOUND', { slug: String(candidate.slug).slice(0, 80) });
      const platform = principal.roles.includes('platform-admin');
      if (!platform && !(principal.roles.includes('agency-admin') && principal.agencyId === service.agency.id)) throw new AppError('FORBIDDEN_OTHER_AGENCY');
      await ensureForms();
      const version = await db.transaction(async (tx) => {
        const saved = await store.insertForm(tx, { ...candidate, version: 0 }, principal.id);
        await ctx.audit.record(tx, principal, { action: 'application.form-defined', subjectType: 'form', subjectId: candidate.slug, details: { version: saved } });
        return saved;
      });
      return { ...candidate, version };
    },

    async begin(slug, principal, onBehalf, options = {}) {
      const found = await form(slug);
      const operator = onBehalf ? principal.id : null;
      const subject = onBehalf ? onBehalf.subject : principal.registerNumber;
      if (!subject || (onBehalf ? principal.roles.includes('citizen') : !principal.roles.includes('citizen'))) throw new AppError('FORBIDDEN');
      const facts: { id: string; value: FactValue }[] = [];
      let subjectName = onBehalf ? '' : principal.actingFor?.name ?? principal.name;
      const wanted = found.form.facts ?? [];
      const purpose = bilingualPurpose({ mn: `Өргөдөл: ${found.service.name.mn}`, en: `Application: ${found.service.name.en}` });
      const services = [...new Set([...wanted.map((fact) => `${deps.instance}/${fact.service}`), ...(onBehalf ? [`${deps.instance}/${NAME_SERVICE}`] : [])])];
      if (services.length && isPersonNumber(subject) && options.facts !== false) {
        // One consent covering the services the form reads: given by starting the form, or the code the person read out.
        const consent = onBehalf?.consentId ?? await deps.grantConsent(subject, services, purpose);
        const answers = new Map<string, unknown>();
        for (const service of services) {
          const answer = await deps.read(service, `/${subject}`, { consent, purpose, userId: operator ?? principal.actorRegisterNumber ?? subject, issue: 'draft' }).catch(() => undefined);
          answers.set(service, answer?.status === 200 ? answer.json() : undefined);
        }
        for (const fact of wanted) {
          const value = atPointer(answers.get(`${deps.instance}/${fact.service}`), fact.pointer);
          if (value === undefined || value === null) continue;
          facts.push({ id: fact.id, value: fact.format === 'address' ? addressText(value) : fact.format === 'date' && typeof value === 'string' ? formatDate(value) : String(value) });
        }
        const card = answers.get(`${deps.instance}/${NAME_SERVICE}`) as { surname?: string; givenName?: string } | undefined;
        if (onBehalf && card?.givenName) subjectName = `${(card.surname ?? '').slice(0, 1)}.${card.givenName}`;
      }
      if (onBehalf && !subjectName) subjectName = subject;
      const id = randomUUID();
      await store.insertDraft(db, { id, slug, form_version: found.form.version, subject, subject_name: subjectName, operator, facts });
      return { id, slug, subject, subjectName, operator, form: found.form, service: found.service, answers: {}, facts, files: [] };
    },

    draft,

    async answer(draftId, principal, fields, raw, lang) {
      const current = await draft(draftId, principal);
      const valueFields = fields.filter((name) => current.form.fields[name] && current.form.fields[name]!.widget !== 'file');
      const { answers, errors } = checkAnswers(current.form, { ...current.answers, ...Object.fromEntries(valueFields.map((name) => [name, raw[name] ?? ''])) }, lang, valueFields);
      if (errors.length) return errors;
      await store.saveAnswers(db, draftId, answers);
      return [];
    },

    async attach(draftId, principal, field, file, lang) {
      const current = await draft(draftId, principal);
      const problem = fileProblem(current.form, field, file, lang);
      if (problem) {
        // Keeping the earlier file is fine: a page with a file already there may be sent without a new one.
        if (!file?.data.length && current.files.some((item) => item.field === field)) return [];
        return [problem];
      }
      await keepFile(draftId, field, file!);
      return [];
    },

    problems,

    async sentFrom(draftId, principal) {
      const earlier = isUuid(draftId) ? await store.findRequestKey(db, draftId) : undefined;
      return earlier ? sentBy(earlier.number, principal).catch(() => undefined) : undefined;
    },

    async submit(draftId, principal, lang, channel, requestId) {
      if (!isUuid(draftId)) throw new AppError('DRAFT_NOT_FOUND');
      // Sent before: the request has the draft's id.
      const earlier = await store.findRequestKey(db, draftId);
      if (earlier) return sentBy(earlier.number, principal);
      const current = await draft(draftId, principal);
      const errors = problems(current, lang);
      if (errors.length) throw new AppError('APPLICATION_ANSWERS_INVALID', {}, errors);
      const { service, form: definition } = current;
      const number = await store.nextNumber(db, new Date().getFullYear());
      const fee = service.fee.amount;
      const now = new Date();
      const via = current.operator ? 'operator' : channel;
      const inserted = await db.transaction(async (tx) => {
        const fresh = await store.insertRequest(tx, { id: draftId, number, serviceSlug: current.slug, kind: 'application', subject: current.subject, subjectName: current.subjectName, actor: current.operator ?? principal.actorRegisterNumber ?? null, agencyId: service.agency.id, channel: via });
        if (!fresh) return false;
        await store.recordAction(tx, draftId, 'SUBMITTED', principal.id, { answers: current.answers, facts: current.facts, formVersion: definition.version, fee, lang, by: actorSnapshot(principal), ...(current.operator ? { operator: current.operator } : {}) }, { paid: fee === 0, dueAt: dueDate(now, service.processingTime) });
        await store.deleteDraft(tx, draftId);
        await ctx.audit.record(tx, principal, { action: 'application.submitted', subjectType: 'request', subjectId: number, details: { service: current.slug, channel: via, ...(current.operator ? { onBehalfOf: current.subject } : {}) } }, requestId);
        return true;
      });
      if (!inserted) return sentBy((await store.findRequestKey(db, draftId))!.number, principal);
      const request = (await store.findRequestByNumber(db, number))!;
      if (fee > 0) {
        // The invoice's idempotency key is the request: asking again never makes a second one.
        const invoice = await deps.fees.invoice({ reference: number, payer: request.subject, agencyId: service.agency.id, amountMnt: fee, description: service.name, refundable: definition.refundable ?? false, idempotencyKey: `application:${request.id}` });
        await db.transaction((tx) => store.recordAction(tx, request.id, 'SUBMITTED', principal.id, { invoice: invoice.id, by: actorSnapshot(principal) }));
      }
      await deps.notifyStatus(request).catch((error: unknown) => ctx.log.warn({ err: error, request: number }, 'status message not queued'));
      return (await store.findRequestByNumber(db, number))!;
    },

    async sendFile(number, principal, field, file, lang) {
      const request = await requestOfSubject(number, principal);
      assertAllowed(request.status, 'send-file');
      const definition = await store.formVersion(db, request.serviceSlug, Number(request.actions[0]?.details.formVersion ?? 1));
      const asked = request.actions.findLast((action) => action.status === 'FILE_REQUESTED')?.details;
      const wantedField = typeof asked?.field === 'string' ? asked.field : field;
      // A file the officer named need not be one of the form's own fields: it is checked as a PDF or picture up to 5 MB.
      const spec = definition?.fields[wantedField]?.widget === 'file' ? definition : ({ fields: { [wantedField]: { label: { mn: 'Баримт', en: 'Document' }, widget: 'file', file: { types: ['application/pdf', 'image/jpeg', 'image/png'], maxBytes: 5 * MB } } } } as unknown as FormDefinition);
      const problem = fileProblem(spec, wantedField, file, lang);
      if (problem) return { errors: [{ ...problem, field: 'file' }] };
      const attachment = await keepFile(request.id, `${wantedField}-${request.actions.length}`, file!);
      return { request: await transition(request, 'SUBMITTED', principal, { file: attachment, field: wantedField }), errors: [] };
    },

    async resubmit(number, principal, raw, lang) {
      const request = await requestOfSubject(number, principal);
      assertAllowed(request.status, 'resubmit');
      const version = Number(request.actions[0]?.details.formVersion ?? 1);
      const definition = await store.formVersion(db, request.serviceSlug, version);
      if (!definition) throw new AppError('APPLICATION_NOT_FOUND', { slug: request.serviceSlug });
      const previous = latestAnswers(request);
      const { answers, errors } = checkAnswers(definition, { ...previous, ...raw }, lang);
      if (errors.length) return { errors };
      return { request: await transition(request, 'SUBMITTED', principal, { answers, formVersion: version }), errors: [] };
    },

    requestOf: (principal, number) => requestOfSubject(number, principal),

    async paid(number, invoiceId) {
      const request = await store.findRequestByNumber(db, number);
      if (!request || request.paid) return;
      await db.transaction((tx) => store.recordAction(tx, request.id, request.status, null, { paid: invoiceId }, { paid: true }));
    },

    async formOf(request) {
      return store.formVersion(db, request.serviceSlug, Number(request.actions[0]?.details.formVersion ?? 1));
    },

    attachments: (ownerId) => store.attachmentsOf(db, ownerId),
    attachment: (id) => (isUuid(id) ? store.attachmentData(db, id) : Promise.resolve(undefined)),
    transition,
  };
}
