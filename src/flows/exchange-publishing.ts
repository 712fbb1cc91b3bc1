// Flow: the platform takes its place on the exchange. Serves rule 6 (every read of a person's
// record goes through the exchange, signed and logged): the portal and the national login are
// subsystems of the platform's member with their own keys, and every registry service is
// published under the agency that keeps it. Joins exchange, catalog (member names) and registries.
import { PLATFORM_MEMBER, PORTAL_SUBSYSTEM, type Exchange } from '../modules/exchange/index.ts';
import { IDENTITY_SUBSYSTEM } from '../modules/identity/index.ts';
import { publishRegistryServices } from '../modules/registries/index.ts';
import type { AgencyName } from './agency-names.ts';

export interface PlatformSubsystems {
  /** The portal's identity on the exchange (subsystem id). */
  portal: string;
  /** The national login's identity on the exchange (subsystem id). */
  identity: string;
}

/** The subsystem ids of the platform's portal and national login on this exchange instance. */
export function platformSubsystems(exchange: Pick<Exchange, 'instance'>): PlatformSubsystems {
  const member = `${exchange.instance}/${PLATFORM_MEMBER.memberClass}/${PLATFORM_MEMBER.memberCode}`;
  return { portal: `${member}/${PORTAL_SUBSYSTEM}`, identity: `${member}/${IDENTITY_SUBSYSTEM}` };
}

/** Publishes the platform's members, keys and registry services (idempotent; run again after seeding renames agencies). */
export function exchangePublisher(exchange: Exchange, agencyName: AgencyName, subsystems: PlatformSubsystems): () => Promise<void> {
  return async () => {
    const platformName = (await agencyName(PLATFORM_MEMBER.agencyId)) ?? { mn: 'И-Монгол академи', en: 'E-Mongolia Academy' };
    const memberId = await exchange.admin.upsertMember({ memberClass: PLATFORM_MEMBER.memberClass, memberCode: PLATFORM_MEMBER.memberCode, name: platformName, agencyId: PLATFORM_MEMBER.agencyId });
    await exchange.admin.upsertSubsystem({ memberId, subsystemCode: PORTAL_SUBSYSTEM, name: { mn: 'Төрийн үйлчилгээний портал', en: 'Public service portal' } });
    await exchange.platformKey(subsystems.portal);
    await exchange.admin.upsertSubsystem({ memberId, subsystemCode: IDENTITY_SUBSYSTEM, name: { mn: 'Үндэсний нэвтрэлт', en: 'National login' } });
    await exchange.platformKey(subsystems.identity);
    // A satellite node reaches the registries at the central node; it publishes none of its own.
    if (!exchange.forwards) await publishRegistryServices(exchange, { nameOf: agencyName }, [subsystems.portal, subsystems.identity]);
  };
}
