// Flow: references read the registers as the portal, through the exchange, signed like any member.
// Serves rule 6 (every read of a person's record is logged with who, why and under which consent):
// the person's consent is recorded first, online or as a code read out at a service centre. Joins
// applications with exchange and catalog (which agency keeps a register).
import type { FastifyInstance } from 'fastify';
import type { ApplicationsDeps } from '../modules/applications/index.ts';
import type { Catalog } from '../modules/catalog/index.ts';
import { ExchangeClient, injectTransport, type ConsentCodeDelivery, type Exchange } from '../modules/exchange/index.ts';

type PortalReads = Pick<ApplicationsDeps, 'keeper' | 'grantConsent' | 'withdrawConsent' | 'read' | 'instance' | 'requestConsentCode' | 'redeemConsentCode'>;

/** The applications module's reads of the registers, as the portal subsystem on the exchange. */
export async function portalRegisterReads(server: FastifyInstance, exchange: Exchange, catalog: Pick<Catalog, 'listAgencies'>, portalSubsystem: string, delivery: ConsentCodeDelivery): Promise<PortalReads> {
  const portalKey = await exchange.platformKey(portalSubsystem);
  const portalClient = new ExchangeClient({ client: portalSubsystem, keyId: portalKey.keyId, privateKeyPem: portalKey.privateKeyPem, transport: injectTransport(server as never) });
  let keepers: { at: number; byMember: Map<string, { id: string; name: { mn: string; en: string } }> } | undefined;
  return {
    async keeper(memberCode) {
      // Agencies change rarely; a minute-old list is good enough to name who keeps a register.
      if (!keepers || Date.now() - keepers.at > 60_000) {
        const agencies = await catalog.listAgencies('mn');
        keepers = { at: Date.now(), byMember: new Map(agencies.map((agency) => [agency.id.replace(/-/g, ''), { id: agency.id, name: agency.name }])) };
      }
      return keepers.byMember.get(memberCode);
    },
    async grantConsent(subject, services, purpose) {
      return (await exchange.grantConsent({ subject, clientId: portalSubsystem, services, purpose, method: 'portal', days: 1 })).id;
    },
    withdrawConsent: (subject, consentId) => exchange.withdrawConsent(subject, consentId),
    read: (service, servicePath, options) => portalClient.call(service, servicePath, options),
    instance: exchange.instance,
    // At a service centre the person reads out a code sent to their phone: the portal asks for it.
    requestConsentCode: (subject, services, purpose, lang) => exchange.requestConsentCode(portalSubsystem, { subject, services, purpose }, delivery, lang),
    redeemConsentCode: (subject, code) => exchange.redeemConsentCode(portalSubsystem, subject, code),
  };
}
