// The exchange's administration pages: platform administrators keep the directory (members, their
// subsystems and keys, the services they publish and who may call them) through plain forms that
// post back to themselves. A mistake brings the form back with everything typed kept and an error
// summary (the GOV.UK pattern); a change lands on the overview with a banner and an audit entry.
import { X509Certificate, createHash, createPublicKey, type KeyObject } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditEntry } from '../../kernel/audit.ts';
import { requireRole } from '../../kernel/auth.ts';
import type { AppContext } from '../../kernel/context.ts';
import { AppError, type FieldError } from '../../kernel/errors.ts';
import type { Lang, Translate } from '../../kernel/i18n.ts';
import { page } from '../../web/index.ts';
import { CODE } from './identifiers.ts';
import { META_SERVICES, type Exchange } from './service.ts';
import type { Directory, KeyRow, RightRow } from './store.ts';

const ADMIN = requireRole('platform-admin');
const BASE = '/admin/exchange';
const VIEWS = 'modules/exchange/views';

const MEMBER_CLASSES = ['GOV', 'COM', 'NGO', 'ORG'] as const;
const AUTH_MODES = ['signature', 'tls', 'local'] as const;
const METHODS = ['*', 'GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const DONE = ['member', 'memberRenamed', 'subsystem', 'key', 'keyRevoked', 'service', 'right', 'rightRevoked'] as const;
type Done = (typeof DONE)[number];

const NAME_MAX = 200;
const KEY_MAX = 10_000;
const OPENAPI_MAX = 200_000;
const CYRILLIC = /[\u0400-\u04FF]/;
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/;

type FormBody = Record<string, string | string[] | undefined>;
type Values = Record<string, string>;

/** The named fields of a posted form, as typed (first value of each). */
function read(body: unknown, names: readonly string[]): Values {
  const form = (body ?? {}) as FormBody;
  const values: Values = {};
  for (const name of names) {
    const value = form[name];
    values[name] = ((Array.isArray(value) ? value[0] : value) ?? '').slice(0, name === 'openapi' ? OPENAPI_MAX + 1 : KEY_MAX + 1);
  }
  return values;
}

function query(request: FastifyRequest, name: string): string {
  const value = (request.query as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.slice(0, 300) : '';
}

const named = (lang: Lang, row: { name_mn: string; name_en: string }) => (lang === 'mn' ? row.name_mn : row.name_en);
const titled = (lang: Lang, row: { title_mn: string; title_en: string }) => (lang === 'mn' ? row.title_mn : row.title_en);

/** Collects field errors in the order the fields appear on the form. */
class Problems {
  readonly list: FieldError[] = [];
  constructor(private readonly t: Translate) {}
  add(field: string, key: string, params?: Record<string, string | number>): void {
    if (!this.list.some((error) => error.field === field)) this.list.push({ field, message: this.t(`exchange.admin.errors.${key}`, params) });
  }
  has(field: string): boolean {
    return this.list.some((error) => error.field === field);
  }
  /** A required name of at most NAME_MAX characters; a Mongolian one must be written in Cyrillic. */
  name(values: Values, field: string, key: string, mongolian: boolean): void {
    const text = values[field]!.trim();
    if (!text) this.add(field, key);
    else if (text.length > NAME_MAX) this.add(field, 'tooLong', { max: NAME_MAX });
    else if (mongolian && !CYRILLIC.test(text)) this.add(field, `${key}Cyrillic`);
  }
  /** A member, subsystem or service code (the same rule the exchange applies). */
  code(values: Values, field: string, key: string): void {
    const text = values[field]!.trim();
    if (!text) this.add(field, key);
    else if (!CODE.test(text)) this.add(field, 'codeFormat');
  }
}

// The exchange's own validation names its fields as its API does; these are the form's names for them.
const SERVICE_FIELDS: Record<string, { field: string; key: string }> = {
  memberCode: { field: 'memberCode', key: 'codeFormat' },
  subsystemCode: { field: 'subsystemCode', key: 'codeFormat' },
  publicKeyPem: { field: 'key', key: 'keyInvalid' },
  serviceCode: { field: 'serviceCode', key: 'codeFormat' },
  baseUrl: { field: 'baseUrl', key: 'baseUrl' },
};

/** Runs a change; the exchange's own validation failures come back as the form's field errors. */
async function attempt<T>(request: FastifyRequest, change: () => Promise<T>): Promise<{ value: T } | { errors: FieldError[] }> {
  try {
    return { value: await change() };
  } catch (error) {
    if (error instanceof AppError && error.code === 'VALIDATION_FAILED' && error.fieldErrors.length > 0) {
      return {
        errors: error.fieldErrors.map((fieldError) => {
          const known = SERVICE_FIELDS[fieldError.field];
          return known ? { field: known.field, message: request.t(`exchange.admin.errors.${known.key}`) } : { field: fieldError.field, message: error.text(request.lang) };
        }),
      };
    }
    throw error;
  }
}

/** SHA-256 of the key's SubjectPublicKeyInfo, in groups of four so it wraps on a phone. */
function fingerprint(publicKeyPem: string): string {
  try {
    const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
    return createHash('sha256').update(der).digest('hex').replace(/(.{4})(?=.)/g, '$1 ');
  } catch {
    return '';
  }
}

interface Agency {
  id: string;
  name: { mn: string; en: string };
  abbreviation: { mn: string; en: string };
}

/** The catalogue's agencies, from the lookup the app wires in (the exchange holds no reference to the catalogue); undefined when there is none or it fails. */
export type AgencyLookup = (lang: Lang) => Promise<Agency[]>;

async function catalogueAgencies(lookup: AgencyLookup | undefined, lang: Lang): Promise<Agency[] | undefined> {
  if (!lookup) return undefined;
  try {
    return await lookup(lang);
  } catch {
    return undefined;
  }
}

/** A key pasted into the form: a certificate, or a public key; never a private key. */
interface PastedKey {
  publicKeyPem: string;
  certificatePem: string | null;
  key: KeyObject;
}

function readPastedKey(text: string, problems: Problems): PastedKey | undefined {
  const pasted = text.replace(/\r\n?/g, '\n').trim();
  if (!pasted) return void problems.add('key', 'keyText');
  if (pasted.length > KEY_MAX) return void problems.add('key', 'tooLong', { max: KEY_MAX });
  if (/PRIVATE KEY-----/.test(pasted)) return void problems.add('key', 'keyPrivate');
  const block = PEM_BLOCK.exec(pasted);
  if (!block) return void problems.add('key', 'keyInvalid');
  if (block[1] === 'CERTIFICATE') {
    try {
      const certificate = new X509Certificate(block[0]);
      const key = certificate.publicKey;
      return { publicKeyPem: key.export({ type: 'spki', format: 'pem' }).toString(), certificatePem: `${block[0]}\n`, key };
    } catch {
      return void problems.add('key', 'certificateInvalid');
    }
  }
  if (block[1] !== 'PUBLIC KEY' && block[1] !== 'RSA PUBLIC KEY') return void problems.add('key', 'keyInvalid');
  try {
    const key = createPublicKey(block[0]);
    return { publicKeyPem: key.export({ type: 'spki', format: 'pem' }).toString(), certificatePem: null, key };
  } catch {
    return void problems.add('key', 'keyInvalid');
  }
}

/** Reads a pasted OpenAPI document: JSON, an object with an "openapi" version and "paths". */
function readOpenApi(text: string, problems: Problems): Record<string, unknown> | null | undefined {
  if (!text.trim()) return null;
  if (text.length > OPENAPI_MAX) return void problems.add('openapi', 'tooLong', { max: OPENAPI_MAX });
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return void problems.add('openapi', 'openapiJson');
  }
  const object = document as Record<string, unknown> | null;
  if (!object || typeof object !== 'object' || Array.isArray(object) || typeof object.openapi !== 'string' || !object.paths || typeof object.paths !== 'object' || Array.isArray(object.paths)) {
    return void problems.add('openapi', 'openapiShape');
  }
  return object;
}

/** Registers the exchange's administration pages under /{lang}/admin/exchange, for platform administrators. */
export function registerExchangeAdminPages(app: FastifyInstance, ctx: AppContext, exchange: Exchange, agencyLookup?: AgencyLookup): void {
  const audit = (request: FastifyRequest, entry: AuditEntry) => ctx.audit.record(ctx.db, request.principal, entry, request.id);
  const overview = (request: FastifyRequest, done: Done, id?: string) =>
    `/${request.lang}${BASE}?done=${done}${id ? `&id=${encodeURIComponent(id)}` : ''}`;

  function form(reply: FastifyReply, request: FastifyRequest, template: string, titleKey: string, data: Record<string, unknown>, errors: FieldError[] = [], status = 200) {
    return reply.page(`${VIEWS}/${template}`, { ...data, base: `/${request.lang}${BASE}` }, { status: errors.length > 0 ? status : 200, errors, title: request.t(titleKey) });
  }

  // Select items: a first empty choice, then the rows, the posted one selected.
  const choose = (t: Translate, key: string, selected: string, rows: { value: string; text: string }[]) => [
    { value: '', text: t(key) },
    ...rows.map((row) => ({ ...row, selected: row.value === selected })),
  ];
  const memberItems = (request: FastifyRequest, dir: Directory, selected: string) =>
    choose(request.t, 'exchange.admin.chooseMember', selected, dir.members.map((member) => ({ value: member.id, text: `${named(request.lang, member)} (${member.id})` })));
  const subsystemItems = (request: FastifyRequest, dir: Directory, selected: string) =>
    choose(request.t, 'exchange.admin.chooseSubsystem', selected, dir.subsystems.map((subsystem) => ({ value: subsystem.id, text: `${named(request.lang, subsystem)} (${subsystem.id})` })));

  // ---- Overview.

  page(app, 'GET', BASE, { preHandler: ADMIN }, async (request, reply) => {
    const lang = request.lang;
    const t = request.t;
    const [dir, agencies] = await Promise.all([exchange.directory(), catalogueAgencies(agencyLookup, lang)]);
    const memberName = (id: string) => {
      const member = dir.members.find((row) => row.id === id);
      return member ? named(lang, member) : id;
    };
    const clientName = (id: string) => {
      const subsystem = dir.subsystems.find((row) => row.id === id);
      if (subsystem) return `${named(lang, subsystem)} · ${memberName(subsystem.member_id)}`;
      return memberName(id);
    };
    const members = dir.members.map((member) => ({
      id: member.id,
      name: named(lang, member),
      status: member.status,
      agency: member.agency_id ? (agencies?.find((agency) => agency.id === member.agency_id)?.name[lang] ?? member.agency_id) : null,
      subsystems: dir.subsystems.filter((subsystem) => subsystem.member_id === member.id).map((subsystem) => ({
        id: subsystem.id,
        code: subsystem.subsystem_code,
        name: named(lang, subsystem),
        authMode: subsystem.auth_mode,
        node: subsystem.node_id,
        status: subsystem.status,
        keys: dir.keys.filter((key) => key.subsystem_id === subsystem.id).length,
      })),
    }));
    const services = dir.services.map((service) => ({
      id: service.id,
      title: titled(lang, service),
      kind: service.kind,
      personal: service.personal,
      enabled: service.status === 'enabled',
    }));
    // Rights grouped by service: one narrow table each, so they fit a phone.
    const rights = dir.services
      .map((service) => ({
        id: service.id,
        title: titled(lang, service),
        rights: dir.rights
          .filter((right) => right.service_id === service.id)
          .sort((a, b) => a.client_id.localeCompare(b.client_id) || a.path.localeCompare(b.path) || a.method.localeCompare(b.method))
          .map((right) => ({ id: right.id, clientId: right.client_id, client: clientName(right.client_id), method: right.method, path: right.path })),
      }))
      .filter((service) => service.rights.length > 0);

    // The banner after a change names what changed, when it can be found (never raw text from the address).
    const doneKey = query(request, 'done');
    let done: string | undefined;
    if ((DONE as readonly string[]).includes(doneKey)) {
      const id = query(request, 'id');
      const row = dir.members.find((m) => m.id === id) ?? dir.subsystems.find((s) => s.id === id);
      const service = dir.services.find((s) => s.id === id);
      // A revoked key is no longer in the directory: its id is shown when it names a subsystem that is.
      const keyId = dir.keys.some((key) => key.key_id === id) || (doneKey === 'keyRevoked' && dir.subsystems.some((s) => id.startsWith(`${s.id}#`))) ? id : '';
      const name = row ? `${named(lang, row)} (${id})` : service ? `${titled(lang, service)} (${id})` : keyId;
      const needsName = doneKey !== 'right' && doneKey !== 'rightRevoked';
      done = needsName && !name ? t('exchange.admin.done.saved') : t(`exchange.admin.done.${doneKey}`, { name });
    }
    return reply.page(`${VIEWS}/admin-overview.njk`, { base: `/${lang}${BASE}`, members, services, rights, done }, { title: t('exchange.admin.title') });
  });

  // ---- Members: add, rename.

  const MEMBER_FIELDS = ['memberClass', 'memberCode', 'nameMn', 'nameEn', 'agencyId'] as const;

  async function memberForm(request: FastifyRequest, reply: FastifyReply, v: Values, options: { rename?: string; errors?: FieldError[]; status?: number } = {}) {
    const agencies = await catalogueAgencies(agencyLookup, request.lang);
    return form(reply, request, 'admin-member.njk', options.rename ? 'exchange.admin.renameMember' : 'exchange.admin.addMember', {
      v,
      rename: options.rename,
      classItems: MEMBER_CLASSES.map((memberClass) => ({ value: memberClass, text: memberClass, hint: { text: request.t(`exchange.admin.classes.${memberClass}`) }, checked: v.memberClass === memberClass })),
      agencyItems: agencies
        ? choose(request.t, 'exchange.admin.noAgency', v.agencyId ?? '', agencies.map((agency) => ({ value: agency.id, text: `${agency.name[request.lang]} (${agency.abbreviation[request.lang]})` })))
        : undefined,
    }, options.errors, options.status);
  }

  async function checkMemberNames(request: FastifyRequest, v: Values, problems: Problems): Promise<void> {
    problems.name(v, 'nameMn', 'nameMn', true);
    problems.name(v, 'nameEn', 'nameEn', false);
    const agencyId = v.agencyId!.trim();
    if (agencyId) {
      const agencies = await catalogueAgencies(agencyLookup, request.lang);
      if (agencies ? !agencies.some((agency) => agency.id === agencyId) : !/^[a-z0-9-]{1,80}$/.test(agencyId)) problems.add('agencyId', 'agency');
    }
  }

  page(app, 'GET', `${BASE}/members/new`, { preHandler: ADMIN }, async (request, reply) =>
    memberForm(request, reply, { memberClass: 'GOV', memberCode: '', nameMn: '', nameEn: '', agencyId: '' }));

  page(app, 'POST', `${BASE}/members/new`, { preHandler: ADMIN }, async (request, reply) => {
    const v = read(request.body, MEMBER_FIELDS);
    const problems = new Problems(request.t);
    if (!(MEMBER_CLASSES as readonly string[]).includes(v.memberClass!)) problems.add('memberClass', 'memberClass');
    problems.code(v, 'memberCode', 'memberCode');
    const dir = await exchange.directory();
    const id = `${exchange.instance}/${v.memberClass}/${v.memberCode!.trim()}`;
    if (!problems.has('memberClass') && !problems.has('memberCode') && dir.members.some((member) => member.id === id)) problems.add('memberCode', 'memberExists', { id });
    await checkMemberNames(request, v, problems);
    if (problems.list.length > 0) return memberForm(request, reply, v, { errors: problems.list, status: 400 });
    const result = await attempt(request, () => exchange.admin.upsertMember({
      memberClass: v.memberClass!, memberCode: v.memberCode!.trim(), name: { mn: v.nameMn!.trim(), en: v.nameEn!.trim() }, agencyId: v.agencyId!.trim() || null,
    }));
    if ('errors' in result) return memberForm(request, reply, v, { errors: result.errors, status: 400 });
    await audit(request, { action: 'exchange.member.add', subjectType: 'exchange-member', subjectId: result.value, details: { memberClass: v.memberClass, memberCode: v.memberCode!.trim(), agencyId: v.agencyId!.trim() || null } });
    return reply.redirect(overview(request, 'member', result.value), 303);
  });

  async function existingMember(id: string) {
    const member = (await exchange.directory()).members.find((row) => row.id === id);
    if (!member) throw new AppError('NOT_FOUND');
    return member;
  }

  page(app, 'GET', `${BASE}/members/edit`, { preHandler: ADMIN }, async (request, reply) => {
    const member = await existingMember(query(request, 'id'));
    return memberForm(request, reply, { memberClass: member.member_class, memberCode: member.member_code, nameMn: member.name_mn, nameEn: member.name_en, agencyId: member.agency_id ?? '' }, { rename: member.id });
  });

  page(app, 'POST', `${BASE}/members/edit`, { preHandler: ADMIN }, async (request, reply) => {
    const member = await existingMember(read(request.body, ['id']).id!);
    const v: Values = { ...read(request.body, MEMBER_FIELDS), memberClass: member.member_class, memberCode: member.member_code };
    const problems = new Problems(request.t);
    await checkMemberNames(request, v, problems);
    if (problems.list.length > 0) return memberForm(request, reply, v, { rename: member.id, errors: problems.list, status: 400 });
    const name = { mn: v.nameMn!.trim(), en: v.nameEn!.trim() };
    const result = await attempt(request, () => exchange.admin.upsertMember({ memberClass: member.member_class, memberCode: member.member_code, instance: member.instance, name, agencyId: v.agencyId!.trim() || null }));
    if ('errors' in result) return memberForm(request, reply, v, { rename: member.id, errors: result.errors, status: 400 });
    await audit(request, { action: 'exchange.member.rename', subjectType: 'exchange-member', subjectId: member.id, details: { from: { mn: member.name_mn, en: member.name_en, agencyId: member.agency_id }, to: { ...name, agencyId: v.agencyId!.trim() || null } } });
    return reply.redirect(overview(request, 'memberRenamed', member.id), 303);
  });

  // ---- Subsystems.

  const SUBSYSTEM_FIELDS = ['memberId', 'subsystemCode', 'nameMn', 'nameEn', 'authMode', 'nodeId'] as const;

  async function subsystemForm(request: FastifyRequest, reply: FastifyReply, v: Values, errors: FieldError[] = []) {
    const dir = await exchange.directory();
    return form(reply, request, 'admin-subsystem.njk', 'exchange.admin.addSubsystem', {
      v,
      memberItems: memberItems(request, dir, v.memberId!),
      authItems: AUTH_MODES.map((mode) => ({ value: mode, text: request.t(`exchange.admin.authModes.${mode}`), hint: { text: request.t(`exchange.admin.authHints.${mode}`) }, checked: v.authMode === mode })),
      // Only when there is a node to choose, or a choice to correct.
      nodeItems: dir.nodes.length > 0 || errors.some((error) => error.field === 'nodeId')
        ? [{ value: '', text: request.t('exchange.admin.centralNode'), selected: !v.nodeId }, ...dir.nodes.map((node) => ({ value: node.id, text: `${node.id} (${node.address})`, selected: node.id === v.nodeId }))]
        : undefined,
    }, errors, 400);
  }

  page(app, 'GET', `${BASE}/subsystems/new`, { preHandler: ADMIN }, async (request, reply) =>
    subsystemForm(request, reply, { memberId: query(request, 'member'), subsystemCode: '', nameMn: '', nameEn: '', authMode: 'signature', nodeId: '' }));

  page(app, 'POST', `${BASE}/subsystems/new`, { preHandler: ADMIN }, async (request, reply) => {
    const v = read(request.body, SUBSYSTEM_FIELDS);
    const problems = new Problems(request.t);
    const dir = await exchange.directory();
    if (!v.memberId) problems.add('memberId', 'member');
    else if (!dir.members.some((member) => member.id === v.memberId)) problems.add('memberId', 'memberUnknown');
    problems.code(v, 'subsystemCode', 'subsystemCode');
    const id = `${v.memberId}/${v.subsystemCode!.trim()}`;
    if (!problems.list.length && dir.subsystems.some((subsystem) => subsystem.id === id)) problems.add('subsystemCode', 'subsystemExists', { code: v.subsystemCode!.trim() });
    problems.name(v, 'nameMn', 'nameMn', true);
    problems.name(v, 'nameEn', 'nameEn', false);
    if (!(AUTH_MODES as readonly string[]).includes(v.authMode!)) problems.add('authMode', 'authMode');
    if (v.nodeId && !dir.nodes.some((node) => node.id === v.nodeId)) problems.add('nodeId', 'node');
    if (problems.list.length > 0) return subsystemForm(request, reply, v, problems.list);
    const authMode = v.authMode as (typeof AUTH_MODES)[number];
    const result = await attempt(request, () => exchange.admin.upsertSubsystem({
      memberId: v.memberId!, subsystemCode: v.subsystemCode!.trim(), name: { mn: v.nameMn!.trim(), en: v.nameEn!.trim() }, authMode, nodeId: v.nodeId || null,
    }));
    if ('errors' in result) return subsystemForm(request, reply, v, result.errors);
    await audit(request, { action: 'exchange.subsystem.add', subjectType: 'exchange-subsystem', subjectId: result.value, details: { memberId: v.memberId, authMode, nodeId: v.nodeId || null } });
    return reply.redirect(overview(request, 'subsystem', result.value), 303);
  });

  // ---- Keys: list one subsystem's, register, revoke.

  const describeKey = (key: KeyRow) => ({
    id: key.key_id,
    certificate: Boolean(key.certificate_pem),
    fingerprint: fingerprint(key.public_key_pem),
    // The platform's own signing key for a subsystem it operates: revoking it would cut the portal off.
    platform: key.key_id.endsWith('#platform'),
  });

  page(app, 'GET', `${BASE}/keys`, { preHandler: ADMIN }, async (request, reply) => {
    const dir = await exchange.directory();
    const subsystem = dir.subsystems.find((row) => row.id === query(request, 'subsystem'));
    if (!subsystem) throw new AppError('NOT_FOUND');
    const keys = dir.keys.filter((key) => key.subsystem_id === subsystem.id).sort((a, b) => a.key_id.localeCompare(b.key_id)).map(describeKey);
    const name = named(request.lang, subsystem);
    return reply.page(`${VIEWS}/admin-keys.njk`, { base: `/${request.lang}${BASE}`, subsystem: { id: subsystem.id, name, authMode: subsystem.auth_mode }, keys }, { title: request.t('exchange.admin.keysTitle', { name: `${name} (${subsystem.id})` }) });
  });

  async function keyForm(request: FastifyRequest, reply: FastifyReply, v: Values, errors: FieldError[] = []) {
    const dir = await exchange.directory();
    return form(reply, request, 'admin-key.njk', 'exchange.admin.addKey', { v, subsystemItems: subsystemItems(request, dir, v.subsystemId!) }, errors, 400);
  }

  page(app, 'GET', `${BASE}/keys/new`, { preHandler: ADMIN }, async (request, reply) =>
    keyForm(request, reply, { subsystemId: query(request, 'subsystem'), key: '' }));

  page(app, 'POST', `${BASE}/keys/new`, { preHandler: ADMIN }, async (request, reply) => {
    const v = read(request.body, ['subsystemId', 'key']);
    const problems = new Problems(request.t);
    const dir = await exchange.directory();
    const subsystem = dir.subsystems.find((row) => row.id === v.subsystemId);
    if (!v.subsystemId) problems.add('subsystemId', 'subsystem');
    else if (!subsystem) problems.add('subsystemId', 'subsystemUnknown');
    const pasted = readPastedKey(v.key!, problems);
    if (pasted && subsystem?.auth_mode === 'tls' && !pasted.certificatePem) problems.add('key', 'certificateRequired');
    // Requests are signed with ECDSA P-256 (kernel/http-signature.ts); another key could never sign one.
    if (pasted && subsystem?.auth_mode === 'signature' && (pasted.key.asymmetricKeyType !== 'ec' || pasted.key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')) problems.add('key', 'keyAlgorithm');
    if (problems.list.length > 0 || !pasted || !subsystem) return keyForm(request, reply, v, problems.list);
    const result = await attempt(request, () => exchange.admin.addKey({ subsystemId: subsystem.id, publicKeyPem: pasted.publicKeyPem, certificatePem: pasted.certificatePem }));
    if ('errors' in result) return keyForm(request, reply, v, result.errors);
    await audit(request, { action: 'exchange.key.add', subjectType: 'exchange-key', subjectId: result.value, details: { subsystemId: subsystem.id, certificate: Boolean(pasted.certificatePem), fingerprint: fingerprint(pasted.publicKeyPem).replace(/ /g, '') } });
    return reply.redirect(overview(request, 'key', result.value), 303);
  });

  async function activeKey(keyId: string) {
    const key = (await exchange.directory()).keys.find((row) => row.key_id === keyId);
    if (!key) throw new AppError('NOT_FOUND');
    return key;
  }

  const revokeKeyPage = (request: FastifyRequest, reply: FastifyReply, key: KeyRow, errors: FieldError[] = []) =>
    reply.page(`${VIEWS}/admin-revoke.njk`, {
      base: `/${request.lang}${BASE}`,
      what: 'key',
      action: `/${request.lang}${BASE}/keys/revoke`,
      field: 'key',
      value: key.key_id,
      key: describeKey(key),
      subsystem: key.subsystem_id,
      back: `/${request.lang}${BASE}/keys?subsystem=${encodeURIComponent(key.subsystem_id)}`,
    }, { status: errors.length > 0 ? 409 : 200, errors, title: request.t('exchange.admin.revokeKeyTitle') });

  page(app, 'GET', `${BASE}/keys/revoke`, { preHandler: ADMIN }, async (request, reply) => revokeKeyPage(request, reply, await activeKey(query(request, 'key'))));

  page(app, 'POST', `${BASE}/keys/revoke`, { preHandler: ADMIN }, async (request, reply) => {
    const key = await activeKey(read(request.body, ['key']).key!);
    if (describeKey(key).platform) return revokeKeyPage(request, reply, key, [{ field: 'key-details', message: request.t('exchange.admin.errors.platformKey') }]);
    await exchange.admin.revokeKey(key.key_id);
    await audit(request, { action: 'exchange.key.revoke', subjectType: 'exchange-key', subjectId: key.key_id, details: { subsystemId: key.subsystem_id } });
    return reply.redirect(overview(request, 'keyRevoked', key.key_id), 303);
  });

  // ---- Services: publish a REST service.

  const SERVICE_FORM_FIELDS = ['subsystemId', 'serviceCode', 'titleMn', 'titleEn', 'baseUrl', 'personal', 'timeoutMs', 'openapi'] as const;

  async function serviceForm(request: FastifyRequest, reply: FastifyReply, v: Values, errors: FieldError[] = []) {
    const dir = await exchange.directory();
    return form(reply, request, 'admin-service.njk', 'exchange.admin.addService', {
      v,
      subsystemItems: subsystemItems(request, dir, v.subsystemId!),
      personalItems: ['yes', 'no'].map((answer) => ({ value: answer, text: request.t(`common.${answer}`), checked: v.personal === answer })),
    }, errors, 400);
  }

  page(app, 'GET', `${BASE}/services/new`, { preHandler: ADMIN }, async (request, reply) =>
    serviceForm(request, reply, { subsystemId: query(request, 'subsystem'), serviceCode: '', titleMn: '', titleEn: '', baseUrl: '', personal: '', timeoutMs: '10000', openapi: '' }));

  page(app, 'POST', `${BASE}/services/new`, { preHandler: ADMIN }, async (request, reply) => {
    const v = read(request.body, SERVICE_FORM_FIELDS);
    const problems = new Problems(request.t);
    const dir = await exchange.directory();
    const subsystem = dir.subsystems.find((row) => row.id === v.subsystemId);
    if (!v.subsystemId) problems.add('subsystemId', 'subsystem');
    else if (!subsystem) problems.add('subsystemId', 'subsystemUnknown');
    const serviceCode = v.serviceCode!.trim();
    problems.code(v, 'serviceCode', 'serviceCode');
    if (!problems.has('serviceCode') && META_SERVICES.has(serviceCode)) problems.add('serviceCode', 'serviceCodeReserved', { code: serviceCode });
    // Publishing over a service answered inside the platform would cut its registry off the exchange.
    const existing = subsystem ? dir.services.find((row) => row.id === `${subsystem.id}/${serviceCode}`) : undefined;
    if (!problems.has('serviceCode') && existing?.kind === 'internal') problems.add('serviceCode', 'serviceInternal');
    problems.name(v, 'titleMn', 'titleMn', true);
    problems.name(v, 'titleEn', 'titleEn', false);
    const baseUrl = v.baseUrl!.trim();
    let urlOk = false;
    try {
      const url = new URL(baseUrl);
      urlOk = (url.protocol === 'https:' || url.protocol === 'http:') && Boolean(url.hostname) && baseUrl.length <= 500 && !url.username && !url.password;
    } catch {
      urlOk = false;
    }
    if (!urlOk) problems.add('baseUrl', 'baseUrl');
    if (v.personal !== 'yes' && v.personal !== 'no') problems.add('personal', 'personal');
    const timeoutText = v.timeoutMs!.trim().replace(/[\s,]/g, '');
    const timeoutMs = /^\d{1,6}$/.test(timeoutText) ? Number(timeoutText) : Number.NaN;
    if (!(timeoutMs >= 100 && timeoutMs <= 60_000)) problems.add('timeoutMs', 'timeout');
    const openapi = readOpenApi(v.openapi!, problems);
    if (problems.list.length > 0 || !subsystem || openapi === undefined) return serviceForm(request, reply, v, problems.list);
    const result = await attempt(request, () => exchange.admin.upsertService({
      subsystemId: subsystem.id, serviceCode, title: { mn: v.titleMn!.trim(), en: v.titleEn!.trim() }, kind: 'rest', baseUrl, openapi, personal: v.personal === 'yes', timeoutMs,
    }));
    if ('errors' in result) return serviceForm(request, reply, v, result.errors);
    await audit(request, { action: existing ? 'exchange.service.republish' : 'exchange.service.publish', subjectType: 'exchange-service', subjectId: result.value, details: { baseUrl, personal: v.personal === 'yes', timeoutMs, openapi: openapi !== null } });
    return reply.redirect(overview(request, 'service', result.value), 303);
  });

  // ---- Access rights: grant, revoke.

  async function rightForm(request: FastifyRequest, reply: FastifyReply, v: Values, errors: FieldError[] = []) {
    const dir = await exchange.directory();
    const lang = request.lang;
    const t = request.t;
    const clients = [
      ...dir.subsystems.map((subsystem) => ({ value: subsystem.id, text: t('exchange.admin.subsystemOption', { name: named(lang, subsystem), id: subsystem.id }) })),
      ...dir.members.map((member) => ({ value: member.id, text: t('exchange.admin.memberOption', { name: named(lang, member), id: member.id }) })),
    ];
    return form(reply, request, 'admin-right.njk', 'exchange.admin.addRight', {
      v,
      serviceItems: choose(t, 'exchange.admin.chooseService', v.serviceId!, dir.services.map((service) => ({ value: service.id, text: `${titled(lang, service)} (${service.id})` }))),
      clientItems: choose(t, 'exchange.admin.chooseClient', v.clientId!, clients),
      methodItems: METHODS.map((method) => ({ value: method, text: method === '*' ? t('exchange.admin.anyMethod') : method, selected: v.method === method })),
    }, errors, 400);
  }

  page(app, 'GET', `${BASE}/access-rights/new`, { preHandler: ADMIN }, async (request, reply) =>
    rightForm(request, reply, { serviceId: query(request, 'service'), clientId: query(request, 'client'), method: 'GET', path: '/**' }));

  page(app, 'POST', `${BASE}/access-rights/new`, { preHandler: ADMIN }, async (request, reply) => {
    const v = read(request.body, ['serviceId', 'clientId', 'method', 'path']);
    const problems = new Problems(request.t);
    const dir = await exchange.directory();
    if (!v.serviceId) problems.add('serviceId', 'service');
    else if (!dir.services.some((service) => service.id === v.serviceId)) problems.add('serviceId', 'serviceUnknown');
    if (!v.clientId) problems.add('clientId', 'client');
    else if (!dir.subsystems.some((subsystem) => subsystem.id === v.clientId) && !dir.members.some((member) => member.id === v.clientId)) problems.add('clientId', 'clientUnknown');
    if (!(METHODS as readonly string[]).includes(v.method!)) problems.add('method', 'method');
    const path = v.path!.trim();
    if (!/^\/[^\s?#]{0,299}$/.test(path)) problems.add('path', 'path');
    if (problems.list.length > 0) return rightForm(request, reply, v, problems.list);
    const result = await attempt(request, () => exchange.admin.grant({ serviceId: v.serviceId!, clientId: v.clientId!, method: v.method!, path, grantedBy: request.principal?.id ?? null }));
    if ('errors' in result) return rightForm(request, reply, v, result.errors);
    await audit(request, { action: 'exchange.right.grant', subjectType: 'exchange-access-right', subjectId: result.value, details: { serviceId: v.serviceId, clientId: v.clientId, method: v.method, path } });
    return reply.redirect(overview(request, 'right'), 303);
  });

  async function activeRight(id: string): Promise<RightRow> {
    const right = (await exchange.directory()).rights.find((row) => row.id === id);
    if (!right) throw new AppError('NOT_FOUND');
    return right;
  }

  page(app, 'GET', `${BASE}/access-rights/revoke`, { preHandler: ADMIN }, async (request, reply) => {
    const right = await activeRight(query(request, 'id'));
    const dir = await exchange.directory();
    const service = dir.services.find((row) => row.id === right.service_id);
    const client = dir.subsystems.find((row) => row.id === right.client_id) ?? dir.members.find((row) => row.id === right.client_id);
    return reply.page(`${VIEWS}/admin-revoke.njk`, {
      base: `/${request.lang}${BASE}`,
      what: 'right',
      action: `/${request.lang}${BASE}/access-rights/revoke`,
      field: 'id',
      value: right.id,
      right: {
        service: service ? `${titled(request.lang, service)} (${right.service_id})` : right.service_id,
        client: client ? `${named(request.lang, client)} (${right.client_id})` : right.client_id,
        method: right.method,
        path: right.path,
      },
      back: `/${request.lang}${BASE}#rights`,
    }, { title: request.t('exchange.admin.revokeRightTitle') });
  });

  page(app, 'POST', `${BASE}/access-rights/revoke`, { preHandler: ADMIN }, async (request, reply) => {
    const right = await activeRight(read(request.body, ['id']).id!);
    if (!(await exchange.admin.revoke(right.id))) throw new AppError('NOT_FOUND');
    await audit(request, { action: 'exchange.right.revoke', subjectType: 'exchange-access-right', subjectId: right.id, details: { serviceId: right.service_id, clientId: right.client_id, method: right.method, path: right.path } });
    return reply.redirect(overview(request, 'rightRevoked'), 303);
  });
}
