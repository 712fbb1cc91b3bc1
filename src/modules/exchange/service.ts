// The exchange: authenticate the calling member's system, check its access right, call the
// provider (inside the platform or over HTTP), check the person's consent when personal data
// comes back, log the message (waiting for the log to commit), and answer in the X-Road REST
// protocol's terms. Refusals are logged like everything else.
import { X509Certificate, createHash, createHmac, createPublicKey, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { Batcher } from '../../kernel/batcher.ts';
import type { AppContext } from '../../kernel/context.ts';
import { AppError } from '../../kernel/errors.ts';
import { verifyRequest } from '../../kernel/http-signature.ts';
import type { Lang } from '../../kernel/i18n.ts';
import { generateKeyPair } from '../../kernel/pki.ts';
import { isPersonNumber, personNumbersIn } from '../../kernel/person-number.ts';
import { seal, unseal } from '../../kernel/secrets.ts';
import { storable } from '../../kernel/storable.ts';
import { HOP_BY_HOP, SIGNED_WHEN_PRESENT, globMatches, isLocalCaller, isLoopback, maskRegisterNumbers, normalisePath, requestHash, subjectHash } from './access.ts';
import { CODE, INSTANCE_OR_CLASS, formatServiceId, parseClientId, type ClientId, type ServiceId } from './identifiers.ts';
import { MessageLog, verifyLog, type LogEntry, type SigningKey, type VerifyReport } from './log.ts';
import * as store from './store.ts';
import { purposeText } from './purpose.ts';
import { signCheckpoint, type LogWitness } from './witness.ts';
import { LruCache } from '../../kernel/lru.ts';

export interface ExchangeRequest {
  method: string;
  /** Path and query after the service code, raw ("/УБ..%D0?x=1"). */
  subPath: string;
  query: string;
  /** The whole request line target, for the request hash. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer | undefined;
  remoteAddress: string | undefined;
  /** PEM of a verified TLS client certificate, when the connection had one. */
  peerCertificatePem?: string | undefined;
  /** The exchange node the request came through (node-to-node interface), when it did. */
  viaNode?: string | undefined;
  /** The header that names the client in the caller's protocol (GovStack: Information-Mediator-Client), for messages. */
  clientHeaderName?: string;
  lang: Lang;
}

export interface ExchangeResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface ProviderRequest {
  method: string;
  /** Decoded path after the service code, e.g. "/УБ90051428". */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: Buffer | undefined;
  client: string;
  service: store.ServiceRow;
  requestId: string;
}

export interface ProviderResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON-serialisable, or raw bytes. */
  body: unknown;
  /**
   * Register numbers of the people whose data the response discloses: for a personal service the
   * client needs consent covering each of them.
   */
  subjects?: string[];
  /** Other people the response names (a parent on a birth reference): logged for them, no consent asked. */
  mentioned?: string[];
  /** The client owns this data (an agency reading its own registry): no consent is asked, the read is still logged. */
  consentExempt?: 'owner';
  /**
   * The answer is about people even though it names none (a lookup that matched nobody): consent
   * is asked all the same, so whether anyone matched cannot be learnt without it.
   */
  consentRequired?: boolean;
}

export type ProviderHandler = (request: ProviderRequest) => Promise<ProviderResponse>;

/** An X-Road style error: its type, status and message key in exchange.errors. */
interface Refusal {
  type: string;
  status: number;
  message: string;
  params?: Record<string, string>;
}

const REFUSALS = {
  badRequest: { type: 'Client.BadRequest', status: 400, message: 'badRequest' },
  invalidClient: { type: 'Client.InvalidClientIdentifier', status: 400, message: 'invalidClient' },
  invalidService: { type: 'Client.InvalidServiceIdentifier', status: 400, message: 'invalidService' },
  unknownClient: { type: 'Server.ClientProxy.UnknownMember', status: 401, message: 'unknownClient' },
  unauthenticated: { type: 'Server.ClientProxy.AuthenticationFailed', status: 401, message: 'unauthenticated' },
  replay: { type: 'Server.ClientProxy.DuplicateMessage', status: 409, message: 'replay' },
  unknownService: { type: 'Server.ServerProxy.UnknownService', status: 404, message: 'unknownService' },
  serviceDisabled: { type: 'Server.ServerProxy.ServiceDisabled', status: 503, message: 'serviceDisabled' },
  accessDenied: { type: 'Server.ServerProxy.AccessDenied', status: 403, message: 'accessDenied' },
  purposeRequired: { type: 'Server.ServerProxy.PurposeRequired', status: 400, message: 'purposeRequired' },
  consentRequired: { type: 'Server.ServerProxy.ConsentRequired', status: 403, message: 'consentRequired' },
  consentInvalid: { type: 'Server.ServerProxy.ConsentInvalid', status: 403, message: 'consentInvalid' },
  codeInvalid: { type: 'Server.ServerProxy.ConsentCodeInvalid', status: 403, message: 'codeInvalid' },
  codeLocked: { type: 'Server.ServerProxy.ConsentCodeLocked', status: 429, message: 'codeLocked' },
  serviceFailed: { type: 'Server.ServerProxy.ServiceFailed', status: 502, message: 'serviceFailed' },
  timeout: { type: 'Server.ServerProxy.ServiceTimeout', status: 504, message: 'timeout' },
  bodyTooLarge: { type: 'Client.BodyTooLarge', status: 413, message: 'bodyTooLarge' },
  internal: { type: 'Server.ServerProxy.InternalError', status: 500, message: 'internal' },
} as const satisfies Record<string, Refusal>;

type RefusalName = keyof typeof REFUSALS;

class Refused extends Error {
  constructor(
    readonly refusal: RefusalName,
    readonly params: Record<string, string> = {},
  ) {
    super(refusal);
  }
}

