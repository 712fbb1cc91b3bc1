// Set-up shared by the exchange's tests: people in the registries, and outside members with keys
// and access rights, calling through the same client an outside system uses.
import type { App } from '../../app.ts';
import { generateKeyPair } from '../../kernel/pki.ts';
import { generatePopulation, loadRecords } from '../registries/index.ts';
import { ExchangeClient, injectTransport as serverTransport, type Transport } from './client.ts';

/** Loads `people` synthetic persons (the demo citizen first) with their families' records. */
export async function seedPeople(app: App, people = 40, seed = 'exchange-tests'): Promise<void> {
  await loadRecords(app.ctx.db, generatePopulation({ population: people, seed }), { actor: 'test' });
}

/** Sends requests into the app without a network, as fetch would over one. */
export function injectTransport(app: App, remoteAddress = '127.0.0.1'): Transport {
  return serverTransport(app.server as never, remoteAddress);
}

export interface OutsideMember {
  /** The subsystem's id, MN/COM/code/subsystem. */
  client: string;
  keyId: string;
  privateKeyPem: string;
  publicKeyPem: string;
  exchange: ExchangeClient;
}

/**
 * Registers an outside member (a company by default) with one subsystem and a signing key, and
 * grants it the given rights. Its client talks to the app through `transport` (in process by default).
 */
export async function outsideMember(
  app: App,
  options: { memberClass?: string; memberCode: string; subsystemCode?: string; name?: string; rights?: { service: string; method?: string; path?: string }[]; transport?: Transport },
): Promise<OutsideMember> {
  const memberId = await app.exchange.admin.upsertMember({ memberClass: options.memberClass ?? 'COM', memberCode: options.memberCode, name: { mn: options.name ?? options.memberCode, en: options.name ?? options.memberCode } });
  const client = await app.exchange.admin.upsertSubsystem({ memberId, subsystemCode: options.subsystemCode ?? 'system', name: { mn: 'Систем', en: 'System' } });
  const pair = generateKeyPair();
  const keyId = await app.exchange.admin.addKey({ subsystemId: client, publicKeyPem: pair.publicKeyPem });
  for (const right of options.rights ?? []) {
    await app.exchange.admin.grant({ serviceId: right.service, clientId: client, ...(right.method ? { method: right.method } : {}), ...(right.path ? { path: right.path } : {}) });
  }
  const exchange = new ExchangeClient({ client, keyId, privateKeyPem: pair.privateKeyPem, transport: options.transport ?? injectTransport(app) });
  return { client, keyId, privateKeyPem: pair.privateKeyPem, publicKeyPem: pair.publicKeyPem, exchange };
}

export const ADDRESS_SERVICE = 'MN/GOV/gasr/population/address';
export const ID_CARD_SERVICE = 'MN/GOV/gasr/population/citizenIdCard';
