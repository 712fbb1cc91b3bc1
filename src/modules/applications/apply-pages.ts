// The person's side of applications, as pages: the services that take applications online, a
// start page, one question a page, check your answers, and the answers to an officer's request
// for a file or for changes. Plain form posts throughout; files go as multipart/form-data.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type FieldError } from '../../kernel/errors.ts';
import { formatMnt } from '../../kernel/format.ts';
import type { Lang } from '../../kernel/i18n.ts';
import { boundaryOf, parseMultipart, type MultipartFile } from '../../kernel/multipart.ts';
import { page } from '../../web/index.ts';
import { answerText, checkAnswers, type FormDefinition, type FormField } from './forms.ts';
import { applicant, citizen } from './routes.ts';
import { factText, latestAnswers, type FactValue, type ServiceRequest } from './schema.ts';
import type { Draft, Submissions } from './submissions.ts';

const LIST_VIEW = 'modules/applications/views/apply-list.njk';
const START_VIEW = 'modules/applications/views/apply-start.njk';
const PAGE_VIEW = 'modules/applications/views/apply-page.njk';
const CHECK_VIEW = 'modules/applications/views/apply-check.njk';
const EDIT_VIEW = 'modules/applications/views/apply-edit.njk';
const TASKS_VIEW = 'modules/applications/views/apply-tasks.njk';
/** Forms longer than this are a task list: the person sees every part and does them in any order. */
const TASK_LIST_AFTER = 3;

/** Where a begun form starts: its task list when it is long, its first question when it is short. */
export function firstStep(lang: string, draft: { slug: string; id: string; form: FormDefinition }): string {
  const base = `/${lang}/apply/${draft.slug}/${draft.id}`;
  return draft.form.pages.length > TASK_LIST_AFTER ? base : `${base}/${draft.form.pages[0]!.id}`;
}
/** Largest body a form page takes: the largest file a form may ask for, and the other fields. */
export const UPLOAD_LIMIT = 10 * 1024 * 1024 + 256 * 1024;

type Body = Record<string, unknown>;

/** Multipart bodies as one object: text fields as strings, files as MultipartFile. */
export function acceptMultipart(scope: FastifyInstance): void {
  scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: UPLOAD_LIMIT }, (request, body, done) => {
    const boundary = boundaryOf(request.headers['content-type']);
    const form = boundary ? parseMultipart(body as Buffer, boundary) : undefined;
    if (!form) {
      done(Object.assign(new Error('malformed multipart body'), { statusCode: 400 }), undefined);
      return;
    }
    done(null, { ...form.fields, ...form.files });
  });
}

const isFile = (value: unknown): value is MultipartFile => typeof value === 'object' && value !== null && Buffer.isBuffer((value as MultipartFile).data);

/** A field as the view draws it: govuk macro parameters, in the page's language. */
export function fieldView(name: string, field: FormField, value: unknown, error: string | undefined, lang: Lang, required: boolean) {
  return {
    name,
    widget: field.widget,
    label: field.label[lang],
    hint: field.hint?.[lang],
    value: value === undefined || value === null ? '' : String(value),
    checked: value === true,
    error,
    required,
    accept: field.file?.types.join(','),
    items: (field.options ?? []).map((option) => ({ value: option.value, text: option.label[lang], checked: option.value === value, selected: option.value === value })),
  };
}

/** Answers as summary-list rows, with change links when `changeBase` is given. */
export function answerRows(definition: FormDefinition, answers: Record<string, unknown>, files: { field: string; filename: string; size: number }[], lang: Lang, t: (key: string) => string, changeBase?: string) {
  return definition.pages.flatMap((formPage) => formPage.fields.map((name) => {
    const field = definition.fields[name]!;
    const file = files.find((item) => item.field === name);
    const text = field.widget === 'file' ? (file ? `${file.filename} (${Math.ceil(file.size / 1024)} KB)` : '') : answerText(field, answers[name], lang);
    return {
      key: { text: field.label[lang] },
      value: { text: text || t('applications.form.notGiven') },
      ...(changeBase ? { actions: { items: [{ href: `${changeBase}/${formPage.id}?change=1`, text: t('applications.form.change'), visuallyHiddenText: field.label[lang] }] } } : {}),
    };
  }));
}

export function factRows(definition: FormDefinition, facts: { id: string; value: FactValue }[], lang: Lang) {
  return (definition.facts ?? []).map((fact) => ({ key: { text: fact.label[lang] }, value: { text: factText(facts.find((item) => item.id === fact.id)?.value, lang) ?? '—' } }));
}

