// The identity module's face: the national login (an OpenID Connect provider), the portal's
// sign-in as its relying party, people's sessions and consents, staff roles, powers of attorney.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { AppContext, ModuleManifest } from '../../kernel/context.ts';
import type { Lang, Messages } from '../../kernel/i18n.ts';
import { createRenderer, renderStandalone } from '../../web/render.ts';
import { ExchangeClient, bilingualPurpose, injectTransport, type Exchange } from '../exchange/index.ts';
import { LruCache } from '../../kernel/lru.ts';
import { registerIdentityAdmin } from './admin.ts';
import { registerGovstackIdentity } from './govstack-identity.ts';
import { DATA_SCOPES, RESIDENCE_PERMIT_SERVICE, type ClaimsSource } from './claims.ts';
import { registerLoginPages } from './login-pages.ts';
import { LOGIN_METHODS } from './methods/index.ts';
import { registerMyPages } from './my-pages.ts';
import { setOidcShell } from './oidc-pages.ts';
import { PORTAL_CLIENT_ID, portalRedirectUri, portalSecret, registerPortalLogin, signOutTarget } from './portal.ts';
import { createOidcProvider, mountProvider, type OidcProvider } from './provider.ts';
import { isForeignRegisterNumber } from '../../kernel/person-number.ts';
import { seal } from '../../kernel/secrets.ts';
import type { Role } from '../../kernel/auth.ts';
import { isUuid } from '../../kernel/ids.ts';
import { PLATFORM_AGENCY } from './demo.ts';
import { CODES_PER_HOUR, DEMO_CODES_PER_HOUR, createIdentity, type Identity, type IdentityDeps } from './service.ts';
import * as store from './store.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Why "my details" reads the person's record; the older one-language wording is still recognised. */
const MY_DETAILS_PURPOSE = bilingualPurpose({ mn: 'Миний мэдээлэл: өөрийн хүсэлтээр', en: 'My details: at my own request' });
const MY_DETAILS_PURPOSES = [MY_DETAILS_PURPOSE, 'Миний мэдээлэл (өөрийн хүсэлт) / My details (own request)'];
/** How long what "my details" read is kept for a session: a person clicking around reads once. */
const OWN_READ_MS = 30 * 60_000;

/** locales/mn.json plus any locales/<part>.mn.json (each login method keeps its own words). */
function messages(lang: Lang): Messages {
  const dir = path.join(here, 'locales');
  const merged = JSON.parse(readFileSync(path.join(dir, `${lang}.json`), 'utf8')) as Messages;
  for (const file of readdirSync(dir).filter((name) => name.endsWith(`.${lang}.json`)).sort()) {
    Object.assign(merged, JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Messages);
  }
  return merged;
}

export const identityManifest: ModuleManifest = {
  name: 'identity',
  migrationsDir: path.join(here, 'migrations'),
  messages: { mn: messages('mn'), en: messages('en') },
};

/** The platform's subsystem on the exchange that reads registry data for relying parties. */
export const IDENTITY_SUBSYSTEM = 'identity';

export interface IdentityModule {
  identity: Identity;
  oidc: OidcProvider;
  /** Where the sign-out button sends a person. */
  signOutTarget: typeof signOutTarget;
  /** An official by their account id: the name staff records hold, their highest role and their agency. */
  staffMember(id: string): Promise<{ name: string; role: Role; agencyId: string | null } | undefined>;
}

export interface IdentityOptions {
  people: IdentityDeps;
  exchange: Exchange;
  /** instance/GOV/ema/identity, with a key registered on the exchange. */
  identitySubsystem: string;
  /** The portal's subsystem: "my details" reads the person's ID card through the exchange as the portal. */
  portalSubsystem: string;
  /** A company's name and status by register number (legal entity register). */
  company(registerNumber: string): Promise<{ registerNumber: string; name: string; status?: string } | undefined>;
  /** Agency names for staff pages. */
  agencies(lang: Lang): Promise<{ id: string; name: string }[]>;
}

/** Registers the relying party the portal is, with a secret derived from the platform secret. */
async function registerPortalClient(ctx: AppContext): Promise<void> {
  const { baseUrl, sessionSecret } = ctx.config;
  await store.upsertClient(ctx.db, {
    clientId: PORTAL_CLIENT_ID,
    name: { mn: 'Төрийн үйлчилгээний портал', en: 'Public service portal' },
    secretSealed: seal(sessionSecret, portalSecret(sessionSecret)),
    redirectUris: [portalRedirectUri(baseUrl)],
    postLogoutRedirectUris: [`${baseUrl}/mn`, `${baseUrl}/en`],
    scopes: ['openid', 'profile', 'register_number', 'phone'],
    firstParty: true,
    createdBy: 'platform',
  });
}