export interface ExchangeOptions {
  /** X-Road instance of this exchange, e.g. "MN". */
  instance: string;
  /** This node's id, written in every log entry. */
  nodeId: string;
  /** On a satellite node: sends requests for services this node does not hold to the central node. */
  forward?: (service: ServiceId, request: ExchangeRequest, client: string) => Promise<ExchangeResponse>;
  /** Keeps signed checkpoints of the log's head outside the database (see witness.ts). */
  witness?: LogWitness;
  /** How often a checkpoint is made while the log grows, ms (one is made on shutdown too). */
  checkpointEveryMs?: number;
}

export interface ConsentCodeRequest {
  subject: string;
  services: string[];
  purpose: string;
}

/** What the exchange needs from the rest of the platform to send codes to people. */
export interface ConsentCodeDelivery {
  mobileOf(registerNumber: string): Promise<string | undefined>;
  send(mobile: string, text: string, lang: Lang): Promise<void>;
}

export interface Exchange {
  readonly instance: string;
  /** A satellite node: services it does not hold are called at the central node. */
  readonly forwards: boolean;
  provide(handler: string, run: ProviderHandler): void;
  directory(): Promise<store.Directory>;
  invalidate(): void;
  handle(service: ServiceId, request: ExchangeRequest): Promise<ExchangeResponse>;
  /** Answers (and logs) a request refused before it could be routed: a malformed address, an oversized body. */
  refuse(service: ServiceId | undefined, request: ExchangeRequest, refusal: 'badRequest' | 'invalidService' | 'bodyTooLarge', params?: Record<string, string>): Promise<ExchangeResponse>;
  /** Authenticates the caller of a metaservice (no access check); the client id or a refusal response. */
  authenticateOnly(request: ExchangeRequest, clientHeader: string | undefined): Promise<{ client: string } | { response: ExchangeResponse }>;
  requestConsentCode(client: string, request: ConsentCodeRequest, delivery: ConsentCodeDelivery, lang: Lang): Promise<{ id: string; expiresAt: string; sentTo: string }>;
  /** A code the person read out (at a service centre) as their consent to `client`: the consent's id, or why not. */
  redeemConsentCode(client: string, subject: string, code: string): Promise<{ consentId: string } | { refusal: 'codeInvalid' | 'codeLocked' }>;
  accessLog(registerNumber: string, limit?: number): Promise<store.AccessRow[]>;
  consentsOf(registerNumber: string): Promise<store.ConsentRow[]>;
  withdrawConsent(registerNumber: string, consentId: string): Promise<void>;
  grantConsent(consent: { subject: string; clientId: string; services: string[]; purpose: string; method: 'portal' | 'operator'; days: number }): Promise<store.ConsentRow>;
  /** Checks the log's chain and signatures, and its end against the witness's newest checkpoint. */
  verifyLog(onProgress?: (done: number, total: number) => void): Promise<VerifyReport>;
  /** Where checkpoints of the log are kept, if anywhere. */
  readonly witness: string | undefined;
  /** The platform's own signing identity for a subsystem it operates (e.g. the portal). */
  platformKey(subsystemId: string): Promise<SigningKey>;
  subjectHash(registerNumber: string): string;
  /** Changes to the directory (members, subsystems, keys, services, rights); each takes effect at once here and within seconds on other processes. */
  admin: ExchangeAdmin;
  flush(): Promise<void>;
}

export interface ExchangeAdmin {
  upsertMember(member: { memberClass: string; memberCode: string; name: { mn: string; en: string }; agencyId?: string | null; instance?: string }): Promise<string>;
  upsertSubsystem(subsystem: { memberId: string; subsystemCode: string; name: { mn: string; en: string }; authMode?: 'signature' | 'tls' | 'local'; nodeId?: string | null }): Promise<string>;
  addKey(key: { subsystemId: string; keyId?: string; publicKeyPem: string; certificatePem?: string | null }): Promise<string>;
  revokeKey(keyId: string): Promise<void>;
  upsertService(service: { subsystemId: string; serviceCode: string; title: { mn: string; en: string }; description?: { mn: string; en: string }; kind: 'internal' | 'rest'; handler?: string | null; baseUrl?: string | null; openapi?: Record<string, unknown> | null; personal: boolean; timeoutMs?: number; enabled?: boolean }): Promise<string>;
  grant(right: { serviceId: string; clientId: string; method?: string; path?: string; grantedBy?: string | null }): Promise<string>;
  revoke(rightId: string): Promise<boolean>;
  upsertNode(node: { id: string; address: string; certificateFingerprint: string }): Promise<void>;
}

/** Service codes X-Road reserves for metaservices of a provider subsystem. */
export const META_SERVICES = new Set(['listMethods', 'allowedMethods', 'getOpenAPI']);

/** Thrown past the provider call when a metaservice has already set the response. */
class Answered extends Error {}

const SIGNED_COMPONENTS = ['@method', '@path', '@query', 'x-road-client', 'x-road-id'];
const CODE_MINUTES = 10;
/** How long another process may still honour a consent withdrawn elsewhere. */
const CONSENT_CACHE_MS = 5_000;
const CODE_ATTEMPTS = 5;

/**
 * The path and query after the service code, percent-decoded where possible (for the log). What
 * cannot be stored as text (a NUL, half a surrogate pair) is kept as its escape, so the message is
 * still logged as it came and nothing in it can fail the batch it is written with.
 */
function readableTarget(request: ExchangeRequest): string {
  const decode = (text: string) => {
    try {
      return decodeURIComponent(text.replace(/\+/g, ' '));
    } catch {
      return text;
    }
  };
  return storable(`${decode(request.subPath)}${request.query ? `?${decode(request.query)}` : ''}`);
}

