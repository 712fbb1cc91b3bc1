// Forms without code, as pages: an agency's administrator sees the forms of the agency's services
// and saves a new version by editing its definition (the same JSON the API takes); whatever is wrong
// is listed line by line and nothing is saved until it is right. Answers given under an earlier
// version keep it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type FieldError } from '../../kernel/errors.ts';
import { page } from '../../web/index.ts';
import type { FormDefinition } from './forms.ts';
import type { Submissions } from './submissions.ts';

const LIST_VIEW = 'modules/applications/views/admin-forms.njk';
const EDIT_VIEW = 'modules/applications/views/admin-form.njk';
/** A definition is data a person types: a quarter of a megabyte is far more than any form needs. */
const MAX_DEFINITION = 256 * 1024;

function administrator(request: FastifyRequest) {
  const principal = request.principal;
  if (!principal) throw new AppError('UNAUTHENTICATED');
  if (principal.actingFor || !(principal.roles.includes('platform-admin') || principal.roles.includes('agency-admin'))) throw new AppError('FORBIDDEN');
  return principal;
}

export function formAdminPages(app: FastifyInstance, submissions: Submissions): void {
  page(app, 'GET', '/admin/forms', {}, async (request, reply) => {
    const principal = administrator(request);
    const lang = request.lang;
    const forms = (await submissions.available())
      .filter(({ service }) => principal.roles.includes('platform-admin') || service.agency.id === principal.agencyId)
      .map(({ form, service }) => ({ slug: form.slug, version: form.version, name: service.name[lang], agency: service.agency.name[lang], pages: form.pages.length, fields: Object.keys(form.fields).length }));
    return reply.page(LIST_VIEW, { forms }, { title: request.t('applications.formAdmin.title') });
  });

  const showEdit = (request: FastifyRequest, reply: FastifyReply, data: { slug: string; name: string; version: number; text: string; saved?: number }, errors: FieldError[] = []) =>
    reply.page(EDIT_VIEW, data, { title: request.t('applications.formAdmin.editTitle', { name: data.name }), errors, status: errors.length ? 400 : 200 });

  const slugParams = { type: 'object', properties: { slug: { type: 'string', maxLength: 80 } } } as const;

  page(app, 'GET', '/admin/forms/:slug', { schema: { params: slugParams } }, async (request, reply) => {
    const principal = administrator(request);
    const { form, service } = await submissions.form((request.params as { slug: string }).slug);
    if (!principal.roles.includes('platform-admin') && service.agency.id !== principal.agencyId) throw new AppError('FORBIDDEN_OTHER_AGENCY');
    const saved = Number((request.query as { saved?: string }).saved);
    return showEdit(request, reply, { slug: form.slug, name: service.name[request.lang], version: form.version, text: JSON.stringify(form, null, 2), ...(Number.isInteger(saved) && saved > 0 ? { saved } : {}) });
  });

  page(app, 'POST', '/admin/forms/:slug', { schema: { params: slugParams }, bodyLimit: MAX_DEFINITION + 16 * 1024 }, async (request, reply) => {
    const principal = administrator(request);
    const { form, service } = await submissions.form((request.params as { slug: string }).slug);
    if (!principal.roles.includes('platform-admin') && service.agency.id !== principal.agencyId) throw new AppError('FORBIDDEN_OTHER_AGENCY');
    const text = String((request.body as { definition?: unknown } | undefined)?.definition ?? '');
    const again = (errors: FieldError[]) => showEdit(request, reply, { slug: form.slug, name: service.name[request.lang], version: form.version, text }, errors);
    if (text.length > MAX_DEFINITION) return again([{ field: 'definition', message: request.t('applications.formAdmin.tooLong') }]);
    let definition: FormDefinition;
    try {
      definition = JSON.parse(text) as FormDefinition;
    } catch (error) {
      return again([{ field: 'definition', message: request.t('applications.formAdmin.notJson', { detail: (error as Error).message.slice(0, 200) }) }]);
    }
    if (typeof definition !== 'object' || definition === null || definition.slug !== form.slug) return again([{ field: 'definition', message: request.t('applications.formAdmin.wrongSlug', { slug: form.slug }) }]);
    try {
      const saved = await submissions.defineForm(definition, principal);
      return reply.redirect(`/${request.lang}/admin/forms/${form.slug}?saved=${saved.version}`, 303);
    } catch (error) {
      if (error instanceof AppError && error.code === 'APPLICATION_FORM_INVALID') return again(error.fieldErrors.map((item) => ({ field: 'definition', message: item.message })));
      throw error;
    }
  });
}
