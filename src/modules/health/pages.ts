// Pages: the certificate verifier (paste the HC1 text or upload a photo of the QR code as PNG;
// plain form posts, no JavaScript needed) and a citizen's own vaccination certificates.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type FieldError } from '../../kernel/errors.ts';
import type { Translate } from '../../kernel/i18n.ts';
import { page } from '../../web/index.ts';
import { readQrPng, type DccPayload, type VerificationResult } from './dcc/index.ts';
import { boundaryOf, parseMultipart, type MultipartFile } from './multipart.ts';
import { IMAGE_LIMIT, toCatalogueError } from './routes.ts';
import type { Health, IssuedCertificate } from './service.ts';

const VERIFY_VIEW = 'modules/health/views/verify.njk';
const MY_VIEW = 'modules/health/views/my-certificates.njk';

type Row = { key: { text: string }; value: { text: string } };

// Codes of the EU value sets that a person reading the result would otherwise not understand.
const KNOWN_CODES: Record<string, string> = {
  '840539006': 'COVID-19',
  '260415000': 'notDetected',
  '260373001': 'detected',
  'LP6464-4': 'naat',
  'LP217198-3': 'rat',
};

/** The payload as rows of a summary list, labels in the person's language. */
export function payloadRows(payload: DccPayload | undefined, result: Pick<VerificationResult, 'certificateType' | 'expiresAt' | 'issuer'>, t: Translate): Row[] {
  if (!payload || typeof payload !== 'object') return [];
  const rows: Row[] = [];
  const add = (label: string, value: unknown) => {
    if (value === undefined || value === null || value === '') return;
    const text = typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
    rows.push({ key: { text: t(`health.verify.fields.${label}`) }, value: { text } });
  };
  const name = (payload.nam ?? {}) as unknown as Record<string, unknown>;
  add('name', [name.fn, name.gn].filter((part) => typeof part === 'string' && part).join(' ') || undefined);
  add('nameTransliterated', [name.fnt, name.gnt].filter((part) => typeof part === 'string' && part).join(' ') || undefined);
  add('dob', payload.dob);
  if (result.certificateType) add('type', t(`health.verify.types.${result.certificateType}`));
  const entry = (result.certificateType ? (payload[result.certificateType] as unknown[] | undefined)?.[0] : undefined) as Record<string, unknown> | undefined;
  if (entry && typeof entry === 'object') {
    const known = (value: unknown) => {
      const code = typeof value === 'string' ? KNOWN_CODES[value] : undefined;
      return code === undefined ? value : code === 'COVID-19' ? code : t(`health.verify.codes.${code}`);
    };
    add('tg', known(entry.tg));
    if (result.certificateType === 'v') {
      add('mp', entry.mp);
      add('dose', entry.dn !== undefined ? `${String(entry.dn)} / ${String(entry.sd)}` : undefined);
      add('dt', entry.dt);
    } else if (result.certificateType === 't') {
      add('tt', known(entry.tt));
      add('tr', known(entry.tr));
      add('sc', entry.sc);
      add('tc', entry.tc);
    } else {
      add('fr', entry.fr);
      add('validity', entry.df !== undefined ? `${String(entry.df)} – ${String(entry.du)}` : undefined);
    }
    add('co', entry.co);
    add('is', entry.is);
    add('ci', entry.ci);
  }
  add('issuerCountry', result.issuer);
  add('expiresAt', result.expiresAt?.toISOString().slice(0, 10));
  return rows;
}

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

export async function healthPages(app: FastifyInstance, health: Health): Promise<void> {
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
        const read = readQrPng(body.qr.data);
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

  const citizenOnly = async (request: FastifyRequest) => {
    if (!request.principal) throw new AppError('UNAUTHENTICATED');
    if (!request.principal.roles.includes('citizen') || !request.principal.registerNumber) throw new AppError('FORBIDDEN');
    return request.principal.registerNumber;
  };

  page(app, 'GET', '/my/health-certificates', {}, async (request, reply) => {
    const registerNumber = await citizenOnly(request);
    return reply.page(MY_VIEW, { history: await health.issuedFor(registerNumber) }, { title: request.t('health.my.title') });
  });

  page(app, 'POST', '/my/health-certificates', {}, async (request, reply) => {
    const registerNumber = await citizenOnly(request);
    try {
      const issued = await health.issueVaccination(registerNumber, request.principal, request.id);
      return reply.page(MY_VIEW, { issued: { ...issued, rows: issuedRows(issued, request.t) } }, { title: request.t('health.my.issuedTitle') });
    } catch (error) {
      const converted = toCatalogueError(error, request.t);
      if (converted instanceof AppError && converted.fieldErrors.length) {
        return reply.page(MY_VIEW, { history: await health.issuedFor(registerNumber) }, { title: request.t('health.my.title'), status: converted.status, errors: converted.fieldErrors.map((item) => ({ ...item, field: 'main-content' })) });
      }
      throw converted;
    }
  });
}
