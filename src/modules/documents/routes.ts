// The documents API: check a document by its number (anyone: the number is on the paper), the keys
// that sign them (for checking offline), a person's own documents, and revocation by the issuer.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireCitizen, requireSignedIn } from '../../kernel/auth.ts';
import { AppError } from '../../kernel/errors.ts';
import type { Translate } from '../../kernel/i18n.ts';
import { parseDocumentId, type DocumentId } from './schema.ts';
import type { Documents } from './service.ts';

const MAX_REASON = 500;

/** The id in a URL, or 404: a malformed number was never issued either. */
export function documentIdParam(request: FastifyRequest): DocumentId {
  const raw = (request.params as { id: string }).id;
  const id = parseDocumentId(raw);
  if (!id) throw new AppError('DOCUMENT_NOT_FOUND', { id: raw.slice(0, 40) });
  return id;
}

/** The revocation reason, checked in the person's language. */
export function revokeReason(body: unknown, t: Translate): string {
  const reason = typeof (body as { reason?: unknown } | undefined)?.reason === 'string' ? ((body as { reason: string }).reason).trim() : '';
  if (!reason || reason.length > MAX_REASON) throw new AppError('DOCUMENT_REVOKE_REASON', {}, [{ field: 'reason', message: t('documents.revoke.reasonError') }]);
  return reason;
}

/** Signed in as a person (or acting for one): their register number. */
export function ownerOf(request: FastifyRequest): string {
  return requireCitizen(request.principal).registerNumber;
}

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 40 } } } as const;

export function documentRoutes(app: FastifyInstance, documents: Documents): void {
  app.get('/api/v1/documents/:id', {
    schema: { tags: ['documents'], summary: 'Check a document: valid, revoked or invalid, with its content (404 for a number never issued)', params: idParams },
  }, async (request) => {
    const verification = await documents.verify(documentIdParam(request));
    if (!verification) throw new AppError('DOCUMENT_NOT_FOUND', { id: (request.params as { id: string }).id.slice(0, 40) });
    return verification;
  });

  app.get('/api/v1/documents/keys', {
    schema: { tags: ['documents'], summary: 'The document CA and the agency signers, as PEM certificates' },
  }, async () => ({ keys: await documents.publishedKeys() }));

  app.get('/api/v1/my/documents', {
    schema: { tags: ['documents'], summary: 'The signed-in person’s documents, newest first' },
  }, async (request) => ({ items: await documents.documentsOf(ownerOf(request)) }));

  app.post('/api/v1/documents/:id/revoke', {
    schema: {
      tags: ['documents'],
      summary: 'Revoke a document (its agency’s administrators and supervisors)',
      params: idParams,
      body: { type: 'object', required: ['reason'], properties: { reason: { type: 'string', maxLength: 2000 } } },
    },
    preHandler: requireSignedIn(),
  }, async (request) => {
    if (!request.principal) throw new AppError('UNAUTHENTICATED');
    const id = documentIdParam(request);
    const reason = revokeReason(request.body, request.t);
    return documents.revoke(id, reason, request.principal, request.id);
  });
}
