// Service requests. A reference: the person agrees, the platform records a consent on the exchange,
// reads the owning registry through the exchange as the portal under that consent (so the read is
// on the person's "who looked at my data"), and the providing agency signs the answer as a document.
import { randomUUID } from 'node:crypto';
import type { Principal } from '../../kernel/auth.ts';
import type { AppContext } from '../../kernel/context.ts';
import { AppError } from '../../kernel/errors.ts';
import { isPersonNumber } from '../../kernel/person-number.ts';
import type { Service } from '../catalog/index.ts';
import { bilingualPurpose } from '../exchange/index.ts';
import type { Documents, IssuedDocument } from '../documents/index.ts';
import { actorSnapshot, type StaffLookup } from './history.ts';
import { referenceFor, REFERENCES, type ReferenceDefinition } from './references.ts';
import { firstDetail, type ServiceRequest } from './schema.ts';
import * as store from './store.ts';
import { isUuid } from '../../kernel/ids.ts';

const COMPANY_NUMBER = /^[0-9]{7}$/;

export interface ExchangeRead {
  status: number;
  json<T = unknown>(): T;
}

export interface ApplicationsDeps {
  /** The catalogue service behind a slug. */
  service(slug: string): Promise<Service | undefined>;
  /** A catalogue agency's name, by its id. */
  agencyName(id: string): Promise<{ mn: string; en: string } | undefined>;
  /** The catalogue agency keeping an exchange member's registry, by member code. */
  keeper(memberCode: string): Promise<{ id: string; name: { mn: string; en: string } } | undefined>;
  /** Records the person's consent for the portal to read these exchange services about them; returns its id. */
  grantConsent(subject: string, services: string[], purpose: string): Promise<string>;
  withdrawConsent(subject: string, consentId: string): Promise<void>;
  /** Reads an exchange service as the portal. */
  read(service: string, path: string, options: { consent?: string; purpose: string; userId?: string; issue: string }): Promise<ExchangeRead>;
  /** The exchange instance, e.g. "MN". */
  instance: string;
  documents: Documents;
  /** State fees: an invoice per application, refunds of rejected ones. */
  fees: FeeCollector;
  /** Sends the person a one-time code to read out to an official, as consent to these services; where it went (masked). */
  requestConsentCode(subject: string, services: string[], purpose: string, lang: 'mn' | 'en'): Promise<{ sentTo: string }>;
  /** The consent a read-out code stands for, or why not. */
  redeemConsentCode(subject: string, code: string): Promise<{ consentId: string } | { refusal: 'codeInvalid' | 'codeLocked' }>;
  /** Tells the person a request's status changed (SMS and in-app). */
  notifyStatus(request: ServiceRequest): Promise<void>;
  /** An official's name, role and agency by their id, for histories and "handled by". */
  staffMember: StaffLookup;
}

/** The payments the applications module needs, whatever provider is behind them. */
export interface FeeCollector {
  invoice(input: { reference: string; payer: string; agencyId: string; amountMnt: number; description: { mn: string; en: string }; refundable: boolean; idempotencyKey: string }): Promise<{ id: string }>;
  refund(invoiceId: string, reason: string, actor: Principal): Promise<void>;
  /** Whether an invoice has been paid. */
  isPaid(invoiceId: string): Promise<boolean>;
}

export interface AvailableReference {
  definition: ReferenceDefinition;
  service: Service;
  keeper: { id: string; name: { mn: string; en: string } } | undefined;
}

export interface ReferenceOutcome {
  request: ServiceRequest;
  document: IssuedDocument | undefined;
  /** True when this submission had been made before: nothing new was fetched or issued. */
  repeated: boolean;
}

export interface Applications {
  /** The references that can be had online now, in catalogue order of the definitions. */
  references(): Promise<AvailableReference[]>;
  /** One reference, or REFERENCE_NOT_FOUND. */
  reference(slug: string): Promise<AvailableReference>;
  /** Fetches, signs and keeps a reference for whomever the principal acts as. */
  requestReference(slug: string, principal: Principal, options: { submissionId?: string; channel: ServiceRequest['channel']; requestId?: string; lang?: 'mn' | 'en' }): Promise<ReferenceOutcome>;
  requestsOf(subject: string): Promise<ServiceRequest[]>;
  /** The catalogue entry of any service, for names on request pages. */
  service(slug: string): Promise<Service | undefined>;
  /** A request of this subject, or REQUEST_NOT_FOUND (another's request is answered the same way). */
  requestOf(subject: string, number: string): Promise<ServiceRequest>;
}

function memberCodeOf(service: string): string {
  return service.split('/')[1] ?? '';
}

