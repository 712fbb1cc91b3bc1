// Sign in with a digital signature: the page shows a one-time challenge, the person signs it with
// the key of their personal certificate (the signing tool, `urtuu identity sign`) and pastes the
// certificate and the signature back. Both are pasted, never typed from memory (WCAG 2.2
// accessible authentication). Proof of possession of a certified key: the highest assurance here.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Queryable } from '../../../kernel/db.ts';
import { AppError } from '../../../kernel/errors.ts';
import { page } from '../../../web/index.ts';
import { LOGIN_CHALLENGE, citizenCaCertificate, configuredSignatureCas, newChallengeText, verifySignedChallenge, type SignatureFailure } from '../citizen-ca.ts';
import type { LoginAttempt, LoginMethod } from './types.ts';

export const CHALLENGE_MINUTES = 5;
/** Where anyone can fetch the citizen CA certificate to check personal certificates themselves. */
export const CITIZEN_CA_PATH = '/api/v1/identity/citizen-ca.pem';

async function issueChallenge(db: Queryable, uid: string): Promise<string> {
  // Spent and expired challenges are kept an hour so a late replay is told apart from a made-up one.
  await db.query(`DELETE FROM identity.signature_challenges WHERE expires_at < now() - interval '1 hour'`);
  const challenge = newChallengeText();
  await db.query(`INSERT INTO identity.signature_challenges (challenge, interaction, expires_at) VALUES ($1, $2, now() + make_interval(mins => $3))`, [challenge, uid, CHALLENGE_MINUTES]);
  return challenge;
}

/** Whether a challenge of this sign-in can still be signed (shown again after a form error). */
async function isUsable(db: Queryable, uid: string, challenge: string): Promise<boolean> {
  if (!LOGIN_CHALLENGE.test(challenge)) return false;
  const { rows } = await db.query('SELECT 1 FROM identity.signature_challenges WHERE challenge = $1 AND interaction = $2 AND used_at IS NULL AND expires_at > now()', [challenge, uid]);
  return rows.length > 0;
}

/**
 * Spends a challenge of this sign-in, whatever the outcome of the check that follows, so each
 * challenge gets one try. Cannot be undone. Returns why it cannot be used, if it cannot.
 */
async function spendChallenge(db: Queryable, uid: string, challenge: string): Promise<SignatureFailure | undefined> {
  if (!LOGIN_CHALLENGE.test(challenge)) return 'challenge-unknown';
  // One statement, so two concurrent posts of the same challenge cannot both spend it.
  const { rows } = await db.query<{ fresh: boolean }>(
    'UPDATE identity.signature_challenges SET used_at = now() WHERE challenge = $1 AND interaction = $2 AND used_at IS NULL RETURNING expires_at > now() AS fresh',
    [challenge, uid],
  );
  if (rows[0]) return rows[0].fresh ? undefined : 'challenge-expired';
  const spent = await db.query('SELECT 1 FROM identity.signature_challenges WHERE challenge = $1 AND interaction = $2', [challenge, uid]);
  return spent.rows.length > 0 ? 'challenge-used' : 'challenge-unknown';
}

function text(value: unknown, max: number): string {
  return typeof value === 'string' ? value.slice(0, max) : '';
}

export const signatureMethod: LoginMethod = {
  id: 'signature',
  labelKey: 'identity.signature.label',
  hintKey: 'identity.signature.hint',
  // Anyone may hold a certificate; whether theirs is acceptable is only known when they use it.
  available: () => true,
  register(app, flow) {
    const { ctx } = flow;
    const extraCas = configuredSignatureCas();

    app.get(CITIZEN_CA_PATH, { schema: { tags: ['identity'], summary: 'Certificate of the citizen CA that issues personal signing certificates (PEM)' } }, async (_request, reply) => {
      const pem = await citizenCaCertificate(ctx);
      return reply.type('application/x-pem-file').header('cache-control', 'public, max-age=3600').send(pem);
    });

    const show = (request: FastifyRequest, reply: FastifyReply, attempt: LoginAttempt, challenge: string, certificate = '', status = 200, errors: { field: string; message: string }[] = []) =>
      reply.page(
        'modules/identity/views/login-signature.njk',
        { uid: attempt.uid, challenge, minutes: CHALLENGE_MINUTES, certificate, caPath: CITIZEN_CA_PATH, command: `npx urtuu identity sign --key my.key --challenge ${challenge}` },
        { status, title: request.t('identity.signature.title'), errors },
      );

    page(app, 'GET', '/login/:uid/signature', {}, async (request, reply) => {
      const { uid } = request.params as { uid: string };
      const attempt = await flow.attempt(request, uid);
      return show(request, reply, attempt, await issueChallenge(ctx.db, uid));
    });

    page(app, 'POST', '/login/:uid/signature', {}, async (request, reply) => {
      const { uid } = request.params as { uid: string };
      const attempt = await flow.attempt(request, uid);
      await flow.identity.assertNotLocked(flow.lockKeys(request, attempt.registerNumber, 'signature'));
      const body = (request.body ?? {}) as Record<string, unknown>;
      const certificatePem = text(body.certificate, 20_000);
      const signature = text(body.signature, 2_000);
      const challenge = text(body.challenge, 200);
      const refuse = (reason: SignatureFailure) => ({
        field: reason.startsWith('certificate-') ? 'certificate' : 'signature',
        message: new AppError('LOGIN_SIGNATURE_INVALID', { reason: request.t(`identity.signature.reasons.${reason}`) }).text(request.lang),
      });

      // An empty field is a slip, not a guess: not counted, and the same challenge can still be signed.
      const missing = [...(certificatePem.trim() ? [] : ['certificate-missing' as const]), ...(signature.trim() ? [] : ['signature-missing' as const])];
      if (missing.length > 0) {
        const again = (await isUsable(ctx.db, uid, challenge)) ? challenge : await issueChallenge(ctx.db, uid);
        return show(request, reply, attempt, again, certificatePem, 400, missing.map(refuse));
      }

      const unusable = await spendChallenge(ctx.db, uid, challenge);
      const check = unusable
        ? ({ ok: false, reason: unusable } as const)
        : verifySignedChallenge({ certificatePem, signature, challenge, registerNumber: attempt.registerNumber, trustedCas: [await citizenCaCertificate(ctx), ...extraCas] });
      if (!check.ok) {
        await flow.failed(request, attempt, 'signature');
        // The certificate stays filled in: after a slip only the signature over the new challenge is needed.
        return show(request, reply, attempt, await issueChallenge(ctx.db, uid), certificatePem, 400, [refuse(check.reason)]);
      }
      return reply.redirect(await flow.authenticated(request, attempt, 'signature', ['sc', 'pop']), 303);
    });
  },
};
