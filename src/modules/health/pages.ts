// Pages: the certificate verifier (paste the HC1 text or upload a photo of the QR code as PNG or JPEG;
// plain form posts, no JavaScript needed; with it, the camera) and a citizen's own certificates
// (vaccination, test, recovery), each also as a bilingual PDF.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireCitizen } from '../../kernel/auth.ts';
import type { AppContext } from '../../kernel/context.ts';
import { AppError, type FieldError } from '../../kernel/errors.ts';
import type { Translate } from '../../kernel/i18n.ts';
import { page } from '../../web/index.ts';
import { readQrImage } from './dcc/index.ts';
import { payloadRows } from './rows.ts';
import { boundaryOf, parseMultipart, type MultipartFile } from '../../kernel/multipart.ts';
import { IMAGE_LIMIT, toCatalogueError } from './routes.ts';
import { certificatePdf } from './pdf.ts';
import { uvciId, type Health, type IssuedCertificate } from './service.ts';

export { payloadRows } from './rows.ts';

const VERIFY_VIEW = 'modules/health/views/verify.njk';
const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** The verifier's camera script and the QR reader it falls back on, served from our own origin (the CSP allows no other). */
const SCRIPTS: Record<string, Buffer> = {
  '/assets/health/dcc-camera.js': readFileSync(path.join(here, 'static', 'dcc-camera.js')),
  '/assets/health/jsqr.js': readFileSync(require.resolve('jsqr/dist/jsQR.js')),
};
const MY_VIEW = 'modules/health/views/my-certificates.njk';

type Row = { key: { text: string }; value: { text: string } };

interface VerifyForm {
  hc1?: string;
  qr?: MultipartFile;
}

async function showVerifier(request: FastifyRequest, reply: FastifyReply, data: Record<string, unknown>, errors: FieldError[] = []) {
  return reply.page(VERIFY_VIEW, data, { title: request.t('health.verify.title'), errors, status: errors.length ? 400 : 200 });
}

function issuedRows(issued: IssuedCertificate, t: Translate): Row[] {
  return payloadRows(issued.payload, { certificateType: issued.certificateType, expiresAt: new Date(issued.expiresAt), issuer: 'MN' }, t);
}

export async function healthPages(app: FastifyInstance, health: Health, ctx: AppContext): Promise<void> {
  for (const [url, script] of Object.entries(SCRIPTS)) {
    app.get(url, { schema: { hide: true } }, async (_request, reply) =>
      reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(script));
  }

  await app.register(async (scope) => {
    // The verifier's form sends a file; its body is read whole (bounded) and split here.
    scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: IMAGE_LIMIT + 128 * 1024 }, (request, body, done) => {
      const boundary = boundaryOf(request.headers['content-type']);
      const form = boundary ? parseMultipart(body as Buffer, boundary) : undefined;
      if (!form) {
        done(Object.assign(new Error('malformed multipart body'), { statusCode: 400 }), undefined);
        return;
      }
      const file = form.files.qr;
      done(null, { ...form.fields, ...(file && file.data.length > 0 ? { qr: file } : {}) });
    });

    page(scope, 'GET', '/dcc/verify', {}, async (request, reply) => showVerifier(request, reply, {}));

    page(scope, 'POST', '/dcc/verify', {}, async (request, reply) => {
      const body = (request.body ?? {}) as VerifyForm;
      const text = typeof body.hc1 === 'string' ? body.hc1.trim() : '';
      let hc1 = text;
      if (body.qr) {
        const read = readQrImage(body.qr.data);
        if (read === undefined) return showVerifier(request, reply, { hc1: text }, [{ field: 'qr', message: request.t('health.errors.qrUnreadable') }]);
        hc1 = read;
      }
      if (!hc1) return showVerifier(request, reply, {}, [{ field: 'hc1', message: request.t('health.errors.hc1Required') }]);
      const result = await health.verify(hc1);
      return showVerifier(request, reply, {
        result: {
          valid: result.valid,
          certificateType: result.certificateType,
          failures: result.failures.map((code) => ({ code, message: request.t(`health.dcc.failures.${code}`) })),
          rows: payloadRows(result.payload, result, request.t),
        },
      });
    });
  });

  const citizenOnly = async (request: FastifyRequest) => requireCitizen(request.principal).registerNumber;

  /** The list page: what the person can get, and what they have been issued. */
  const listData = async (registerNumber: string) => {
    const [available, history] = await Promise.all([health.available(registerNumber), health.issuedFor(registerNumber)]);
    return { available, history: history.map((row) => ({ ...row, id: uvciId(row.uvci) })) };
  };

  page(app, 'GET', '/my/health-certificates', {}, async (request, reply) => {
    const registerNumber = await citizenOnly(request);
    return reply.page(MY_VIEW, await listData(registerNumber), { title: request.t('health.my.title') });
  });

  page(app, 'POST', '/my/health-certificates', {}, async (request, reply) => {
    const registerNumber = await citizenOnly(request);
    const requested = (request.body as { type?: unknown } | undefined)?.type;
    const certificateType = requested === 't' || requested === 'r' ? requested : 'v';
    try {
      const issued = await health.issue(registerNumber, certificateType, request.principal, request.id);
      return reply.page(MY_VIEW, { issued: { ...issued, rows: issuedRows(issued, request.t) } }, { title: request.t('health.my.issuedTitle') });
    } catch (error) {
      const converted = toCatalogueError(error, request.t);
      if (converted instanceof AppError && converted.fieldErrors.length) {
        return reply.page(MY_VIEW, await listData(registerNumber), { title: request.t('health.my.title'), status: converted.status, errors: converted.fieldErrors.map((item) => ({ ...item, field: 'main-content' })) });
      }
      throw converted;
    }
  });

  // The certificate as a printable PDF, in Mongolian and English; only the person's own.
  page(app, 'GET', '/my/health-certificates/:id(^[0-9A-Z]{1,60}).pdf', {}, async (request, reply) => {
    const registerNumber = await citizenOnly(request);
    const { id } = request.params as { id: string };
    const issued = await health.findIssued(registerNumber, id);
    if (!issued) throw new AppError('NOT_FOUND');
    // The stored text is decoded (and checked) again: the PDF shows what the QR code holds.
    const result = await health.verify(issued.hc1, new Date(issued.issued_at));
    if (!result.payload) throw new AppError('NOT_FOUND');
    const pdf = await certificatePdf({
      hc1: issued.hc1,
      payload: result.payload,
      certificateType: issued.certificate_type,
      uvci: issued.uvci,
      issuer: result.issuer ?? 'MN',
      issuedAt: new Date(issued.issued_at),
      expiresAt: new Date(issued.expires_at),
      baseUrl: ctx.config.baseUrl,
      mn: ctx.i18n.translator('mn'),
      en: ctx.i18n.translator('en'),
    });
    return reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `inline; filename="health-certificate-${id}.pdf"`)
      .header('cache-control', 'private, no-store')
      .send(pdf);
  });
}
