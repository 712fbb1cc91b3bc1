// Sign in with a QR code, as the e-Mongolia app does: the sign-in page shows a code; a phone on
// which the same person is already signed in opens it and approves; the waiting page moves on.
//
// Why it is safe enough to stand in for a password:
// - The approval must come from the person whose register number started the sign-in (the person
//   at the keyboard, not whom they act for), so a code passed to someone else is useless.
// - A two-digit number is shown on both screens: the person approves only the sign-in in front of
//   them, not one a phishing page relays.
// - From the app, the approval is a signature over a fresh random challenge with a key that never
//   leaves the phone (registered below): ECDSA P-256 with SHA-256, the signature in IEEE P1363
//   form (r‖s, 64 bytes, what WebCrypto's sign() returns), base64url without padding, over the
//   UTF-8 bytes of the challenge string exactly as the API gave it. Such an approval is reported
//   as amr ["hwk", "user"]. Approving on the phone's web page with its session alone (no key) is
//   allowed too and reported honestly as ["mca", "user"] (another channel, not a held key).
// - A QR code works for 5 minutes and moves one sign-in on once; a decision cannot be changed.
// The browser that waits is tied to the sign-in by the login binding cookie, so only it can poll.
import { createPublicKey, randomBytes, randomInt, verify } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { Type } from 'typebox';
import { requireRole } from '../../../kernel/auth.ts';
import type { Queryable } from '../../../kernel/db.ts';
import { AppError } from '../../../kernel/errors.ts';
import { formatDateTime } from '../../../kernel/format.ts';
import { isUuid } from '../../../kernel/ids.ts';
import { page } from '../../../web/index.ts';
import { clientName } from '../store.ts';
import type { LoginAttempt, LoginFlow, LoginMethod } from './types.ts';

/** How long a QR code can be approved. */
export const QR_MINUTES = 5;
/** Devices a person may have registered at once (removed ones do not count). */
export const DEVICE_LIMIT = 10;
/** What an approving device signs with: ECDSA P-256 / SHA-256, IEEE P1363 signature encoding. */
export const DEVICE_SIGNATURE = { curve: 'prime256v1', hash: 'sha256', encoding: 'ieee-p1363' } as const;

// ---- storage (this method's own tables, migration 002) ----

interface QrLoginRow {
  id: string;
  uid: string;
  register_number: string;
  client_id: string | null;
  challenge: string;
  confirm_code: string;
  status: 'pending' | 'approved' | 'refused';
  proof: 'device' | 'session' | null;
  consumed_at: Date | null;
  expires_at: Date;
}