export async function registerIdentity(app: FastifyInstance, ctx: AppContext, options: IdentityOptions): Promise<IdentityModule> {
  const identity = createIdentity(ctx.db, ctx.config.sessionSecret, options.people, { codesPerHour: ctx.config.devLogin ? DEMO_CODES_PER_HOUR : CODES_PER_HOUR });
  await registerPortalClient(ctx);

  // The platform's own members call registries through the exchange in process, signed like anyone.
  const exchangeClients = new Map<string, ExchangeClient>();
  const clientFor = async (subsystem: string) => {
    let exchangeClient = exchangeClients.get(subsystem);
    if (!exchangeClient) {
      const key = await options.exchange.platformKey(subsystem);
      exchangeClient = new ExchangeClient({ client: subsystem, keyId: key.keyId, privateKeyPem: key.privateKeyPem, transport: injectTransport(app as never) });
      exchangeClients.set(subsystem, exchangeClient);
    }
    return exchangeClient;
  };
  const clientOf = () => clientFor(options.identitySubsystem);
  const claims: ClaimsSource = {
    account: (id) => (/^[0-9a-f-]{36}$/.test(id) ? store.findAccount(ctx.db, id) : Promise.resolve(undefined)),
    person: (registerNumber) => options.people.person(registerNumber),
    company: (registerNumber) => options.company(registerNumber),
    async dataClaim(scope, registerNumber, grantId) {
      const granted = await store.findGrantConsent(ctx.db, grantId);
      if (!granted || granted.subject !== registerNumber || !granted.scopes.includes(scope)) return undefined;
      const exchange = await clientOf();
      const [nameMn, nameEn] = await Promise.all([store.clientName(ctx.db, granted.client_id, 'mn'), store.clientName(ctx.db, granted.client_id, 'en')]);
      const purpose = bilingualPurpose({ mn: `Нэвтрэлт: ${nameMn}`, en: `Sign-in: ${nameEn}` });
      const response = await exchange.call(`${options.exchange.instance}/${DATA_SCOPES[scope]!.service}`, `/${registerNumber}`, { consent: granted.consent_id, purpose, userId: granted.client_id });
      return response.status === 200 ? response.json() : undefined;
    },
  };

  const oidc = await createOidcProvider(ctx, claims);
  const ownReads = new LruCache<{ data: Record<string, unknown> | undefined }>(20_000, OWN_READ_MS);
  mountProvider(app, oidc);
  const renderer = createRenderer();
  setOidcShell((lang, template, data, titleKey, cspNonce) => {
    const t = ctx.i18n.translator(lang);
    return renderStandalone(renderer, app.pageSource, lang, t, template, data, t(titleKey), cspNonce);
  });

  registerLoginPages(app, { ctx, oidc, identity, exchange: options.exchange, identitySubsystem: options.identitySubsystem, methods: LOGIN_METHODS });
  const portal = registerPortalLogin(app, ctx);
  registerMyPages(app, ctx, {
    identity,
    oidc,
    portal,
    exchange: options.exchange,
    async readOwnIdCard(registerNumber, session, { ask }) {
      // A foreign resident's own record is their residence permit, in the immigration agency's register.
      const service = `${options.exchange.instance}/${isForeignRegisterNumber(registerNumber) ? RESIDENCE_PERMIT_SERVICE : DATA_SCOPES.id_card!.service}`;
      const now = Date.now();
      const given = (await options.exchange.consentsOf(registerNumber)).filter((row) => row.client_id === options.portalSubsystem && MY_DETAILS_PURPOSES.includes(row.purpose) && row.services.includes(service));
      let consent = given.find((row) => !row.withdrawn_at && new Date(row.expires_at).getTime() > now + 60_000);
      if (!consent) {
        // Opening the page is the person's own request, and it stands for a year as one consent. Once
        // withdrawn, the page asks before it reads again rather than granting itself a new one.
        if (given[0]?.withdrawn_at && !ask) return { state: 'withdrawn' };
        consent = await options.exchange.grantConsent({ subject: registerNumber, clientId: options.portalSubsystem, services: [service], purpose: MY_DETAILS_PURPOSE, method: 'portal', days: 365 });
      }
      // What was read is kept for the session (in this process), so coming back to the page is not another read.
      const key = `${session}|${consent.id}`;
      const kept = ownReads.get(key);
      if (kept) return { state: 'read', data: kept.data };
      const response = await (await clientFor(options.portalSubsystem)).call(service, `/${registerNumber}`, { consent: consent.id, purpose: MY_DETAILS_PURPOSE });
      const data = response.status === 200 ? response.json<Record<string, unknown>>() : undefined;
      if (response.status === 200 || response.status === 404) ownReads.set(key, { data });
      return { state: 'read', data };
    },
  });
  registerIdentityAdmin(app, ctx, { identity, oidc, agencies: options.agencies });
  registerGovstackIdentity(app, ctx, oidc);
  const order: Role[] = ['platform-admin', 'agency-admin', 'supervisor', 'officer'];
  return {
    identity,
    oidc,
    signOutTarget,
    async staffMember(id) {
      const account = isUuid(id) ? await store.findAccount(ctx.db, id) : undefined;
      const staff = account ? (await store.rolesOf(ctx.db, account.register_number))[0] : undefined;
      if (!staff) return undefined;
      const role = order.find((candidate) => staff.roles.includes(candidate)) ?? 'officer';
      return { name: staff.name, role, agencyId: staff.agency_id === PLATFORM_AGENCY ? null : staff.agency_id };
    },
  };
}

export { PORTAL_CLIENT_ID } from './portal.ts';
export { seedDemoStaff } from './demo.ts';
export { LOGIN_CHALLENGE, issueCertificateForRegisteredPerson, signChallenge } from './citizen-ca.ts';
export { rotateSigningKey } from './provider.ts';
export type { IdentityDeps, PersonFacts, CompanyFacts } from './service.ts';
