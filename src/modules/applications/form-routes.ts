// The JSON API of applications: the forms (read by anyone, defined by an agency's administrator),
// sending an application in one request, and the back office's queue and actions.
import type { FastifyInstance } from 'fastify';
import { requireCitizenSession, requireSignedIn } from '../../kernel/auth.ts';
import { AppError } from '../../kernel/errors.ts';
import { isLang } from '../../kernel/i18n.ts';
import type { Office, OfficeActionInput } from './office.ts';
import { citizen } from './routes.ts';
import { REQUEST_NUMBER_PATTERN, REQUEST_STATUSES, type RequestStatus } from './schema.ts';
import type { Submissions } from './submissions.ts';
import { OFFICE_ACTIONS } from './workflow.ts';

const slugParams = { type: 'object', required: ['slug'], properties: { slug: { type: 'string', maxLength: 80 } } } as const;
const numberParams = { type: 'object', required: ['number'], properties: { number: { type: 'string', pattern: REQUEST_NUMBER_PATTERN, maxLength: 30 } } } as const;

export function formRoutes(app: FastifyInstance, submissions: Submissions, office: Office): void {
  app.get('/api/v1/applications/forms', { schema: { tags: ['applications'], summary: 'Services that take applications online, with their current form version' } }, async () => ({
    items: (await submissions.available()).map(({ form, service }) => ({ slug: form.slug, version: form.version, name: service.name, agency: service.agency, feeMnt: service.fee.amount, processingTime: service.processingTime })),
  }));

  app.get('/api/v1/applications/forms/:slug', { schema: { tags: ['applications'], summary: 'A form: JSON Schema of the answers, the fields and the page flow', params: slugParams } }, async (request) =>
    (await submissions.form((request.params as { slug: string }).slug)).form);

  app.put('/api/v1/applications/forms/:slug', {
    schema: { tags: ['applications'], summary: 'Define a new version of a form (the service agency’s administrator, or a platform administrator)', params: slugParams, body: { type: 'object' } },
    bodyLimit: 256 * 1024,
    preHandler: requireSignedIn(),
  }, async (request, reply) => {
    if (!request.principal) throw new AppError('UNAUTHENTICATED');
    const body = request.body as Record<string, unknown>;
    if (body.slug !== (request.params as { slug: string }).slug) throw new AppError('APPLICATION_FORM_INVALID', { detail: 'slug: must match the address' });
    return reply.status(201).send(await submissions.defineForm(body, request.principal));
  });

  // One request for clients that hold all the answers (the app, a kiosk): files as base64.
  app.post('/api/v1/applications/:slug', {
    schema: {
      tags: ['applications'],
      summary: 'Send an application: answers checked against the form, files attached, the fee invoiced',
      params: slugParams,
      body: {
        type: 'object',
        required: ['answers'],
        properties: {
          answers: { type: 'object' },
          files: { type: 'array', maxItems: 10, items: { type: 'object', required: ['field', 'filename', 'contentBase64'], properties: { field: { type: 'string', maxLength: 40 }, filename: { type: 'string', maxLength: 200 }, contentBase64: { type: 'string', maxLength: 14_000_000 } } } },
        },
      },
    },
    bodyLimit: 15 * 1024 * 1024,
    preHandler: requireCitizenSession(),
  }, async (request, reply) => {
    const principal = citizen(request);
    const lang = isLang(request.lang) ? request.lang : 'mn';
    const body = request.body as { answers: Record<string, unknown>; files?: { field: string; filename: string; contentBase64: string }[] };
    const draft = await submissions.begin((request.params as { slug: string }).slug, principal);
    const errors = await submissions.answer(draft.id, principal, Object.keys(draft.form.fields), Object.fromEntries(Object.entries(body.answers).map(([key, value]) => [key, typeof value === 'boolean' ? (value ? 'yes' : '') : value])), lang);
    for (const file of body.files ?? []) errors.push(...(await submissions.attach(draft.id, principal, file.field, { filename: file.filename, contentType: '', data: Buffer.from(file.contentBase64, 'base64') }, lang)));
    // Everything wrong at once: bad answers, and required files not sent.
    for (const problem of submissions.problems(await submissions.draft(draft.id, principal), lang)) if (!errors.some((error) => error.field === problem.field)) errors.push(problem);
    if (errors.length) throw new AppError('APPLICATION_ANSWERS_INVALID', {}, errors);
    const sent = await submissions.submit(draft.id, principal, lang, 'api', request.id);
    return reply.status(201).send(sent);
  });

  app.get('/api/v1/office/requests', {
    schema: {
      tags: ['applications'],
      summary: 'The agency’s queue, most urgent first',
      querystring: { type: 'object', properties: { status: { type: 'string', enum: [...REQUEST_STATUSES] }, mine: { type: 'boolean' }, overdue: { type: 'boolean' }, page: { type: 'integer', minimum: 1, maximum: 10000 }, pageSize: { type: 'integer', minimum: 1, maximum: 200 }, agency: { type: 'string', maxLength: 80 } } },
    },
    preHandler: requireSignedIn(),
  }, async (request) => {
    if (!request.principal) throw new AppError('UNAUTHENTICATED');
    const query = request.query as { status?: RequestStatus; mine?: boolean; overdue?: boolean; page?: number; pageSize?: number; agency?: string };
    return office.queue(request.principal, { ...(query.status ? { status: query.status } : {}), mine: query.mine ?? false, overdue: query.overdue ?? false, page: query.page ?? 1, pageSize: query.pageSize ?? 50 }, query.agency);
  });

  app.get('/api/v1/office/requests/:number', { schema: { tags: ['applications'], summary: 'One application of the agency, with every action', params: numberParams }, preHandler: requireSignedIn() }, async (request) => {
    if (!request.principal) throw new AppError('UNAUTHENTICATED');
    return office.request(request.principal, (request.params as { number: string }).number);
  });

  app.post('/api/v1/office/requests/:number/actions', {
    schema: {
      tags: ['applications'],
      summary: 'Act on an application: take, assign, start, request-file, request-edit, grant, reject, print, complete, expire',
      params: numberParams,
      body: { type: 'object', required: ['action'], properties: { action: { type: 'string', enum: [...OFFICE_ACTIONS] }, text: { type: 'string', maxLength: 4000 }, field: { type: 'string', maxLength: 40 }, assignee: { type: 'string', maxLength: 100 } } },
    },
    preHandler: requireSignedIn(),
  }, async (request) => {
    if (!request.principal) throw new AppError('UNAUTHENTICATED');
    return office.act(request.principal, (request.params as { number: string }).number, request.body as OfficeActionInput, request.lang, request.id);
  });
}
