// The health module's JSON API: verify a DCC (HC1 text or a QR image), the trust list we publish,
// the signers we trust (administrators import other countries' signers and rotate ours), and
// issuing a person's vaccination, test or recovery certificate.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hasRole, requireRole } from '../../kernel/auth.ts';
import { AppError } from '../../kernel/errors.ts';
import { CITIZEN_REGISTER_NUMBER_PATTERN } from '../../kernel/person-number.ts';
import type { Translate } from '../../kernel/i18n.ts';
import { readQrImage, type VerificationResult } from './dcc/index.ts';
import { HealthInputError, type Health } from './service.ts';

/** Largest accepted QR image upload: a phone's full-size JPEG photo fits. */
export const IMAGE_LIMIT = 10 * 1024 * 1024;

/** A HealthInputError as the catalogue error the edge renders, its text in the request's language. */
export function toCatalogueError(error: unknown, t: Translate): unknown {
  if (!(error instanceof HealthInputError)) return error;
  const message = t(`health.errors.${error.key}`, error.params);
  const fieldErrors = [{ field: error.field, message }];
  if (error.status === 404) return new AppError('RECORD_NOT_FOUND', {}, fieldErrors);
  if (error.status === 409) return new AppError('RECORD_EXISTS', { key: String(error.params.kid ?? error.field) }, fieldErrors);
  return new AppError('VALIDATION_FAILED', { detail: message }, fieldErrors);
}

async function guarded<T>(request: FastifyRequest, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toCatalogueError(error, request.t);
  }
}

/** The verification result as the API answers it: stable codes, and their texts in the request's language. */
export function verificationJson(result: VerificationResult, t: Translate) {
  return {
    valid: result.valid,
    failures: result.failures,
    messages: result.failures.map((code) => ({ code, message: t(`health.dcc.failures.${code}`) })),
    certificateType: result.certificateType ?? null,
    payload: result.payload ?? null,
    issuer: result.issuer ?? null,
    issuedAt: result.issuedAt?.toISOString() ?? null,
    expiresAt: result.expiresAt?.toISOString() ?? null,
    kid: result.kid ?? null,
    algorithm: result.algorithm ?? null,
    schemaVersion: result.schemaVersion ?? null,
  };
}

const verifyJsonBody = {
  type: 'object',
  required: ['hc1'],
  properties: {
    hc1: { type: 'string', minLength: 1, maxLength: 65536, description: 'The text of the QR code, starting with HC1:' },
    at: { type: 'string', format: 'date-time', description: 'Validation time (default: now)' },
  },
} as const;

/** Who may issue for whom: a citizen for themself, health officials and platform administrators for anyone. */
function mayIssueFor(request: FastifyRequest, registerNumber: string): boolean {
  const principal = request.principal;
  if (!principal) return false;
  if (principal.kind === 'citizen') return principal.registerNumber === registerNumber;
  return hasRole(principal, ['platform-admin']) || (principal.agencyId === 'moh' && hasRole(principal, ['officer', 'supervisor', 'agency-admin']));
}

