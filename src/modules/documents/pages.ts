// Pages: the public verify page a document's QR code opens (and a form to type a number), the
// person's own documents with their PDFs, and the issuer's revoke form on the verify page.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../kernel/context.ts';
import { AppError } from '../../kernel/errors.ts';
import { resolveLang } from '../../kernel/http.ts';
import type { Lang, Translate } from '../../kernel/i18n.ts';
import { page } from '../../web/index.ts';
import { documentPdf } from './pdf.ts';
import { documentIdParam, ownerOf, revokeReason } from './routes.ts';
import { groupedId, parseDocumentId, textIn, type Bilingual, type IssuedDocument, type Verification } from './schema.ts';
import type { Documents } from './service.ts';

const VERIFY_VIEW = 'modules/documents/views/verify.njk';
const MY_VIEW = 'modules/documents/views/my-documents.njk';

type Cell = { text: string };

/** A document in one language, shaped for govuk summary lists and tables. */
export function documentView(document: IssuedDocument, lang: Lang, t: Translate) {
  return {
    id: document.id,
    number: groupedId(document.id),
    title: document.title[lang],
    issuer: document.issuer[lang],
    issuedAt: document.issuedAt,
    revocation: document.revocation,
    subjectRows: [{ key: { text: t('documents.subject') }, value: { text: `${document.subjectName} (${document.subject})` } }],
    sections: document.body.sections.map((section) => ({
      heading: section.heading?.[lang],
      note: section.note?.[lang],
      rows: (section.rows ?? []).map((row) => ({ key: { text: row.label[lang] }, value: { text: textIn(row.value, lang) || '—' } })),
      table: section.table ? { head: section.table.columns.map((column): Cell => ({ text: column[lang] })), rows: section.table.rows.map((cells) => cells.map((cell): Cell => ({ text: textIn(cell, lang) || '—' }))) } : undefined,
    })),
  };
}

function pdfLabels(ctx: AppContext): Parameters<typeof documentPdf>[2] {
  const mn = ctx.i18n.translator('mn');
  const en = ctx.i18n.translator('en');
  const pair = (key: string): Bilingual => ({ mn: mn(key), en: en(key) });
  return { verify: pair('documents.pdf.verify'), number: pair('documents.number'), issuedAt: pair('documents.issuedAt'), subject: pair('documents.subject'), revoked: pair('documents.revokedLabel'), page: pair('documents.pdf.page') };
}

export function documentPages(app: FastifyInstance, ctx: AppContext, documents: Documents): void {
  // The QR code holds a language-free address; the person's language decides the page.
  app.get('/verify/:id', { schema: { hide: true } }, async (request, reply) => {
    const raw = (request.params as { id: string }).id;
    return reply.redirect(`/${resolveLang(request)}/verify/${encodeURIComponent(parseDocumentId(raw) ?? raw.slice(0, 40))}`, 302);
  });

  page(app, 'GET', '/verify', {}, async (request, reply) => {
    const typed = (request.query as { id?: unknown }).id;
    if (typeof typed === 'string' && typed.trim()) {
      const id = parseDocumentId(typed);
      if (id) return reply.redirect(`/${request.lang}/verify/${id}`, 303);
      const message = request.t('documents.verify.badNumber');
      return reply.page(VERIFY_VIEW, { typed: typed.slice(0, 40) }, { title: request.t('documents.verify.title'), status: 400, errors: [{ field: 'id', message }] });
    }
    return reply.page(VERIFY_VIEW, {}, { title: request.t('documents.verify.title') });
  });

  const showVerification = async (request: FastifyRequest, reply: FastifyReply, verification: Verification, errors: { field: string; message: string }[] = [], reason = '') => {
    const view = documentView(verification.document, request.lang, request.t);
    return reply.page(VERIFY_VIEW, {
      verification,
      document: view,
      mayRevoke: !verification.document.revocation && documents.mayRevoke(request.principal, verification.document.agencyId),
      // The person the document is about gets its PDF at the top of the page, not at the end of it.
      pdfPath: request.principal?.registerNumber === verification.document.subject ? `/${request.lang}/my/documents/${verification.document.id}.pdf` : undefined,
      reason,
    }, { title: `${request.t(`documents.status.${verification.status}`)}: ${view.title}`, errors, status: errors.length ? 400 : 200 });
  };

  page(app, 'GET', '/verify/:id', { schema: { params: { type: 'object', properties: { id: { type: 'string', maxLength: 40 } } } } }, async (request, reply) => {
    const verification = await documents.verify(documentIdParam(request));
    if (!verification) throw new AppError('DOCUMENT_NOT_FOUND', { id: (request.params as { id: string }).id });
    return showVerification(request, reply, verification);
  });

  page(app, 'POST', '/verify/:id/revoke', { schema: { params: { type: 'object', properties: { id: { type: 'string', maxLength: 40 } } } } }, async (request, reply) => {
    if (!request.principal) throw new AppError('UNAUTHENTICATED');
    const id = documentIdParam(request);
    const verification = await documents.verify(id);
    if (!verification) throw new AppError('DOCUMENT_NOT_FOUND', { id });
    if (!documents.mayRevoke(request.principal, verification.document.agencyId)) throw new AppError('FORBIDDEN');
    let reason: string;
    try {
      reason = revokeReason(request.body, request.t);
    } catch (error) {
      if (error instanceof AppError) return showVerification(request, reply, verification, error.fieldErrors, String((request.body as { reason?: unknown } | undefined)?.reason ?? '').slice(0, 600));
      throw error;
    }
    await documents.revoke(id, reason, request.principal, request.id);
    return reply.redirect(`/${request.lang}/verify/${id}`, 303);
  });

  page(app, 'GET', '/my/documents', {}, async (request, reply) => {
    const subject = ownerOf(request);
    const list = await documents.documentsOf(subject);
    return reply.page(MY_VIEW, {
      documents: list.map((document) => ({ id: document.id, number: groupedId(document.id), title: document.title[request.lang], issuer: document.issuer[request.lang], issuedAt: document.issuedAt, revoked: Boolean(document.revocation) })),
    }, { title: request.t('documents.my.title') });
  });

  page(app, 'GET', '/my/documents/:id', { schema: { params: { type: 'object', properties: { id: { type: 'string', maxLength: 40 } } } } }, async (request, reply) => {
    const subject = ownerOf(request);
    const raw = (request.params as { id: string }).id;
    const pdf = raw.endsWith('.pdf');
    const id = parseDocumentId(pdf ? raw.slice(0, -4) : raw);
    const document = id ? await documents.find(id) : undefined;
    // Another person's document is answered as one never issued.
    if (!document || document.subject !== subject) throw new AppError('DOCUMENT_NOT_FOUND', { id: raw.slice(0, 40) });
    if (!pdf) return reply.redirect(`/${request.lang}/verify/${document.id}`, 303);
    const bytes = await documentPdf(document, ctx.config.baseUrl, pdfLabels(ctx));
    return reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `inline; filename="${document.id}.pdf"`)
      .header('cache-control', 'private, no-store')
      .send(bytes);
  });
}