/** A part of a form: done (answered and valid), optional (nothing required, nothing given) or still to do. */
function pageState(draft: Draft, fields: string[], lang: Lang): 'done' | 'optional' | 'todo' {
  const files = fields.filter((name) => draft.form.fields[name]!.widget === 'file');
  const values = fields.filter((name) => !files.includes(name));
  const { errors } = checkAnswers(draft.form, draft.answers, lang, values);
  const missingFile = files.some((name) => draft.form.fields[name]!.file?.required && !draft.files.some((file) => file.field === name));
  if (errors.length || missingFile) return 'todo';
  const given = values.some((name) => draft.answers[name] !== undefined) || files.some((name) => draft.files.some((file) => file.field === name));
  return given ? 'done' : 'optional';
}

export function applyPages(app: FastifyInstance, submissions: Submissions): void {
  page(app, 'GET', '/apply', {}, async (request, reply) => {
    const lang = request.lang;
    const items = (await submissions.available()).map(({ service }) => ({ slug: service.slug, name: service.name[lang], agency: service.agency.name[lang], summary: service.summary[lang] }));
    return reply.page(LIST_VIEW, { items }, { title: request.t('applications.apply.listTitle') });
  });

  const showStart = async (request: FastifyRequest, reply: FastifyReply, slug: string) => {
    const lang = request.lang;
    const { form, service } = await submissions.form(slug);
    const principal = request.principal;
    return reply.page(START_VIEW, {
      slug,
      service,
      fee: service.fee.amount > 0 ? formatMnt(service.fee.amount) : '',
      facts: (form.facts ?? []).map((fact) => fact.label[lang]),
      steps: form.pages.map((formPage) => formPage.title[lang]),
      signedIn: Boolean(principal?.roles.includes('citizen') && principal.registerNumber),
      forWhom: principal?.registerNumber ? `${principal.actingFor?.name ?? principal.name} (${principal.registerNumber})` : '',
      // "On behalf of" only when she acts for someone else; applying for herself names her as the applicant.
      actingForOther: Boolean(principal?.actingFor),
      returnTo: `/${lang}/apply/${slug}`,
    }, { title: service.name[lang] });
  };

  page(app, 'GET', '/apply/:slug', { schema: { params: { type: 'object', properties: { slug: { type: 'string', maxLength: 80 } } } } }, async (request, reply) =>
    showStart(request, reply, (request.params as { slug: string }).slug));

  page(app, 'POST', '/apply/:slug', { schema: { params: { type: 'object', properties: { slug: { type: 'string', maxLength: 80 } } } } }, async (request, reply) => {
    const principal = citizen(request);
    const draft = await submissions.begin((request.params as { slug: string }).slug, principal);
    return reply.redirect(firstStep(request.lang, draft), 303);
  });

  const draftParams = { type: 'object', properties: { slug: { type: 'string', maxLength: 80 }, draft: { type: 'string', maxLength: 40 }, page: { type: 'string', maxLength: 41 } } } as const;

  const showPage = (request: FastifyRequest, reply: FastifyReply, draft: Draft, pageId: string, errors: FieldError[] = [], values: Body = {}) => {
    const lang = request.lang;
    const index = draft.form.pages.findIndex((item) => item.id === pageId);
    if (index < 0) throw new AppError('NOT_FOUND');
    const formPage = draft.form.pages[index]!;
    const fields = formPage.fields.map((name) => {
      const field = draft.form.fields[name]!;
      const file = draft.files.find((item) => item.field === name);
      return { ...fieldView(name, field, name in values ? values[name] : draft.answers[name], errors.find((error) => error.field === name)?.message, lang, draft.form.schema.required?.includes(name) ?? false), file: file ? `${file.filename} (${Math.ceil(file.size / 1024)} KB)` : undefined };
    });
    // One question on the page: the question is its heading and its label, as GOV.UK pages ask.
    if (fields.length === 1) fields[0]!.label = formPage.title[lang];
    const long = draft.form.pages.length > TASK_LIST_AFTER;
    const back = long ? `/${lang}/apply/${draft.slug}/${draft.id}` : index === 0 ? `/${lang}/apply/${draft.slug}` : `/${lang}/apply/${draft.slug}/${draft.id}/${draft.form.pages[index - 1]!.id}`;
    return reply.page(PAGE_VIEW, {
      draft, pageId, title: formPage.title[lang], fields, back,
      single: fields.length === 1,
      multipart: fields.some((field) => field.widget === 'file'),
      step: index + 1, steps: draft.form.pages.length,
      change: (request.query as { change?: string }).change === '1',
      serviceName: draft.service.name[lang],
      onBehalf: draft.operator ? `${draft.subjectName} (${draft.subject})` : undefined,
    }, { title: formPage.title[lang], errors, status: errors.length ? 400 : 200 });
  };

  const showCheck = (request: FastifyRequest, reply: FastifyReply, draft: Draft, errors: FieldError[] = []) => {
    const lang = request.lang;
    return reply.page(CHECK_VIEW, {
      draft,
      serviceName: draft.service.name[lang],
      rows: answerRows(draft.form, draft.answers, draft.files, lang, request.t, `/${lang}/apply/${draft.slug}/${draft.id}`),
      facts: factRows(draft.form, draft.facts, lang),
      keeper: draft.service.agency.name[lang],
      fee: draft.service.fee.amount > 0 ? formatMnt(draft.service.fee.amount) : '',
      onBehalf: draft.operator ? `${draft.subjectName} (${draft.subject})` : undefined,
    }, { title: request.t('applications.form.checkTitle'), errors, status: errors.length ? 400 : 200 });
  };

  // The task list of a long form: each part, done or not, and "check and send" once all are done.
  // Back, or a bookmark, after sending: the draft is gone because it became a request; she is
  // shown that request, saying it was already sent, rather than told to start again.
  const draftOrSent = async (request: FastifyRequest, reply: FastifyReply, draftId: string): Promise<Draft | undefined> => {
    const principal = applicant(request);
    try {
      return await submissions.draft(draftId, principal);
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'DRAFT_NOT_FOUND')) throw error;
      const sent = await submissions.sentFrom(draftId, principal);
      if (!sent) throw error;
      await reply.redirect(sent.channel === 'operator' && sent.actor === principal.id ? `/${request.lang}/office/on-behalf?sent=${sent.number}` : `/${request.lang}/my/requests/${sent.number}?already=1`, 303);
      return undefined;
    }
  };

  page(app, 'GET', '/apply/:slug/:draft', { schema: { params: draftParams } }, async (request, reply) => {
    const lang = request.lang;
    const draft = await draftOrSent(request, reply, (request.params as { draft: string }).draft);
    if (!draft) return reply;
    const base = `/${lang}/apply/${draft.slug}/${draft.id}`;
    const states = draft.form.pages.map((formPage) => ({ formPage, state: pageState(draft, formPage.fields, lang) }));
    const ready = states.every(({ state }) => state !== 'todo');
    const items: Record<string, unknown>[] = states.map(({ formPage, state }) => ({
      title: { text: formPage.title[lang] },
      href: `${base}/${formPage.id}`,
      status: state === 'done' ? { text: request.t('applications.tasks.done') } : state === 'optional' ? { text: request.t('applications.tasks.optional') } : { tag: { text: request.t('applications.tasks.todo'), classes: 'govuk-tag--blue' } },
    }));
    const check = { text: request.t('applications.form.checkTitle') };
    // "Check and send" is a link only once every part is done.
    items.push(ready
      ? { title: check, href: `${base}/check`, status: { tag: { text: request.t('applications.tasks.todo'), classes: 'govuk-tag--blue' } } }
      : { title: check, status: { text: request.t('applications.tasks.cannotYet'), classes: 'govuk-task-list__status--cannot-start-yet' } });
    return reply.page(TASKS_VIEW, {
      items,
      done: states.filter(({ state }) => state === 'done').length,
      total: states.length,
      serviceName: draft.service.name[lang],
      onBehalf: draft.operator ? `${draft.subjectName} (${draft.subject})` : undefined,
    }, { title: request.t('applications.tasks.title') });
  });

  app.register(async (scope) => {
    acceptMultipart(scope);

    page(scope, 'GET', '/apply/:slug/:draft/:page', { schema: { params: draftParams } }, async (request, reply) => {
      const { draft: draftId, page: pageId } = request.params as { draft: string; page: string };
      const draft = await draftOrSent(request, reply, draftId);
      if (!draft) return reply;
      if (pageId === 'check') return showCheck(request, reply, draft);
      return showPage(request, reply, draft, pageId);
    });

    page(scope, 'POST', '/apply/:slug/:draft/:page', { schema: { params: draftParams }, bodyLimit: UPLOAD_LIMIT }, async (request, reply) => {
      const principal = applicant(request);
      const { draft: draftId, page: pageId } = request.params as { draft: string; page: string };
      const body = (request.body ?? {}) as Body;
      const lang = request.lang;
      if (pageId === 'check') {
        try {
          const sent = await submissions.submit(draftId, principal, lang, 'portal', request.id);
          // An official at a service centre goes back to the counter's page, the person to her request.
          if (sent.channel === 'operator') return reply.redirect(`/${lang}/office/on-behalf?sent=${sent.number}`, 303);
          return reply.redirect(`/${lang}/my/requests/${sent.number}`, 303);
        } catch (error) {
          if (error instanceof AppError && error.code === 'APPLICATION_ANSWERS_INVALID') return showCheck(request, reply, await submissions.draft(draftId, principal), error.fieldErrors);
          throw error;
        }
      }
      const draft = await draftOrSent(request, reply, draftId);
      if (!draft) return reply;
      const formPage = draft.form.pages.find((item) => item.id === pageId);
      if (!formPage) throw new AppError('NOT_FOUND');
      const errors: FieldError[] = [];
      for (const name of formPage.fields.filter((field) => draft.form.fields[field]!.widget === 'file')) {
        const file = body[name];
        errors.push(...(await submissions.attach(draftId, principal, name, isFile(file) ? { filename: file.filename, contentType: file.contentType, data: file.data } : undefined, lang)));
      }
      errors.push(...(await submissions.answer(draftId, principal, formPage.fields, body, lang)));
      if (errors.length) return showPage(request, reply, await submissions.draft(draftId, principal), pageId, errors, body);
      const index = draft.form.pages.indexOf(formPage);
      const change = (request.query as { change?: string }).change === '1';
      if (!change && draft.form.pages.length > TASK_LIST_AFTER) return reply.redirect(`/${lang}/apply/${draft.slug}/${draftId}`, 303);
      const next = change || index === draft.form.pages.length - 1 ? 'check' : draft.form.pages[index + 1]!.id;
      return reply.redirect(`/${lang}/apply/${draft.slug}/${draftId}/${next}`, 303);
    });

    // An officer asked for a file: the person sends it from the request's page.
    page(scope, 'POST', '/my/requests/:number/file', { schema: { params: { type: 'object', properties: { number: { type: 'string', maxLength: 30 } } } }, bodyLimit: UPLOAD_LIMIT }, async (request, reply) => {
      const principal = citizen(request);
      const { number } = request.params as { number: string };
      const file = (request.body as Body | undefined)?.file;
      const outcome = await submissions.sendFile(number, principal, 'document', isFile(file) ? { filename: file.filename, contentType: file.contentType, data: file.data } : undefined, request.lang);
      if (outcome.errors.length) return reply.redirect(`/${request.lang}/my/requests/${number}?error=file`, 303);
      return reply.redirect(`/${request.lang}/my/requests/${number}`, 303);
    });
  });

  const showEdit = async (request: FastifyRequest, reply: FastifyReply, found: ServiceRequest, errors: FieldError[] = [], values: Body = {}) => {
    const lang = request.lang;
    const definition = await submissions.formOf(found);
    if (!definition) throw new AppError('REQUEST_NOT_FOUND', { number: found.number });
    const answers = latestAnswers(found);
    const message = found.actions.findLast((action) => action.status === 'EDIT')?.details.message;
    const fields = definition.pages.flatMap((formPage) => formPage.fields).filter((name) => definition.fields[name]!.widget !== 'file')
      .map((name) => fieldView(name, definition.fields[name]!, name in values ? values[name] : answers[name], errors.find((error) => error.field === name)?.message, lang, definition.schema.required?.includes(name) ?? false));
    return reply.page(EDIT_VIEW, { request: found, fields, message }, { title: request.t('applications.form.editTitle'), errors, status: errors.length ? 400 : 200 });
  };

  const numberParams = { type: 'object', properties: { number: { type: 'string', maxLength: 30 } } } as const;

  page(app, 'GET', '/my/requests/:number/edit', { schema: { params: numberParams } }, async (request, reply) => {
    const principal = citizen(request);
    const { number } = request.params as { number: string };
    return showEdit(request, reply, await submissions.requestOf(principal, number));
  });

  page(app, 'POST', '/my/requests/:number/edit', { schema: { params: numberParams } }, async (request, reply) => {
    const principal = citizen(request);
    const { number } = request.params as { number: string };
    const body = (request.body ?? {}) as Body;
    const outcome = await submissions.resubmit(number, principal, body, request.lang);
    if (outcome.errors.length) return showEdit(request, reply, await submissions.requestOf(principal, number), outcome.errors, body);
    return reply.redirect(`/${request.lang}/my/requests/${number}`, 303);
  });
}