interface DeviceRow {
  id: string;
  register_number: string;
  name: string;
  public_key_pem: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const QR_COLUMNS = 'id, uid, register_number, client_id, challenge, confirm_code, status, proof, consumed_at, expires_at';

async function findQrLogin(db: Queryable, id: string): Promise<QrLoginRow | undefined> {
  if (!isUuid(id)) return undefined;
  const { rows } = await db.query<QrLoginRow>(`SELECT ${QR_COLUMNS} FROM identity.qr_logins WHERE id = $1`, [id]);
  return rows[0];
}

/** The QR code this sign-in is showing: the newest one for the same person that nothing has acted on. */
async function currentQrLogin(db: Queryable, uid: string, registerNumber: string): Promise<QrLoginRow | undefined> {
  const { rows } = await db.query<QrLoginRow>(
    `SELECT ${QR_COLUMNS} FROM identity.qr_logins WHERE uid = $1 AND register_number = $2 AND consumed_at IS NULL ORDER BY created_at DESC LIMIT 1`,
    [uid, registerNumber],
  );
  return rows[0];
}

/** Retires every QR code of a sign-in still open, so an old code cannot be approved afterwards. */
async function retireQrLogins(db: Queryable, uid: string): Promise<void> {
  await db.query('UPDATE identity.qr_logins SET consumed_at = now() WHERE uid = $1 AND consumed_at IS NULL', [uid]);
}

async function createQrLogin(db: Queryable, attempt: LoginAttempt): Promise<QrLoginRow> {
  await retireQrLogins(db, attempt.uid);
  // Kept a day for the person's questions ("did I approve that?"), then nothing needs them.
  await db.query(`DELETE FROM identity.qr_logins WHERE expires_at < now() - interval '1 day'`);
  const client = await db.query<{ client_id: string | null }>(
    `SELECT payload->'params'->>'client_id' AS client_id FROM identity.oidc_items WHERE model = 'Interaction' AND id = $1`,
    [attempt.uid],
  );
  const { rows } = await db.query<QrLoginRow>(
    `INSERT INTO identity.qr_logins (uid, register_number, client_id, challenge, confirm_code, expires_at)
     VALUES ($1, $2, $3, $4, $5, now() + make_interval(mins => $6::int)) RETURNING ${QR_COLUMNS}`,
    [attempt.uid, attempt.registerNumber, client.rows[0]?.client_id ?? null, randomBytes(32).toString('base64url'), String(randomInt(10, 100)), QR_MINUTES],
  );
  return rows[0]!;
}

/** Marks an outcome as acted on; false when another request got there first. */
async function consumeQrLogin(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE identity.qr_logins SET consumed_at = now() WHERE id = $1 AND consumed_at IS NULL', [id]);
  return rowCount > 0;
}

async function devicesOf(db: Queryable, registerNumber: string): Promise<DeviceRow[]> {
  const { rows } = await db.query<DeviceRow>(
    'SELECT id, register_number, name, public_key_pem, created_at, last_used_at, revoked_at FROM identity.devices WHERE register_number = $1 ORDER BY revoked_at IS NOT NULL, created_at DESC LIMIT 100',
    [registerNumber],
  );
  return rows;
}

async function findDevice(db: Queryable, id: string): Promise<DeviceRow | undefined> {
  if (!isUuid(id)) return undefined;
  const { rows } = await db.query<DeviceRow>('SELECT id, register_number, name, public_key_pem, created_at, last_used_at, revoked_at FROM identity.devices WHERE id = $1', [id]);
  return rows[0];
}

async function revokeDevice(db: Queryable, registerNumber: string, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const { rowCount } = await db.query('UPDATE identity.devices SET revoked_at = now() WHERE id = $1 AND register_number = $2 AND revoked_at IS NULL', [id, registerNumber]);
  return rowCount > 0;
}

// ---- rules ----

/** The public key of a device as SPKI PEM, normalised; only an EC P-256 public key is accepted. */
export function devicePublicKey(pem: string): string {
  // createPublicKey would also derive a public key from a private one: a phone must never send that.
  if (!/^\s*-----BEGIN PUBLIC KEY-----/.test(pem)) throw new AppError('DEVICE_KEY_INVALID', { detail: 'SPKI PEM (-----BEGIN PUBLIC KEY-----)' });
  let key;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new AppError('DEVICE_KEY_INVALID', { detail: 'SPKI PEM (-----BEGIN PUBLIC KEY-----)' });
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== DEVICE_SIGNATURE.curve) {
    throw new AppError('DEVICE_KEY_INVALID', { detail: 'ECDSA P-256' });
  }
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

/** Whether `signature` (base64url, IEEE P1363) is the device's signature over the challenge. */
export function deviceSignatureValid(publicKeyPem: string, challenge: string, signature: string): boolean {
  if (!/^[A-Za-z0-9_-]{86}$/.test(signature)) return false;
  const bytes = Buffer.from(signature, 'base64url');
  if (bytes.length !== 64) return false;
  try {
    return verify(DEVICE_SIGNATURE.hash, Buffer.from(challenge, 'utf8'), { key: createPublicKey(publicKeyPem), dsaEncoding: DEVICE_SIGNATURE.encoding }, bytes);
  } catch {
    return false;
  }
}

/** The person at the keyboard: someone acting for a child or a company still approves as themselves. */
function approverOf(request: FastifyRequest): string {
  const number = request.principal?.actorRegisterNumber ?? request.principal?.registerNumber;
  if (!number) throw new AppError('FORBIDDEN');
  return number;
}

const isExpired = (login: QrLoginRow) => new Date(login.expires_at).getTime() <= Date.now();

/** What the waiting browser and the phone are told: expired covers a code replaced by a newer one. */
function statusOf(login: QrLoginRow): 'pending' | 'approved' | 'refused' | 'expired' {
  if (login.status !== 'pending') return login.status;
  return login.consumed_at || isExpired(login) ? 'expired' : 'pending';
}

type Proof = { kind: 'device'; deviceId: string; signature: string } | { kind: 'session' };

// ---- the method ----

export const qrMethod: LoginMethod = {
  id: 'qr',
  labelKey: 'identity.qr.label',
  hintKey: 'identity.qr.hint',
  // Anyone may try: a person without the app or a phone learns how on the page and can go back.
  available: () => true,
  async start(request, flow, attempt) {
    await flow.identity.assertNotLocked(flow.lockKeys(request, attempt.registerNumber, 'qr'));
  },
  register(app, flow) {
    const { db, audit, config } = flow.ctx;
    const citizen = { preHandler: requireRole('citizen') };

    /** The login an approver may act on; refuses another person's sign-in before saying anything about it. */
    async function loginForApprover(request: FastifyRequest, id: string): Promise<QrLoginRow> {
      const login = await findQrLogin(db, id);
      if (!login) throw new AppError('NOT_FOUND');
      if (approverOf(request) !== login.register_number) {
        await audit.record(db, request.principal, { action: 'identity.qr.wrong-person', subjectType: 'qr-login', subjectId: login.id }, request.id);
        throw new AppError('LOGIN_QR_WRONG_PERSON');
      }
      return login;
    }

    /** Approves or refuses once; the same checks whichever way the phone answers. */
    async function decide(request: FastifyRequest, id: string, decision: 'approved' | 'refused', proof: Proof): Promise<QrLoginRow> {
      const login = await loginForApprover(request, id);
      const status = statusOf(login);
      if (status === 'expired') throw new AppError('LOGIN_QR_EXPIRED');
      if (status !== 'pending') throw new AppError('LOGIN_QR_DECIDED');
      let deviceId: string | null = null;
      if (proof.kind === 'device') {
        const device = await findDevice(db, proof.deviceId);
        if (!device || device.revoked_at || device.register_number !== login.register_number) throw new AppError('DEVICE_UNKNOWN');
        if (!deviceSignatureValid(device.public_key_pem, login.challenge, proof.signature)) {
          await audit.record(db, request.principal, { action: 'identity.qr.bad-signature', subjectType: 'device', subjectId: device.id }, request.id);
          throw new AppError('LOGIN_SIGNATURE_INVALID', { reason: 'ECDSA P-256 SHA-256, IEEE P1363, base64url' });
        }
        deviceId = device.id;
      }
      // One statement decides, so two phones (or a replayed request) racing get one winner.
      const { rowCount } = await db.query(
        `UPDATE identity.qr_logins SET status = $2, proof = $3, device_id = $4, decided_by = $5, decided_at = now()
         WHERE id = $1 AND status = 'pending' AND consumed_at IS NULL AND expires_at > now()`,
        [login.id, decision, decision === 'approved' ? proof.kind : null, deviceId, login.register_number],
      );
      if (rowCount === 0) throw new AppError('LOGIN_QR_DECIDED');
      if (deviceId) await db.query('UPDATE identity.devices SET last_used_at = now() WHERE id = $1', [deviceId]);
      await audit.record(db, request.principal, { action: decision === 'approved' ? 'identity.qr.approve' : 'identity.qr.refuse', subjectType: 'qr-login', subjectId: login.id, details: { proof: proof.kind, ...(deviceId ? { deviceId } : {}) } }, request.id);
      return { ...login, status: decision };
    }

    // ---- the waiting page (the browser signing in) ----

    async function qrSvg(text: string, label: string): Promise<string> {
      const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
      const escaped = label.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
      // Size by attributes, not style: the CSP allows no inline styles.
      return svg.replace('<svg ', `<svg width="240" height="240" role="img" aria-label="${escaped}" focusable="false" `);
    }

    async function showWaiting(request: FastifyRequest, reply: FastifyReply, uid: string, login: QrLoginRow, checking: boolean) {
      const approveUrl = `${config.baseUrl}/${request.lang}/app/approve/${login.id}`;
      return reply.page('modules/identity/views/login-qr.njk', {
        state: 'waiting',
        uid,
        id: login.id,
        client: await clientName(db, login.client_id, request.lang),
        confirmCode: login.confirm_code,
        approveUrl,
        qrSvg: await qrSvg(approveUrl, request.t('identity.qr.qrLabel')),
        expiresAt: new Date(login.expires_at).toISOString(),
        expiresText: formatDateTime(login.expires_at),
        checking,
      }, { title: request.t('identity.qr.title') });
    }

    const showOutcome = (request: FastifyRequest, reply: FastifyReply, uid: string, state: 'expired' | 'refused') =>
      reply.page('modules/identity/views/login-qr.njk', { state, uid }, {
        status: state === 'expired' ? 410 : 403,
        title: request.t(state === 'expired' ? 'identity.qr.expiredTitle' : 'identity.qr.refusedTitle'),
      });

    page(app, 'GET', '/login/:uid/qr', {}, async (request, reply) => {
      const { uid } = request.params as { uid: string };
      const attempt = await flow.attempt(request, uid);
      const checking = Object.hasOwn((request.query ?? {}) as object, 'check');
      const login = await currentQrLogin(db, uid, attempt.registerNumber);
      if (!login) {
        await flow.identity.assertNotLocked(flow.lockKeys(request, attempt.registerNumber, 'qr'));
        return showWaiting(request, reply, uid, await createQrLogin(db, attempt), false);
      }
      const status = statusOf(login);
      if (status === 'approved') {
        // Only one request moves the sign-in on; a second tab finds it already done.
        if (!(await consumeQrLogin(db, login.id))) throw new AppError('LOGIN_QR_DECIDED');
        const amr = login.proof === 'device' ? ['hwk', 'user'] : ['mca', 'user'];
        return reply.redirect(await flow.authenticated(request, attempt, 'qr', amr), 303);
      }
      if (status === 'refused') {
        // Counted like a wrong code: someone may be trying to sign in as this person.
        if (await consumeQrLogin(db, login.id)) await flow.failed(request, attempt, 'qr');
        return showOutcome(request, reply, uid, 'refused');
      }
      if (status === 'expired') return showOutcome(request, reply, uid, 'expired');
      return showWaiting(request, reply, uid, login, checking);
    });

    // A new code: the old one can no longer be approved.
    page(app, 'POST', '/login/:uid/qr/new', {}, async (request, reply) => {
      const { uid } = request.params as { uid: string };
      const attempt = await flow.attempt(request, uid);
      await flow.identity.assertNotLocked(flow.lockKeys(request, attempt.registerNumber, 'qr'));
      await createQrLogin(db, attempt);
      return reply.redirect(`/${request.lang}/login/${uid}/qr`, 303);
    });

    const IdParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-fA-F-]{36}$' }) });
    const StatusAnswer = Type.Object({ status: Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('refused'), Type.Literal('expired')]), expiresAt: Type.String() });

    // Polled by the waiting page's script; only the browser holding this sign-in's binding may ask.
    app.get('/api/v1/identity/qr/:id/status', {
      schema: { tags: ['identity'], summary: 'State of a QR sign-in, for the browser waiting on it', params: IdParams, response: { 200: StatusAnswer } },
    }, async (request) => {
      const login = await findQrLogin(db, (request.params as { id: string }).id);
      if (!login) throw new AppError('NOT_FOUND');
      await flow.attempt(request, login.uid);
      return { status: statusOf(login), expiresAt: new Date(login.expires_at).toISOString() };
    });

    // ---- the phone ----

    app.get('/api/v1/identity/qr/:id', {
      ...citizen,
      schema: {
        tags: ['identity'],
        summary: 'A QR sign-in to approve: who asks, the number to compare, the challenge to sign',
        params: IdParams,
        response: { 200: Type.Object({ id: Type.String(), client: Type.String(), confirmCode: Type.String(), challenge: Type.String(), status: StatusAnswer.properties.status, expiresAt: Type.String() }) },
      },
    }, async (request) => {
      const login = await loginForApprover(request, (request.params as { id: string }).id);
      return { id: login.id, client: await clientName(db, login.client_id, request.lang), confirmCode: login.confirm_code, challenge: login.challenge, status: statusOf(login), expiresAt: new Date(login.expires_at).toISOString() };
    });

    app.post('/api/v1/identity/qr/:id/approve', {
      ...citizen,
      schema: {
        tags: ['identity'],
        summary: 'Approve a QR sign-in with a registered device: signature = base64url(IEEE P1363 ECDSA P-256 SHA-256 over the UTF-8 challenge)',
        params: IdParams,
        body: Type.Object({
          deviceId: Type.String({ pattern: '^[0-9a-fA-F-]{36}$' }),
          signature: Type.String({ minLength: 1, maxLength: 200 }),
        }, { additionalProperties: false }),
        response: { 200: Type.Object({ status: Type.Literal('approved') }) },
      },
    }, async (request) => {
      const body = request.body as { deviceId: string; signature: string };
      await decide(request, (request.params as { id: string }).id, 'approved', { kind: 'device', deviceId: body.deviceId, signature: body.signature });
      return { status: 'approved' as const };
    });

    app.post('/api/v1/identity/qr/:id/refuse', {
      ...citizen,
      schema: { tags: ['identity'], summary: 'Refuse a QR sign-in (no proof needed to say no)', params: IdParams, response: { 200: Type.Object({ status: Type.Literal('refused') }) } },
    }, async (request) => {
      await decide(request, (request.params as { id: string }).id, 'refused', { kind: 'session' });
      return { status: 'refused' as const };
    });

    async function showApprove(request: FastifyRequest, reply: FastifyReply, login: QrLoginRow, status = 200, errors: { field: string; message: string }[] = []) {
      return reply.page('modules/identity/views/app-approve.njk', {
        id: login.id,
        state: statusOf(login),
        client: await clientName(db, login.client_id, request.lang),
        confirmCode: login.confirm_code,
        expiresText: formatDateTime(login.expires_at),
      }, { status, title: request.t('identity.qr.approve.title'), errors });
    }

    page(app, 'GET', '/app/approve/:id', citizen, async (request, reply) => {
      const login = await loginForApprover(request, (request.params as { id: string }).id);
      return showApprove(request, reply, login);
    });

    page(app, 'POST', '/app/approve/:id', citizen, async (request, reply) => {
      const { id } = request.params as { id: string };
      const decision = ((request.body ?? {}) as Record<string, unknown>).decision;
      if (decision !== 'approve' && decision !== 'refuse') throw new AppError('VALIDATION_FAILED');
      try {
        await decide(request, id, decision === 'approve' ? 'approved' : 'refused', { kind: 'session' });
      } catch (error) {
        if (!(error instanceof AppError) || (error.code !== 'LOGIN_QR_DECIDED' && error.code !== 'LOGIN_QR_EXPIRED')) throw error;
        const login = (await findQrLogin(db, id))!;
        return showApprove(request, reply, login, error.status, [{ field: 'decision', message: error.text(request.lang) }]);
      }
      return reply.redirect(`/${request.lang}/app/approve/${id}`, 303);
    });

    // ---- devices ----

    app.post('/api/v1/identity/devices', {
      ...citizen,
      schema: {
        tags: ['identity'],
        summary: 'Register this phone for approving QR sign-ins: its ECDSA P-256 public key (SPKI PEM)',
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 60 }),
          publicKeyPem: Type.String({ minLength: 100, maxLength: 1000 }),
        }, { additionalProperties: false }),
        response: { 201: Type.Object({ deviceId: Type.String() }) },
      },
    }, async (request, reply) => {
      const body = request.body as { name: string; publicKeyPem: string };
      const owner = approverOf(request);
      const name = body.name.trim();
      if (!name) throw new AppError('VALIDATION_FAILED');
      const publicKeyPem = devicePublicKey(body.publicKeyPem);
      const active = (await devicesOf(db, owner)).filter((device) => !device.revoked_at);
      if (active.length >= DEVICE_LIMIT) throw new AppError('DEVICE_LIMIT', { limit: DEVICE_LIMIT });
      const { rows } = await db.query<{ id: string }>('INSERT INTO identity.devices (register_number, name, public_key_pem) VALUES ($1, $2, $3) RETURNING id', [owner, name, publicKeyPem]);
      const deviceId = rows[0]!.id;
      await audit.record(db, request.principal, { action: 'identity.device.register', subjectType: 'device', subjectId: deviceId }, request.id);
      return reply.status(201).send({ deviceId });
    });

    app.get('/api/v1/identity/devices', {
      ...citizen,
      schema: {
        tags: ['identity'],
        summary: 'My devices for approving QR sign-ins',
        response: { 200: Type.Object({ items: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), createdAt: Type.String(), lastUsedAt: Type.Union([Type.String(), Type.Null()]), revokedAt: Type.Union([Type.String(), Type.Null()]) })) }) },
      },
    }, async (request) => ({
      items: (await devicesOf(db, approverOf(request))).map((device) => ({
        id: device.id,
        name: device.name,
        createdAt: new Date(device.created_at).toISOString(),
        lastUsedAt: device.last_used_at ? new Date(device.last_used_at).toISOString() : null,
        revokedAt: device.revoked_at ? new Date(device.revoked_at).toISOString() : null,
      })),
    }));

    app.post('/api/v1/identity/devices/:id/revoke', {
      ...citizen,
      schema: { tags: ['identity'], summary: 'Remove one of my devices (it can no longer approve)', params: IdParams, response: { 200: Type.Object({ revoked: Type.Literal(true) }) } },
    }, async (request) => {
      const { id } = request.params as { id: string };
      if (!(await revokeDevice(db, approverOf(request), id))) throw new AppError('NOT_FOUND');
      await audit.record(db, request.principal, { action: 'identity.device.revoke', subjectType: 'device', subjectId: id }, request.id);
      return { revoked: true as const };
    });

    const devicesPage = async (request: FastifyRequest, reply: FastifyReply) =>
      reply.page('modules/identity/views/my-devices.njk', {
        devices: (await devicesOf(db, approverOf(request))).map((device) => ({ id: device.id, name: device.name, createdAt: device.created_at, lastUsedAt: device.last_used_at, revokedAt: device.revoked_at })),
      }, { title: request.t('identity.qr.devices.title') });

    page(app, 'GET', '/my/devices', citizen, async (request, reply) => devicesPage(request, reply));

    page(app, 'POST', '/my/devices', citizen, async (request, reply) => {
      const device = String(((request.body ?? {}) as Record<string, unknown>).revoke ?? '');
      if (!(await revokeDevice(db, approverOf(request), device))) throw new AppError('NOT_FOUND');
      await audit.record(db, request.principal, { action: 'identity.device.revoke', subjectType: 'device', subjectId: device }, request.id);
      return reply.redirect(`/${request.lang}/my/devices`, 303);
    });
  },
};
