// Flow: the national login learns who is signing in. Serves the login's rules (a living adult
// signs in on their own, a parent acts for a child, a director for a company, a foreign resident
// while their permit holds) and the SMS of a one-time code. Joins registries (population, foreign
// residents, legal entities), messaging and catalog (agency names) for identity. It reads the
// registers directly, as the consent-code delivery does: it is the authentication itself. Data a
// relying party asks for goes through the exchange.
import type { Catalog } from '../modules/catalog/index.ts';
import type { CompanyFacts, IdentityDeps, IdentityOptions, PersonFacts } from '../modules/identity/index.ts';
import type { Messaging } from '../modules/messaging/index.ts';
import type { CitizenEntry, ForeignResidentEntry, LegalEntityEntry, RegistryReaders } from '../modules/registries/index.ts';
import { isForeignRegisterNumber } from '../kernel/person-number.ts';

function citizenFacts(registerNumber: string, citizen: CitizenEntry): PersonFacts {
  return {
    registerNumber,
    familyName: citizen.familyName,
    surname: citizen.surname ?? '',
    givenName: citizen.givenName ?? '',
    latin: citizen.latin,
    sex: citizen.sex,
    birthDate: citizen.birthDate ?? '',
    ...(citizen.mobile !== undefined ? { mobile: citizen.mobile } : {}),
    deceased: Boolean(citizen.death),
    citizenship: citizen.citizenship ?? 'MN',
    children: citizen.children ?? [],
  };
}

// Foreign residents are in the immigration agency's register, not the population register.
function foreignResidentFacts(registerNumber: string, resident: ForeignResidentEntry): PersonFacts {
  return {
    registerNumber,
    surname: resident.surname ?? '',
    givenName: resident.givenName ?? '',
    latin: { surname: resident.surname ?? '', givenName: resident.givenName ?? '' },
    sex: resident.sex,
    birthDate: resident.birthDate ?? '',
    ...(resident.mobile !== undefined ? { mobile: resident.mobile } : {}),
    deceased: false,
    citizenship: resident.nationality ?? '',
    children: [],
    // No valid-until date reads as expired: a permit that cannot be shown to hold does not let anyone in.
    permitValidUntil: resident.permit?.validUntil ?? '0000-00-00',
  };
}

const companyFacts = (company: LegalEntityEntry): CompanyFacts => ({ registerNumber: company.registerNumber, name: company.name, status: company.status });

/** What signing in needs to know about a person, from the register that holds them, and how it texts them. */
export function loginPeople(readers: RegistryReaders, messaging: Pick<Messaging, 'send'>): IdentityDeps {
  return {
    async person(registerNumber) {
      if (isForeignRegisterNumber(registerNumber)) {
        const resident = await readers.findForeignResident(registerNumber);
        return resident ? foreignResidentFacts(registerNumber, resident) : undefined;
      }
      const citizen = await readers.findCitizen(registerNumber);
      return citizen ? citizenFacts(registerNumber, citizen) : undefined;
    },
    async companiesDirectedBy(registerNumber) {
      const companies = await readers.legalEntitiesNaming(registerNumber);
      return companies.filter((company) => (company.directors ?? []).some((director) => director.registerNumber === registerNumber)).map(companyFacts);
    },
    async sendSms(mobile, text, lang, purpose) {
      await messaging.send({ channel: 'sms', to: mobile, lang, body: text, purpose });
    },
  };
}

/** A company by its register number, and the agencies staff pages name, for the login's other questions. */
export function loginRegisterFacts(readers: RegistryReaders, catalog: Pick<Catalog, 'listAgencies'>): Pick<IdentityOptions, 'company' | 'agencies'> {
  return {
    async company(registerNumber) {
      const company = await readers.findLegalEntity(registerNumber);
      return company ? { ...companyFacts(company), registerNumber } : undefined;
    },
    agencies: async (lang) => (await catalog.listAgencies(lang)).map((agency) => ({ id: agency.id, name: agency.name[lang] })),
  };
}
