// The EU DCC value sets: the codes a certificate's coded fields may hold. The JSON schema only
// names the value set of each field; a verifier that checked the schema alone would accept a
// vaccine, manufacturer, country or test device that does not exist, which the official test files
// expect to fail. The files in valuesets/ are the eHealth Network's published value sets
// (ehn-dcc-development/eu-dcc-valuesets, release 2.12.0, Apache-2.0); test-manf.json, the rapid
// antigen tests, is the union of every version published there, since that list is kept on the
// EU DCC gateway and changes often: replace it with the gateway's current list when you have it.
// A code the EU has since marked inactive is still a code it defined, and certificates made while
// it was active stay readable, so `active: false` entries are accepted.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const folder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'valuesets');

/** The value sets the payload's fields refer to, by file. */
const FILES = {
  disease: 'disease-agent-targeted.json',
  prophylaxis: 'vaccine-prophylaxis.json',
  product: 'vaccine-medicinal-product.json',
  vaccineManufacturer: 'vaccine-mah-manf.json',
  country: 'country-2-codes.json',
  testType: 'test-type.json',
  testResult: 'test-result.json',
  testDevice: 'test-manf.json',
} as const;
type ValueSetName = keyof typeof FILES;

interface ValueSet {
  id: string;
  codes: Set<string>;
}

let loaded: Record<ValueSetName, ValueSet> | undefined;

function valueSets(): Record<ValueSetName, ValueSet> {
  loaded ??= Object.fromEntries(
    Object.entries(FILES).map(([name, file]) => {
      const json = JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as { valueSetId: string; valueSetValues: Record<string, unknown> };
      return [name, { id: json.valueSetId, codes: new Set(Object.keys(json.valueSetValues)) }];
    }),
  ) as Record<ValueSetName, ValueSet>;
  return loaded;
}

const NAAT = 'LP6464-4';

/** The fields of each group checked against a value set; `ma` of a test only when present (rapid tests). */
const FIELDS: Record<'v' | 't' | 'r', [field: string, set: ValueSetName][]> = {
  v: [['tg', 'disease'], ['vp', 'prophylaxis'], ['mp', 'product'], ['ma', 'vaccineManufacturer'], ['co', 'country']],
  t: [['tg', 'disease'], ['tt', 'testType'], ['tr', 'testResult'], ['ma', 'testDevice'], ['co', 'country']],
  r: [['tg', 'disease'], ['co', 'country']],
};

/** True when `code` is in the named EU value set. */
export function inValueSet(set: ValueSetName, code: string): boolean {
  return valueSets()[set].codes.has(code);
}

/**
 * What in a schema-valid payload lies outside the EU value sets, each as "/json/pointer message";
 * empty when every coded field holds a known code.
 */
export function valueSetFindings(payload: Record<string, unknown>): string[] {
  const findings: string[] = [];
  for (const group of ['v', 't', 'r'] as const) {
    const entries = payload[group];
    if (!Array.isArray(entries)) continue;
    entries.forEach((entry: unknown, index) => {
      if (typeof entry !== 'object' || entry === null) return;
      for (const [field, set] of FIELDS[group]) {
        const value = (entry as Record<string, unknown>)[field];
        if (value === undefined) continue;
        // `ma` names a rapid antigen test; on a NAAT (PCR) test some issuers (CH) write it empty, meaning none.
        if (group === 't' && field === 'ma' && value === '' && (entry as Record<string, unknown>).tt === NAAT) continue;
        if (typeof value !== 'string' || !valueSets()[set].codes.has(value)) findings.push(`/${group}/${index}/${field} ${JSON.stringify(value)} is not in the EU value set ${valueSets()[set].id}`);
      }
    });
  }
  return findings;
}