export function createApplications(ctx: AppContext, deps: ApplicationsDeps): Applications {
  const { db } = ctx;

  async function available(definition: ReferenceDefinition): Promise<AvailableReference | undefined> {
    const service = await deps.service(definition.slug);
    if (!service || service.status !== 'active') return undefined;
    return { definition, service, keeper: await deps.keeper(memberCodeOf(definition.service)) };
  }

  async function reference(slug: string): Promise<AvailableReference> {
    const definition = referenceFor(slug);
    const found = definition ? await available(definition) : undefined;
    if (!found) throw new AppError('REFERENCE_NOT_FOUND', { slug: slug.slice(0, 80) });
    return found;
  }

  async function requestOf(subject: string, number: string): Promise<ServiceRequest> {
    const request = await store.findRequestByNumber(db, number);
    if (!request || request.subject !== subject) throw new AppError('REQUEST_NOT_FOUND', { number: number.slice(0, 40) });
    return request;
  }

  return {
    async references() {
      const all = await Promise.all(REFERENCES.map(available));
      return all.filter((item): item is AvailableReference => item !== undefined);
    },

    reference,

    async requestReference(slug, principal, options) {
      const { definition, service, keeper } = await reference(slug);
      const subject = principal.registerNumber;
      if (!subject || !principal.roles.includes('citizen')) throw new AppError('FORBIDDEN');
      const forOrganisation = COMPANY_NUMBER.test(subject);
      if (definition.audience === 'organisation' ? !forOrganisation : !isPersonNumber(subject)) {
        throw new AppError('REFERENCE_WRONG_AUDIENCE', { who: definition.audience === 'organisation' ? 'байгууллага / an organisation' : 'иргэн / a person' });
      }
      // A form sent twice carries the same submission id: the second gets the first's answer.
      const id = options.submissionId && isUuid(options.submissionId) ? options.submissionId : randomUUID();
      const earlier = await store.findRequestKey(db, id);
      if (earlier) return repeatOf(earlier, subject);

      const number = await store.nextNumber(db, new Date().getFullYear());
      const serviceId = `${deps.instance}/${definition.service}`;
      const purpose = bilingualPurpose({ mn: `Лавлагаа ${number}: ${service.name.mn}`, en: `Reference ${number}: ${service.name.en}` });
      const consent = isPersonNumber(subject) ? await deps.grantConsent(subject, [serviceId], purpose) : undefined;
      let data: Record<string, unknown> | undefined;
      try {
        const answer = await deps.read(serviceId, `/${subject}`, { ...(consent ? { consent } : {}), purpose, userId: principal.actorRegisterNumber ?? subject, issue: number });
        if (answer.status === 200) data = answer.json<Record<string, unknown>>();
        // 404: the register holds nothing, which is itself what the reference states.
        else if (answer.status !== 404) throw new Error(`exchange answered ${answer.status}`);
      } catch (error) {
        if (consent) await deps.withdrawConsent(subject, consent).catch(() => undefined);
        ctx.log.warn({ err: error, service: definition.service }, 'reference source unavailable');
        throw new AppError('REFERENCE_SOURCE_UNAVAILABLE', { agency: keeper?.name.mn ?? memberCodeOf(definition.service) });
      }

      const subjectName = principal.actingFor?.name ?? principal.name;
      const inserted = await db.transaction(async (tx) => {
        const fresh = await store.insertRequest(tx, { id, number, serviceSlug: slug, kind: 'reference', subject, subjectName, actor: principal.actorRegisterNumber ?? null, agencyId: service.agency.id, channel: options.channel });
        if (!fresh) return false;
        await store.recordAction(tx, id, 'SUBMITTED', principal.id, { consent: consent ?? null, service: serviceId, lang: options.lang ?? 'mn', by: actorSnapshot(principal) });
        return true;
      });
      if (!inserted) {
        return repeatOf((await store.findRequestKey(db, id))!, subject);
      }
      const validUntil = definition.validDays ? new Date(Date.now() + definition.validDays * 86_400_000).toISOString().slice(0, 10) : undefined;
      const document = await deps.documents.issue({
        kind: 'reference',
        title: service.name,
        subject,
        subjectName,
        agencyId: service.agency.id,
        issuer: service.agency.name,
        body: { sections: definition.render(data) },
        source: { service: slug, request: number },
        ...(validUntil ? { validUntil } : {}),
      }, principal, options.requestId);
      await db.transaction((tx) => store.recordAction(tx, id, 'COMPLETED', principal.id, { document: document.id, by: actorSnapshot(principal) }));
      return { request: await requestOf(subject, number), document, repeated: false };
    },

    requestsOf: (subject) => store.requestsOf(db, subject),
    service: (slug) => deps.service(slug),
    requestOf,
  };

  async function repeatOf(row: { number: string; subject: string }, subject: string): Promise<ReferenceOutcome> {
    const request = await requestOf(subject, row.number);
    const documentId = firstDetail(request, 'document');
    return { request, document: documentId ? await deps.documents.find(documentId) : undefined, repeated: true };
  }
}
