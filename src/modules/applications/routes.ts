// The JSON API of service requests: the references to be had online, asking for one, and the
// person's own requests with their history.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isCitizen, isStaff, requireCitizen, requireCitizenSession, type Principal } from '../../kernel/auth.ts';
import { AppError } from '../../kernel/errors.ts';
import { verifyUrl } from '../documents/index.ts';
import type { Applications } from './service.ts';
import { REQUEST_NUMBER_PATTERN } from './schema.ts';

/** The signed-in person (or whom they act for), or 401/403. */
export function citizen(request: FastifyRequest): Principal & { registerNumber: string } {
  return requireCitizen(request.principal);
}

/** Whoever fills in a form: the person, or an official applying for someone at a service centre (the draft says which). */
export function applicant(request: FastifyRequest): Principal {
  const principal = request.principal;
  if (!principal) throw new AppError('UNAUTHENTICATED');
  if (!isStaff(principal) && !isCitizen(principal)) throw new AppError('FORBIDDEN');
  return principal;
}

export function applicationRoutes(app: FastifyInstance, applications: Applications, baseUrl: string): void {
  app.get('/api/v1/references', {
    schema: { tags: ['applications'], summary: 'References that can be had online: the service, its agency, what is fetched and from whom' },
  }, async () => ({
    items: (await applications.references()).map(({ definition, service, keeper }) => ({
      slug: definition.slug,
      name: service.name,
      agency: service.agency,
      audience: definition.audience,
      fetches: definition.fields,
      keeper: keeper ?? null,
    })),
  }));

  app.post('/api/v1/references/:slug', {
    schema: {
      tags: ['applications'],
      summary: 'Ask for a reference: with consent, the registry is read through the exchange and a signed document issued',
      params: { type: 'object', required: ['slug'], properties: { slug: { type: 'string', maxLength: 80 } } },
      body: {
        type: 'object',
        required: ['consent'],
        properties: {
          consent: { type: 'boolean', description: 'The person agrees that the data listed for this reference is fetched' },
          submissionId: { type: 'string', format: 'uuid', description: 'Sent again with a retried request, so it is answered once' },
        },
      },
    },
    preHandler: requireCitizenSession(),
  }, async (request, reply) => {
    const principal = citizen(request);
    const { slug } = request.params as { slug: string };
    const body = request.body as { consent: boolean; submissionId?: string };
    await applications.reference(slug);
    if (body.consent !== true) throw new AppError('REFERENCE_CONSENT_REQUIRED', {}, [{ field: 'consent', message: request.t('applications.reference.consentError') }]);
    const outcome = await applications.requestReference(slug, principal, { channel: 'api', requestId: request.id, lang: request.lang, ...(body.submissionId ? { submissionId: body.submissionId } : {}) });
    return reply.status(outcome.repeated ? 200 : 201).send({
      request: outcome.request,
      document: outcome.document ? { id: outcome.document.id, verifyUrl: verifyUrl(baseUrl, outcome.document.id), contentHash: outcome.document.contentHash, signature: outcome.document.signature } : null,
    });
  });

  app.get('/api/v1/my/requests', {
    schema: { tags: ['applications'], summary: 'The signed-in person’s requests, newest first' },
    preHandler: requireCitizenSession(),
  }, async (request) => ({ items: await applications.requestsOf(citizen(request).registerNumber) }));

  app.get('/api/v1/my/requests/:number', {
    schema: { tags: ['applications'], summary: 'One of the person’s requests, with every action', params: { type: 'object', required: ['number'], properties: { number: { type: 'string', pattern: REQUEST_NUMBER_PATTERN, maxLength: 30 } } } },
    preHandler: requireCitizenSession(),
  }, async (request) => applications.requestOf(citizen(request).registerNumber, (request.params as { number: string }).number));
}
