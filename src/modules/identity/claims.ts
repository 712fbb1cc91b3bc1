// What an ID token and userinfo say about a person, by scope. Profile claims come with the sign-in;
// data scopes (address, ID card, vehicles, ...) are read from the owning registry through the
// exchange under the consent the person gave on the consent screen, so each read is logged and
// shown to the person like every other.
import { formatAddress } from '../../kernel/address.ts';
import type { PersonFacts, CompanyFacts } from './service.ts';
import { displayName, parseAccountId } from './service.ts';
import type { AccountRow } from './store.ts';

export interface DataScope {
  /** Exchange service without the instance: CLASS/MEMBER/SUBSYSTEM/SERVICE. */
  service: string;
  claim: string;
  title: { mn: string; en: string };
  /** Who keeps the data, for the consent screen. */
  keeper: { mn: string; en: string };
}

const GASR = { mn: 'Улсын бүртгэлийн ерөнхий газар', en: 'General Authority for State Registration' };

/** Registry data a relying party may ask for, each mapped to the exchange service that holds it. */
export const DATA_SCOPES: Record<string, DataScope> = {
  address: { service: 'GOV/gasr/population/address', claim: 'address', title: { mn: 'Оршин суугаа хаяг', en: 'Your registered address' }, keeper: GASR },
  id_card: { service: 'GOV/gasr/population/citizenIdCard', claim: 'id_card', title: { mn: 'Иргэний үнэмлэхний мэдээлэл', en: 'Your ID card details' }, keeper: GASR },
  vehicles: { service: 'GOV/transportcentre/vehicles/vehiclesOfOwner', claim: 'vehicles', title: { mn: 'Таны нэр дээрх тээврийн хэрэгсэл', en: 'Vehicles registered to you' }, keeper: { mn: 'Тээврийн хөгжлийн төв', en: 'Transport Development Centre' } },
  property: { service: 'GOV/gasr/property/propertyByOwner', claim: 'property', title: { mn: 'Таны үл хөдлөх хөрөнгө', en: 'Real estate registered to you' }, keeper: GASR },
  education: { service: 'GOV/educationevaluation/education/educationRecord', claim: 'education', title: { mn: 'Боловсрол, ЭЕШ-ын оноо', en: 'Education and exam scores' }, keeper: { mn: 'Боловсролын үнэлгээний төв', en: 'Education Evaluation Centre' } },
  social_insurance: { service: 'GOV/socialinsurance/socialinsurance/contributions', claim: 'social_insurance', title: { mn: 'Нийгмийн даатгалын шимтгэл', en: 'Social insurance contributions' }, keeper: { mn: 'Нийгмийн даатгалын ерөнхий газар', en: 'General Office of Social Insurance' } },
};

/** A foreign resident's own record for "my details": their residence permit, kept by the immigration agency. */
export const RESIDENCE_PERMIT_SERVICE = 'GOV/immigration/foreignresidents/residencePermit';

/** Scopes that need no consent screen: who you are, as the sign-in itself shows. */
export const PROFILE_SCOPES = ['profile', 'register_number', 'phone'];

export function isDataScope(scope: string): boolean {
  return Object.hasOwn(DATA_SCOPES, scope);
}

export interface ClaimsSource {
  account(id: string): Promise<AccountRow | undefined>;
  person(registerNumber: string): Promise<PersonFacts | undefined>;
  company(registerNumber: string): Promise<CompanyFacts | undefined>;
  /** Reads a data scope through the exchange under the grant's consent; undefined when there is none. */
  dataClaim(scope: string, registerNumber: string, grantId: string): Promise<unknown>;
}

/** The standard address claim (OpenID Connect Core 5.1.1) from a registry address, with the parts kept. */
export function addressClaim(answer: unknown): unknown {
  const address = (answer as { address?: Record<string, string> | null } | undefined)?.address;
  if (!address) return undefined;
  const street = formatAddress({ street: address.street, building: address.building, apartment: address.apartment, detail: address.detail }, 'mn');
  return { formatted: formatAddress(address, 'mn'), street_address: street || undefined, locality: address.soumDistrictName, region: address.aimagCityName, country: 'MN', urtuu_units: address };
}

/** All claims for an account id (see parseAccountId) and the granted scopes. */
export async function claimsFor(source: ClaimsSource, accountId: string, scope: string, grantId: string | undefined): Promise<Record<string, unknown>> {
  const scopes = new Set(scope.split(' '));
  const { subject, actor, basis } = parseAccountId(accountId);
  const account = await source.account(subject);
  if (!account) return { sub: accountId };
  const claims: Record<string, unknown> = { sub: subject, urtuu_login_type: account.kind === 'organisation' ? 'organisation' : actor ? 'representative' : 'person' };
  if (account.kind === 'organisation') {
    const company = await source.company(account.register_number);
    if (scopes.has('profile')) claims.name = company?.name ?? account.register_number;
    if (scopes.has('register_number')) claims.register_number = account.register_number;
  } else {
    const person = await source.person(account.register_number);
    if (person && scopes.has('profile')) {
      claims.name = displayName(person);
      claims.given_name = person.givenName;
      claims.family_name = person.surname;
      claims.birthdate = person.birthDate;
      if (person.sex) claims.gender = person.sex;
      claims.locale = 'mn-MN';
    }
    if (scopes.has('register_number')) claims.register_number = account.register_number;
    if (person?.mobile && scopes.has('phone')) {
      claims.phone_number = `+976${person.mobile}`;
      claims.phone_number_verified = true;
    }
    if (grantId) {
      for (const [name, definition] of Object.entries(DATA_SCOPES)) {
        if (!scopes.has(name)) continue;
        const answer = await source.dataClaim(name, account.register_number, grantId);
        if (answer === undefined) continue;
        claims[definition.claim] = name === 'address' ? addressClaim(answer) : answer;
      }
    }
  }
  if (actor) {
    // RFC 8693's actor claim: who is really at the keyboard.
    const actorAccount = await source.account(actor);
    const actorPerson = actorAccount ? await source.person(actorAccount.register_number) : undefined;
    claims.act = {
      sub: actor,
      urtuu_basis: basis,
      ...(actorPerson && scopes.has('profile') ? { name: displayName(actorPerson) } : {}),
      ...(actorAccount && scopes.has('register_number') ? { register_number: actorAccount.register_number } : {}),
    };
  }
  return claims;
}