export async function healthRoutes(app: FastifyInstance, health: Health): Promise<void> {
  const admin = requireRole('platform-admin');

  await app.register(async (scope) => {
    // A QR image may be posted as it is: a PNG, or a JPEG as phones take photos.
    scope.addContentTypeParser(['image/png', 'image/jpeg'], { parseAs: 'buffer', bodyLimit: IMAGE_LIMIT }, (_request, body, done) => done(null, body));
    scope.post('/api/v1/dcc/verify', {
      config: { csrf: false },
      schema: {
        tags: ['health certificates'],
        summary: 'Verify an EU Digital COVID Certificate',
        description: 'Send the QR text as JSON { "hc1": "HC1:...", "at"?: date-time }, or the QR image itself as image/png or image/jpeg (then ?at=). A certificate that does not verify is a 200 with valid false and the failure codes; input that is not a certificate at all (no text, an image without a QR code) is a 400 problem.',
        querystring: { type: 'object', properties: { at: { type: 'string', format: 'date-time' }, lang: { type: 'string', enum: ['mn', 'en'] } } },
        body: {
          content: {
            'application/json': { schema: verifyJsonBody },
            'image/png': { schema: { description: 'A PNG image holding the QR code' } },
            'image/jpeg': { schema: { description: 'A JPEG photo holding the QR code' } },
          },
        },
      },
    }, async (request) => {
      const query = request.query as { at?: string };
      let hc1: string;
      let at = query.at;
      if (Buffer.isBuffer(request.body)) {
        const read = readQrImage(request.body);
        if (read === undefined) throw new AppError('VALIDATION_FAILED', { detail: request.t('health.errors.qrUnreadable') }, [{ field: 'body', message: request.t('health.errors.qrUnreadable') }]);
        hc1 = read;
      } else {
        // Only JSON, PNG and JPEG bodies are described (and validated); any other type the server can parse is refused.
        const body = request.body as { hc1?: unknown; at?: string } | undefined;
        if (typeof body !== 'object' || body === null || typeof body.hc1 !== 'string') {
          throw new AppError('UNSUPPORTED_MEDIA_TYPE', { type: String(request.headers['content-type'] ?? 'none').split(';')[0]!.slice(0, 80) });
        }
        hc1 = (body.hc1 as string).trim();
        at = body.at ?? at;
      }
      const result = await health.verify(hc1, at ? new Date(at) : undefined);
      return verificationJson(result, request.t);
    });
  });

  app.get('/api/v1/dcc/trust-list', {
    schema: { tags: ['health certificates'], summary: 'The document signer certificates of our health certificates (kid, certificate, country)' },
  }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return health.trustList();
  });

  app.get('/api/v1/dcc/signers', {
    schema: { tags: ['health certificates administration'], summary: 'Every signer the verifier knows: ours and the imported ones' },
    preHandler: admin,
  }, async () => ({ items: await health.signers() }));

  app.post('/api/v1/dcc/signers', {
    schema: {
      tags: ['health certificates administration'],
      summary: "Trust another country's document signer certificate",
      body: {
        type: 'object',
        required: ['certificate'],
        properties: {
          certificate: { type: 'string', minLength: 1, maxLength: 20000, description: 'PEM or base64 DER of the document signer certificate' },
          country: { type: 'string', pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2; default: C= of the certificate subject' },
        },
      },
    },
    preHandler: admin,
  }, async (request, reply) => {
    const body = request.body as { certificate: string; country?: string };
    const signer = await guarded(request, () => health.importSigner(body, request.principal));
    return reply.status(201).send(signer);
  });

  app.post('/api/v1/dcc/signers/:id/remove', {
    schema: { tags: ['health certificates administration'], summary: 'Stop trusting an imported signer', params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } } },
    preHandler: admin,
  }, async (request) => guarded(request, () => health.removeSigner((request.params as { id: string }).id, request.principal)));

  app.post('/api/v1/dcc/keys/rotate', {
    schema: { tags: ['health certificates administration'], summary: 'Replace the document signer that signs new certificates' },
    preHandler: admin,
  }, async (request) => health.rotate(request.principal));

  app.post('/api/v1/dcc/certificates', {
    schema: {
      tags: ['health certificates'],
      summary: "Issue a vaccination, test or recovery certificate from the person's health record",
      description: 'A citizen for themself (registerNumber may be left out); health officials and platform administrators for anyone. type: v (latest COVID-19 vaccination, the default), t (latest test) or r (latest recovery). The answer holds the HC1 text and its QR code as SVG and PNG (base64).',
      body: { type: 'object', properties: { registerNumber: { type: 'string', pattern: CITIZEN_REGISTER_NUMBER_PATTERN }, type: { type: 'string', enum: ['v', 't', 'r'], default: 'v' } } },
    },
    preHandler: requireRole('citizen', 'officer', 'supervisor', 'agency-admin', 'platform-admin'),
  }, async (request, reply) => {
    const body = request.body as { registerNumber?: string; type?: 'v' | 't' | 'r' } | undefined;
    const registerNumber = body?.registerNumber ?? request.principal?.registerNumber;
    if (!registerNumber) throw new AppError('VALIDATION_FAILED', { detail: request.t('health.errors.registerNumberRequired') }, [{ field: 'registerNumber', message: request.t('health.errors.registerNumberRequired') }]);
    if (!mayIssueFor(request, registerNumber)) throw new AppError('FORBIDDEN');
    const issued = await guarded(request, () => health.issue(registerNumber, body?.type ?? 'v', request.principal, request.id));
    return reply.status(201).send(issued);
  });
}
