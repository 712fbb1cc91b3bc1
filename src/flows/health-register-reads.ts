// Flow: health certificates are made from the registers. Serves the EU DCC rules (a certificate
// states what the health register records, under the name the population register holds). Joins
// registries (population and health registers) and health. The reads go straight to the
// registers, not through the exchange.
import type { HealthRecords } from '../modules/health/index.ts';
import type { RegistryReaders } from '../modules/registries/index.ts';

/** The health module's view of a person: names from the population register, records from the health register. */
export function healthRegisterReads(readers: RegistryReaders): HealthRecords {
  return {
    async person(registerNumber) {
      const citizen = await readers.findCitizen(registerNumber);
      return citizen ? { ...citizen, surname: citizen.surname ?? '', givenName: citizen.givenName ?? '', birthDate: citizen.birthDate ?? '' } : undefined;
    },
    async vaccinations(registerNumber) {
      const entry = await readers.findHealthEntry(registerNumber);
      return entry ? (entry.vaccinations ?? []) : undefined;
    },
    async tests(registerNumber) {
      const entry = await readers.findHealthEntry(registerNumber);
      return entry ? (entry.tests ?? []) : undefined;
    },
    async recoveries(registerNumber) {
      const entry = await readers.findHealthEntry(registerNumber);
      return entry ? (entry.recoveries ?? []) : undefined;
    },
  };
}