/** The people a refused request names in its address (a refused read is theirs to see too). */
function subjectsNamedIn(request: ExchangeRequest): string[] {
  return personNumbersIn(readableTarget(request));
}

/** A header's text as the log can keep it, or null. */
function optionalStorable(text: string | undefined): string | null {
  return text === undefined ? null : storable(text);
}

function purposeOf(request: ExchangeRequest): string | undefined {
  // Room for a purpose in both languages (see purpose.ts).
  const purpose = header(request.headers, 'urtuu-purpose');
  return purpose === undefined ? undefined : storable(purpose.slice(0, 500));
}

/** Consent records and access rights are named by UUIDs. */
const UUID = /^[0-9a-f-]{36}$/i;

function header(headers: ExchangeRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

export function createExchange(ctx: AppContext, options: ExchangeOptions): Exchange {
  const { db, config } = ctx;
  const handlers = new Map<string, ProviderHandler>();
  const secret = config.sessionSecret;
  let snapshot: { at: number; value: Promise<store.Directory> } | undefined;
  let logKey: SigningKey | undefined;
  const refreshMs = Math.max(1000, Math.min(config.cacheTtlMs || 5000, 30_000));

  function directory(): Promise<store.Directory> {
    if (!snapshot || Date.now() - snapshot.at > refreshMs) {
      const value = store.loadDirectory(db);
      snapshot = { at: Date.now(), value };
      value.catch(() => {
        snapshot = undefined;
      });
    }
    return snapshot.value;
  }

  async function ensureLogKey(): Promise<SigningKey> {
    if (logKey) return logKey;
    const id = 'log-signing-1';
    let row = await store.findKey(db, id);
    if (!row) {
      const pair = generateKeyPair();
      await store.insertKeyIfAbsent(db, { id, privateKey: seal(secret, pair.privateKeyPem), publicKeyPem: pair.publicKeyPem, certificatePem: null });
      row = await store.findKey(db, id);
    }
    logKey = { keyId: id, privateKeyPem: unseal(secret, row!.private_key) };
    return logKey;
  }

  const log = new MessageLog(db, () => {
    if (!logKey) throw new Error('log key not loaded');
    return logKey;
  });

  // Replays of signed requests are caught across processes by one insert per batch.
  const seen = new Batcher<{ keyId: string; nonce: string }, boolean>({
    maxItems: 500,
    maxWaitMs: 0,
    run: async (items) => {
      const replays = await store.markSeen(db, items);
      return items.map((_, index) => replays.has(index));
    },
  });
  const pruneTimer = setInterval(() => {
    store.pruneSeen(db, 900).catch(() => {});
  }, 60_000);
  pruneTimer.unref();

  // Checkpoints of what this process wrote, so cutting entries off the end of the log shows.
  let checkpointed = 0;
  async function checkpoint(): Promise<void> {
    const head = log.lastCommitted();
    if (!options.witness || !head || head.seq <= checkpointed || !logKey) return;
    await options.witness.record(signCheckpoint(options.nodeId, head, logKey));
    checkpointed = Math.max(checkpointed, head.seq);
  }
  const checkpointTimer = options.witness
    ? setInterval(() => {
        checkpoint().catch((error: unknown) => ctx.log.error({ err: error, witness: options.witness?.description }, 'exchange log checkpoint failed'));
      }, options.checkpointEveryMs ?? 60_000)
    : undefined;
  checkpointTimer?.unref();

  function errorResponse(refusal: RefusalName, params: Record<string, string>, requestId: string, lang: Lang, accept: string | undefined): ExchangeResponse {
    const definition = REFUSALS[refusal];
    const message = ctx.i18n.t(lang, `exchange.errors.${definition.message}`, params);
    const wantsXml = /(^|,)\s*(text\/xml|application\/xml|text\/\*)/.test(accept ?? '');
    const body = wantsXml
      ? `<error><type>${definition.type}</type><message>${message.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]!)}</message><detail>${requestId}</detail></error>`
      : JSON.stringify({ type: definition.type, message, detail: requestId });
    return {
      status: definition.status,
      headers: { 'content-type': wantsXml ? 'text/xml; charset=utf-8' : 'application/json; charset=utf-8', 'x-road-error': definition.type },
      body: Buffer.from(body),
    };
  }

  /** Who is calling: checked by the client subsystem's authentication mode. */
  /**
   * Who is calling. For a signed request the replay check is under way when this returns:
   * `replay` settles with the answer (refused when it is a replay), so the caller decides what may
   * run alongside it.
   */
  async function authenticate(request: ExchangeRequest, clientHeader: string | undefined, dir: store.Directory): Promise<{ clientId: ClientId; client: string; subsystem: store.SubsystemRow; replay?: Promise<void> }> {
    const clientId = parseClientId(clientHeader);
    if (!clientId || !clientId.subsystemCode) throw new Refused('invalidClient', { header: clientHeaderNameOf(request) });
    const client = `${clientId.instance}/${clientId.memberClass}/${clientId.memberCode}/${clientId.subsystemCode}`;
    const subsystem = dir.subsystems.find((row) => row.id === client && row.status === 'active');
    const member = dir.members.find((row) => row.id === subsystem?.member_id && row.status === 'active');
    if (!subsystem || !member) throw new Refused('unknownClient', { client });

    if (request.viaNode) {
      // Another exchange node vouches for the client: it must be the node that serves it.
      if (subsystem.node_id !== request.viaNode) throw new Refused('unauthenticated', { reason: 'node' });
      return { clientId, client, subsystem };
    }
    if (subsystem.auth_mode === 'local') {
      if (!isLocalCaller(request.remoteAddress, request.headers, config.trustProxy)) throw new Refused('unauthenticated', { reason: isLoopback(request.remoteAddress) ? 'forwarded by a proxy' : 'not local' });
      return { clientId, client, subsystem };
    }
    if (subsystem.auth_mode === 'tls') {
      if (!request.peerCertificatePem) throw new Refused('unauthenticated', { reason: 'no client certificate' });
      const presented = new X509Certificate(request.peerCertificatePem).fingerprint256;
      const registered = dir.keys.some((key) => key.subsystem_id === client && key.certificate_pem && new X509Certificate(key.certificate_pem).fingerprint256 === presented);
      if (!registered) throw new Refused('unauthenticated', { reason: 'certificate not registered' });
      return { clientId, client, subsystem };
    }
    const keys = new Map(dir.keys.filter((key) => key.subsystem_id === client).map((key) => [key.key_id, key.public_key_pem]));
    const result = verifyRequest(
      { method: request.method, url: request.url, headers: request.headers, body: request.body },
      { keyFor: (id) => keys.get(id), required: SIGNED_COMPONENTS, requiredWhenPresent: SIGNED_WHEN_PRESENT, maxAgeSeconds: 300 },
    );
    if (!result.ok) throw new Refused('unauthenticated', { reason: result.reason });
    if (!result.nonce) throw new Refused('unauthenticated', { reason: 'no nonce' });
    const replay = seen.submit({ keyId: result.keyId, nonce: result.nonce }).then((replayed) => {
      if (replayed) throw new Refused('replay');
    });
    // Settled by whoever awaits it; never an unhandled rejection in between.
    replay.catch(() => {});
    return { clientId, client, subsystem, replay };
  }

  function allowed(dir: store.Directory, service: store.ServiceRow, client: string, clientMember: string, method: string, path: string): boolean {
    return dir.rights.some(
      (right) =>
        right.service_id === service.id &&
        (right.client_id === client || right.client_id === clientMember) &&
        (right.method === '*' || right.method.toUpperCase() === method.toUpperCase()) &&
        globMatches(right.path, path),
    );
  }

  function codeHash(code: string, subject: string): string {
    return createHmac('sha256', secret).update(`consent-code:${subject}:${code}`).digest('hex');
  }

  /**
   * Checks consent evidence against the people whose data the response discloses; every one of
   * them must be covered (so a consent cannot open a list of other people). Returns the consent.
   */
  // Consent records by id, kept briefly: a consent is read on every request for a person's data
  // and changes only when granted (a new id) or withdrawn. A withdrawal clears it here at once;
  // other processes sharing the database honour it within CONSENT_CACHE_MS. Expiry is checked
  // on every use against the record's own expiry time.
  const consents = new LruCache<store.ConsentRow>(20_000, CONSENT_CACHE_MS);
  async function consentById(id: string): Promise<store.ConsentRow | undefined> {
    const cached = consents.get(id);
    if (cached) return cached;
    const row = await store.findConsent(db, id);
    if (row && !row.withdrawn_at) consents.set(id, row);
    return row;
  }

  /** Turns a one-time code the person passed on into a consent; a wrong guess is counted. Any service of the code when `serviceId` is not given. */
  async function redeemCode(subject: string, client: string, code: string, serviceId?: string): Promise<{ consentId: string } | { refusal: RefusalName }> {
    if (!/^[0-9]{6}$/.test(code)) return { refusal: 'codeInvalid' };
    return db.transaction(async (tx): Promise<{ consentId: string } | { refusal: RefusalName }> => {
      const open = (await store.openCodes(tx, subject, client)).filter((row) => serviceId === undefined || row.services.includes(serviceId) || row.services.includes('*'));
      if (open.length === 0) return { refusal: 'codeInvalid' };
      if (open.every((row) => row.attempts >= CODE_ATTEMPTS)) return { refusal: 'codeLocked' };
      const expected = Buffer.from(codeHash(code, subject));
      const match = open.find((row) => row.attempts < CODE_ATTEMPTS && timingSafeEqual(Buffer.from(row.code_hash), expected));
      if (!match) {
        // The wrong guess is counted: it commits with this transaction, before the refusal.
        await store.bumpAttempts(tx, open.map((row) => row.id));
        return { refusal: 'codeInvalid' };
      }
      const consent = await store.insertConsent(tx, { subject, clientId: client, services: match.services, purpose: match.purpose, method: 'code', expiresAt: new Date(Date.now() + CODE_MINUTES * 60_000) });
      await store.redeemCode(tx, match.id, consent.id);
      return { consentId: consent.id };
    });
  }

  async function checkConsent(request: ExchangeRequest, client: string, clientMember: string, serviceId: string, subjects: string[], prefetched?: Promise<store.ConsentRow | undefined>): Promise<string> {
    const consentHeader = header(request.headers, 'urtuu-consent');
    const code = header(request.headers, 'urtuu-consent-code');
    const covers = (consent: { client_id: string; services: string[] }) =>
      (consent.client_id === client || consent.client_id === clientMember) && (consent.services.includes(serviceId) || consent.services.includes('*'));
    if (subjects.length !== 1) throw new Refused(consentHeader || code ? 'consentInvalid' : 'consentRequired');
    const subject = subjects[0]!;
    if (consentHeader) {
      if (!UUID.test(consentHeader)) throw new Refused('consentInvalid');
      const consent = await (prefetched ?? consentById(consentHeader));
      if (!consent || consent.withdrawn_at || new Date(consent.expires_at) < new Date() || consent.subject !== subject || !covers(consent)) throw new Refused('consentInvalid');
      return consent.id;
    }
    if (code) {
      const outcome = await redeemCode(subject, client, code, serviceId);
      if ('refusal' in outcome) throw new Refused(outcome.refusal);
      return outcome.consentId;
    }
    throw new Refused('consentRequired');
  }

  async function callProvider(service: store.ServiceRow, providerRequest: ProviderRequest, request: ExchangeRequest, forwardHeaders: Record<string, string>): Promise<ProviderResponse> {
    if (service.kind === 'internal') {
      const run = service.handler ? handlers.get(service.handler) : undefined;
      if (!run) throw new Refused('serviceFailed');
      return run(providerRequest);
    }
    if (!service.base_url) throw new Refused('serviceFailed');
    const target = `${service.base_url.replace(/\/+$/, '')}${request.subPath}${request.query ? `?${request.query}` : ''}`;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), service.timeout_ms);
    try {
      const response = await fetch(target, {
        method: request.method,
        headers: forwardHeaders,
        redirect: 'manual',
        signal: controller.signal,
        ...(request.body && request.body.length > 0 && !['GET', 'HEAD'].includes(request.method) ? { body: request.body } : {}),
      });
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        if (!HOP_BY_HOP.has(name) && !name.startsWith('x-road-')) headers[name] = value;
      });
      return { status: response.status, headers, body: Buffer.from(await response.arrayBuffer()) };
    } catch (error) {
      if (controller.signal.aborted) throw new Refused('timeout');
      ctx.log.warn({ err: error, service: service.id }, 'exchange provider failed');
      throw new Refused('serviceFailed');
    } finally {
      clearTimeout(timer);
    }
  }

  /** Endpoints of a service: from its OpenAPI paths, or every method and path. */
  function endpoints(service: store.ServiceRow): { method: string; path: string }[] {
    const paths = (service.openapi?.paths ?? {}) as Record<string, Record<string, unknown>>;
    const list: { method: string; path: string }[] = [];
    for (const [path, operations] of Object.entries(paths)) {
      for (const method of Object.keys(operations)) {
        if (['get', 'put', 'post', 'delete', 'patch', 'head', 'options'].includes(method)) list.push({ method: method.toUpperCase(), path: path.replace(/\{[^}]+\}/g, '*') });
      }
    }
    return list.length > 0 ? list : [{ method: '*', path: '/**' }];
  }

  function metaservice(dir: store.Directory, target: ServiceId, client: string, clientMember: string, query: URLSearchParams, lang: Lang, accept: string | undefined, requestId: string): ExchangeResponse {
    const subsystemId = `${target.instance}/${target.memberClass}/${target.memberCode}/${target.subsystemCode}`;
    if (!dir.subsystems.some((row) => row.id === subsystemId)) return errorResponse('unknownService', { service: subsystemId }, requestId, lang, accept);
    const services = dir.services.filter((row) => row.subsystem_id === subsystemId && row.status === 'enabled');
    const describe = (service: store.ServiceRow, endpointList: { method: string; path: string }[]) => ({
      member_class: target.memberClass,
      member_code: target.memberCode,
      object_type: 'SERVICE',
      service_code: service.service_code,
      service_type: service.openapi ? 'OPENAPI' : 'REST',
      subsystem_code: target.subsystemCode,
      xroad_instance: target.instance,
      endpoint_list: endpointList,
    });
    const json = (body: unknown): ExchangeResponse => ({ status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: Buffer.from(JSON.stringify(body)) });
    if (target.serviceCode === 'listMethods') return json({ service: services.map((service) => describe(service, endpoints(service))) });
    if (target.serviceCode === 'allowedMethods') {
      return json({
        service: services.flatMap((service) => {
          const rights = dir.rights.filter((right) => right.service_id === service.id && (right.client_id === client || right.client_id === clientMember));
          return rights.length > 0 ? [describe(service, rights.map((right) => ({ method: right.method, path: right.path })))] : [];
        }),
      });
    }
    const code = query.get('serviceCode') ?? '';
    const service = services.find((row) => row.service_code === code);
    if (!service) return errorResponse('unknownService', { service: `${subsystemId}/${code}` }, requestId, lang, accept);
    if (!service.openapi) return errorResponse('badRequest', { detail: 'the service has no OpenAPI description' }, requestId, lang, accept);
    return json({ ...service.openapi, servers: [{ url: `${config.baseUrl}/r1/${service.id.split('/').map(encodeURIComponent).join('/')}` }] });
  }

  interface Outcome {
    started: number;
    requestId: string;
    messageId: string;
    clientHeader: string | undefined;
    client: string | null;
    serviceText: string | null;
    subjects: string[];
    purpose: string | null;
    consentId: string | null;
    errorType: string | null;
    reqHash: string | null;
    accept: string | undefined;
  }

  /** Logs a message (waiting for the commit) and puts X-Road's headers on the answer. */
  async function record(request: ExchangeRequest, outcome: Outcome, given: ExchangeResponse): Promise<ExchangeResponse> {
    let response = given;
    const userId = header(request.headers, 'x-road-userid');
    const entry: LogEntry = {
      at: new Date().toISOString(),
      requestId: outcome.requestId,
      messageId: storable(outcome.messageId.slice(0, 200)),
      client: outcome.client,
      service: outcome.serviceText,
      method: request.method,
      path: maskRegisterNumbers(secret, readableTarget(request)).slice(0, 1000),
      status: response.status,
      errorType: outcome.errorType,
      userId: userId ? storable(maskRegisterNumbers(secret, userId).slice(0, 200)) : null,
      subjects: outcome.subjects.map((subject) => subjectHash(secret, subject)),
      purpose: outcome.purpose ? maskRegisterNumbers(secret, outcome.purpose) : null,
      consentId: outcome.consentId,
      issue: optionalStorable(header(request.headers, 'x-road-issue')?.slice(0, 200)),
      representedParty: optionalStorable(header(request.headers, 'x-road-represented-party')?.slice(0, 200)),
      requestHash: outcome.reqHash,
      responseHash: createHash('sha512').update(response.body).digest('base64'),
      durationMs: performance.now() - outcome.started,
      node: options.nodeId,
    };
    try {
      await ensureLogKey();
      await log.append(entry);
    } catch (error) {
      // Nothing is answered that is not logged.
      ctx.log.error({ err: error }, 'exchange log write failed');
      response = errorResponse('internal', {}, outcome.requestId, request.lang, outcome.accept);
    }
    response.headers['x-road-id'] = outcome.messageId;
    response.headers['x-road-request-id'] = outcome.requestId;
    if (outcome.serviceText) response.headers['x-road-service'] = outcome.serviceText;
    if (outcome.clientHeader) response.headers['x-road-client'] = outcome.clientHeader;
    if (outcome.reqHash) response.headers['x-road-request-hash'] = outcome.reqHash;
    return response;
  }

  /** The message id the client gave, or one made from this node's instance and the request id. */
  function messageIdOf(request: ExchangeRequest, requestId: string): string {
    return header(request.headers, 'x-road-id') ?? `${options.instance}-${requestId}`;
  }

  /** The header a caller names itself in: the one it sent, else the one its protocol uses. */
  function clientHeaderNameOf(request: ExchangeRequest): string {
    if (header(request.headers, 'information-mediator-client') !== undefined) return 'Information-Mediator-Client';
    if (header(request.headers, 'x-govstack-client') !== undefined) return 'X-GovStack-Client';
    if (header(request.headers, 'x-road-client') !== undefined) return 'X-Road-Client';
    return request.clientHeaderName ?? 'X-Road-Client';
  }

  /** The client as the request names it, in any of the three header spellings. */
  function clientHeaderOf(request: ExchangeRequest): string | undefined {
    return header(request.headers, 'x-road-client') ?? header(request.headers, 'information-mediator-client') ?? header(request.headers, 'x-govstack-client');
  }

  return {
    instance: options.instance,
    forwards: Boolean(options.forward),
    witness: options.witness?.description,
    provide(name, run) {
      handlers.set(name, run);
    },
    directory,
    invalidate() {
      snapshot = undefined;
    },

    async handle(serviceId, request) {
      const started = performance.now();
      const requestId = randomUUID();
      const accept = header(request.headers, 'accept');
      const clientHeader = clientHeaderOf(request);
      const messageId = messageIdOf(request, requestId);
      const serviceText = formatServiceId(serviceId);
      let client: string | null = null;
      let consentId: string | null = null;
      let subjects: string[] = [];
      let response!: ExchangeResponse;
      let errorType: string | null = null;
      let purpose = purposeOf(request) ?? null;
      let reqHash: string | null = null;
      let replay: Promise<void> | undefined;
      try {
        const dir = await directory();
        const authenticated = await authenticate(request, clientHeader, dir);
        client = authenticated.client;
        replay = authenticated.replay;
        const clientMember = client.split('/').slice(0, 3).join('/');
        if (META_SERVICES.has(serviceId.serviceCode)) {
          if (request.method !== 'GET') throw new Refused('badRequest', { detail: 'metaservices answer GET only' });
          await replay;
          response = metaservice(dir, serviceId, client, clientMember, new URLSearchParams(request.query), request.lang, accept, requestId);
          throw new Answered();
        }
        const service = dir.services.find((row) => row.id === serviceText);
        if (!service && options.forward && !request.viaNode) {
          await replay;
          try {
            response = await options.forward(serviceId, request, client);
          } catch (error) {
            ctx.log.warn({ err: error, service: serviceText }, 'forwarding to the central node failed');
            throw new Refused('serviceFailed');
          }
          throw new Answered();
        }
        if (!service) throw new Refused('unknownService', { service: serviceText });
        if (service.status !== 'enabled') throw new Refused('serviceDisabled', { service: serviceText });
        const path = normalisePath(request.subPath);
        if (path === undefined) throw new Refused('badRequest', { detail: 'path' });
        if (!allowed(dir, service, client, clientMember, request.method, path)) {
          throw new Refused('accessDenied', { client, service: serviceText, method: request.method, path: maskRegisterNumbers(secret, path) });
        }

        // What goes to the provider: the client's headers minus hop-by-hop ones and the exchange's own.
        const forwarded: [string, string][] = [];
        for (const [name, value] of Object.entries(request.headers)) {
          if (value === undefined || HOP_BY_HOP.has(name) || name === 'signature' || name === 'signature-input' || name.startsWith('urtuu-consent')) continue;
          forwarded.push([name, Array.isArray(value) ? value.join(', ') : value]);
        }
        forwarded.push(['x-road-request-id', requestId]);
        if (!header(request.headers, 'x-road-id')) forwarded.push(['x-road-id', messageId]);
        reqHash = requestHash(request.method, request.url, forwarded, request.body);
        const forwardHeaders = Object.fromEntries(forwarded);

        // A read runs while the replay check and the consent lookup are under way (three round
        // trips at once instead of one after another); a replayed read's answer is dropped.
        // Anything that may change data waits for the replay check first.
        const safe = request.method === 'GET' || request.method === 'HEAD';
        if (!safe) await replay;
        const consentHeader = header(request.headers, 'urtuu-consent');
        const prefetched = service.personal && consentHeader && UUID.test(consentHeader) ? consentById(consentHeader) : undefined;
        prefetched?.catch(() => {});
        const provided = await callProvider(service, {
          method: request.method,
          path,
          query: new URLSearchParams(request.query),
          headers: forwardHeaders,
          body: request.body,
          client,
          service,
          requestId,
        }, request, forwardHeaders);
        await replay;
        const disclosed = [...new Set(provided.subjects ?? [])];
        subjects = [...new Set([...disclosed, ...(provided.mentioned ?? [])])];
        if (service.personal && (disclosed.length > 0 || provided.consentRequired) && provided.consentExempt !== 'owner') {
          if (!purpose) throw new Refused('purposeRequired');
          consentId = await checkConsent(request, client, clientMember, service.id, disclosed, prefetched);
        }

        const body = Buffer.isBuffer(provided.body) ? provided.body : Buffer.from(provided.body === undefined ? '' : typeof provided.body === 'string' ? provided.body : JSON.stringify(provided.body));
        const headers: Record<string, string> = { ...(provided.headers ?? {}) };
        if (!Buffer.isBuffer(provided.body) && !headers['content-type']) headers['content-type'] = typeof provided.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
        if (consentId && header(request.headers, 'urtuu-consent-code')) headers['urtuu-consent'] = consentId;
        response = { status: provided.status, headers, body };
      } catch (thrown) {
        let error = thrown;
        // A replay is named as such, whatever else went wrong with it.
        if (replay && !(error instanceof Refused && error.refusal === 'replay')) {
          await replay.catch((replayed: unknown) => {
            if (replayed instanceof Refused) error = replayed;
          });
        }
        if (error instanceof Answered) {
          // A metaservice answered directly.
        } else if (error instanceof Refused) {
          response = errorResponse(error.refusal, error.params, requestId, request.lang, accept);
        } else if (error instanceof AppError) {
          response = errorResponse('badRequest', { detail: error.text(request.lang) }, requestId, request.lang, accept);
        } else {
          ctx.log.error({ err: error, service: serviceText }, 'exchange failure');
          response = errorResponse('internal', {}, requestId, request.lang, accept);
        }
        errorType = response!.headers['x-road-error'] ?? null;
        // A refused read of someone's data is theirs to see too: name them from the address.
        if (subjects.length === 0) subjects = subjectsNamedIn(request);
      }

      return record(request, { started, requestId, messageId, clientHeader, client, serviceText, subjects, purpose: purpose || null, consentId, errorType, reqHash, accept }, response);
    },

    async refuse(target, request, refusal, params = {}) {
      const requestId = randomUUID();
      const accept = header(request.headers, 'accept');
      const response = errorResponse(refusal, params, requestId, request.lang, accept);
      return record(request, {
        started: performance.now(), requestId, messageId: messageIdOf(request, requestId), clientHeader: clientHeaderOf(request),
        client: null, serviceText: target ? formatServiceId(target) : null, subjects: subjectsNamedIn(request), purpose: purposeOf(request) || null,
        consentId: null, errorType: REFUSALS[refusal].type, reqHash: null, accept,
      }, response);
    },

    async authenticateOnly(request, clientHeader) {
      const requestId = randomUUID();
      try {
        const dir = await directory();
        const { client, replay } = await authenticate(request, clientHeader, dir);
        await replay;
        return { client };
      } catch (error) {
        if (error instanceof Refused) return { response: errorResponse(error.refusal, error.params, requestId, request.lang, header(request.headers, 'accept')) };
        throw error;
      }
    },

    async requestConsentCode(client, request, delivery, lang) {
      if (!isPersonNumber(request.subject)) throw new AppError('VALIDATION_FAILED', { detail: 'subject' }, [{ field: 'subject', message: 'subject must be a register number' }]);
      if (await store.countRecentCodes(db, request.subject, 60) >= 5) throw new AppError('RATE_LIMITED');
      const mobile = await delivery.mobileOf(request.subject);
      if (!mobile) throw new AppError('VALIDATION_FAILED', { detail: 'no registered mobile number' }, [{ field: 'subject', message: 'the person has no registered mobile number' }]);
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const expiresAt = new Date(Date.now() + CODE_MINUTES * 60_000);
      const dir = await directory();
      const member = dir.members.find((row) => client.startsWith(`${row.id}/`));
      const serviceTitles = request.services.map((id) => {
        const service = dir.services.find((row) => row.id === id);
        return service ? (lang === 'mn' ? service.title_mn : service.title_en) : id;
      });
      const id = await store.insertCode(db, { subject: request.subject, clientId: client, services: request.services, purpose: request.purpose, codeHash: codeHash(code, request.subject), expiresAt });
      // Sending the SMS cannot be undone.
      await delivery.send(mobile, ctx.i18n.t(lang, 'exchange.consentCode', {
        client: member ? (lang === 'mn' ? member.name_mn : member.name_en) : client,
        services: serviceTitles.join(', '),
        purpose: purposeText(request.purpose, lang) ?? '',
        code,
        minutes: CODE_MINUTES,
      }), lang);
      return { id, expiresAt: expiresAt.toISOString(), sentTo: `${mobile.slice(0, 2)}****${mobile.slice(-2)}` };
    },

    async redeemConsentCode(client, subject, code) {
      const outcome = await redeemCode(subject, client, code);
      return 'refusal' in outcome ? { refusal: outcome.refusal === 'codeLocked' ? 'codeLocked' : 'codeInvalid' } : outcome;
    },

    accessLog: (registerNumber, limit = 200) => store.accessesOf(db, subjectHash(secret, registerNumber), limit),
    consentsOf: (registerNumber) => store.consentsOf(db, registerNumber),

    async withdrawConsent(registerNumber, consentId) {
      const consent = UUID.test(consentId) ? await store.findConsent(db, consentId) : undefined;
      if (!consent || consent.subject !== registerNumber) throw new AppError('NOT_FOUND');
      await store.withdrawConsent(db, consentId, registerNumber);
      consents.delete(consentId);
    },

    grantConsent: (consent) =>
      store.insertConsent(db, { subject: consent.subject, clientId: consent.clientId, services: consent.services, purpose: consent.purpose, method: consent.method, expiresAt: new Date(Date.now() + consent.days * 86_400_000) }),

    async verifyLog(onProgress) {
      await log.flush();
      let newest;
      try {
        newest = await options.witness?.newest(options.nodeId);
      } catch (error) {
        return { entries: 0, batches: 0, ok: false, firstBad: { seq: 0, reason: `the witness's newest checkpoint cannot be read (${(error as Error).message}): the witness was tampered with or damaged` } };
      }
      return verifyLog(db, await store.logPublicKeys(db), onProgress, newest);
    },

    async platformKey(subsystemId) {
      const id = `subsystem:${subsystemId}`;
      let row = await store.findKey(db, id);
      if (!row) {
        const pair = generateKeyPair();
        await store.insertKeyIfAbsent(db, { id, privateKey: seal(secret, pair.privateKeyPem), publicKeyPem: pair.publicKeyPem, certificatePem: null });
        row = await store.findKey(db, id);
        await store.addKey(db, { keyId: `${subsystemId}#platform`, subsystemId, publicKeyPem: row!.public_key_pem, certificatePem: null });
        snapshot = undefined;
      }
      return { keyId: `${subsystemId}#platform`, privateKeyPem: unseal(secret, row!.private_key) };
    },

    subjectHash: (registerNumber) => subjectHash(secret, registerNumber),

    admin: {
      async upsertMember(member) {
        const instance = member.instance ?? options.instance;
        if (!INSTANCE_OR_CLASS.test(instance) || !INSTANCE_OR_CLASS.test(member.memberClass) || !CODE.test(member.memberCode)) {
          throw new AppError('VALIDATION_FAILED', { detail: 'instance, class and member code' }, [{ field: 'memberCode', message: 'member class and code: letters, digits and \' ( ) + , - . = ?' }]);
        }
        const id = `${instance}/${member.memberClass}/${member.memberCode}`;
        await store.upsertMember(db, { id, instance, member_class: member.memberClass, member_code: member.memberCode, name_mn: member.name.mn, name_en: member.name.en, agency_id: member.agencyId ?? null });
        snapshot = undefined;
        return id;
      },
      async upsertSubsystem(subsystem) {
        if (!CODE.test(subsystem.subsystemCode)) throw new AppError('VALIDATION_FAILED', { detail: 'subsystem code' }, [{ field: 'subsystemCode', message: 'subsystem code: letters, digits and \' ( ) + , - . = ?' }]);
        const id = `${subsystem.memberId}/${subsystem.subsystemCode}`;
        await store.upsertSubsystem(db, { id, member_id: subsystem.memberId, subsystem_code: subsystem.subsystemCode, name_mn: subsystem.name.mn, name_en: subsystem.name.en, auth_mode: subsystem.authMode ?? 'signature', node_id: subsystem.nodeId ?? null });
        snapshot = undefined;
        return id;
      },
      async addKey(key) {
        try {
          createPublicKey(key.publicKeyPem);
        } catch {
          throw new AppError('VALIDATION_FAILED', { detail: 'public key' }, [{ field: 'publicKeyPem', message: 'not a PEM public key' }]);
        }
        const keyId = key.keyId ?? `${key.subsystemId}#${createHash('sha256').update(key.publicKeyPem).digest('hex').slice(0, 12)}`;
        await store.addKey(db, { keyId, subsystemId: key.subsystemId, publicKeyPem: key.publicKeyPem, certificatePem: key.certificatePem ?? null });
        snapshot = undefined;
        return keyId;
      },
      async revokeKey(keyId) {
        await store.revokeKey(db, keyId);
        snapshot = undefined;
      },
      async upsertService(service) {
        if (!CODE.test(service.serviceCode) || META_SERVICES.has(service.serviceCode)) throw new AppError('VALIDATION_FAILED', { detail: 'service code' }, [{ field: 'serviceCode', message: 'service code: letters, digits and \' ( ) + , - . = ?, not a metaservice name' }]);
        if (service.kind === 'rest' && !/^https?:\/\//.test(service.baseUrl ?? '')) throw new AppError('VALIDATION_FAILED', { detail: 'base URL' }, [{ field: 'baseUrl', message: 'a REST service needs an http(s) base URL' }]);
        const id = `${service.subsystemId}/${service.serviceCode}`;
        await store.upsertService(db, {
          id, subsystem_id: service.subsystemId, service_code: service.serviceCode, title_mn: service.title.mn, title_en: service.title.en,
          description_mn: service.description?.mn ?? '', description_en: service.description?.en ?? '', kind: service.kind,
          base_url: service.baseUrl ?? null, handler: service.handler ?? null, openapi: service.openapi ?? null, personal: service.personal,
          timeout_ms: service.timeoutMs ?? 10_000, status: service.enabled === false ? 'disabled' : 'enabled',
        });
        snapshot = undefined;
        return id;
      },
      async grant(right) {
        const id = await store.grantRight(db, { serviceId: right.serviceId, clientId: right.clientId, method: (right.method ?? '*').toUpperCase(), path: right.path ?? '/**', grantedBy: right.grantedBy ?? null });
        snapshot = undefined;
        return id;
      },
      async revoke(rightId) {
        const done = UUID.test(rightId) && (await store.revokeRight(db, rightId));
        snapshot = undefined;
        return done;
      },
      async upsertNode(node) {
        await store.upsertNode(db, { id: node.id, address: node.address, certificate_fingerprint: node.certificateFingerprint });
        snapshot = undefined;
      },
    },

    async flush() {
      clearInterval(pruneTimer);
      if (checkpointTimer) clearInterval(checkpointTimer);
      await seen.flush();
      await log.flush();
      // A witness that cannot be written must not stop the shutdown; the failure is logged loudly.
      await checkpoint().catch((error: unknown) => ctx.log.error({ err: error, witness: options.witness?.description }, 'exchange log checkpoint failed'));
    },
  };
}
