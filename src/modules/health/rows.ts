// A certificate's content as labelled rows in a language: for the verifier's result, the citizen's
// page and the printed PDF.
import { formatDate, formatDateTime } from '../../kernel/format.ts';
import type { Translate } from '../../kernel/i18n.ts';
import type { DccPayload, VerificationResult } from './dcc/index.ts';

export type Row = { key: { text: string }; value: { text: string } };

// Codes of the EU value sets that a person reading the result would otherwise not understand.
const KNOWN_CODES: Record<string, string> = {
  '840539006': 'COVID-19',
  '260415000': 'notDetected',
  '260373001': 'detected',
  'LP6464-4': 'naat',
  'LP217198-3': 'rat',
};

/**
 * A certificate's date as people read dates here (yyyy.MM.dd, times in Ulaanbaatar time). The
 * certificate itself keeps ISO 8601 as its format demands, partial birth dates ("1990-05") included.
 */
export function dccDate(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (/^\d{4}(-\d{2}){0,2}$/.test(value)) return value.replaceAll('-', '.');
  if (/^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value))) return formatDateTime(value);
  return value;
}

/** The payload as rows of a summary list, labels in the person's language. */
export function payloadRows(payload: DccPayload | undefined, result: Pick<VerificationResult, 'certificateType' | 'expiresAt' | 'issuer'>, t: Translate): Row[] {
  if (!payload || typeof payload !== 'object') return [];
  const rows: Row[] = [];
  const add = (label: string, value: unknown) => {
    if (value === undefined || value === null || value === '') return;
    const text = typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
    rows.push({ key: { text: t(`health.verify.fields.${label}`) }, value: { text } });
  };
  const name = (payload.nam ?? {}) as unknown as Record<string, unknown>;
  add('name', [name.fn, name.gn].filter((part) => typeof part === 'string' && part).join(' ') || undefined);
  add('nameTransliterated', [name.fnt, name.gnt].filter((part) => typeof part === 'string' && part).join(' ') || undefined);
  add('dob', dccDate(payload.dob));
  if (result.certificateType) add('type', t(`health.verify.types.${result.certificateType}`));
  const entry = (result.certificateType ? (payload[result.certificateType] as unknown[] | undefined)?.[0] : undefined) as Record<string, unknown> | undefined;
  if (entry && typeof entry === 'object') {
    const known = (value: unknown) => {
      const code = typeof value === 'string' ? KNOWN_CODES[value] : undefined;
      return code === undefined ? value : code === 'COVID-19' ? code : t(`health.verify.codes.${code}`);
    };
    add('tg', known(entry.tg));
    if (result.certificateType === 'v') {
      add('mp', entry.mp);
      add('dose', entry.dn !== undefined ? `${String(entry.dn)} / ${String(entry.sd)}` : undefined);
      add('dt', dccDate(entry.dt));
    } else if (result.certificateType === 't') {
      add('tt', known(entry.tt));
      add('tr', known(entry.tr));
      add('sc', dccDate(entry.sc));
      add('tc', entry.tc);
    } else {
      add('fr', dccDate(entry.fr));
      add('validity', entry.df !== undefined ? `${String(dccDate(entry.df))} – ${String(dccDate(entry.du))}` : undefined);
    }
    add('co', entry.co);
    add('is', entry.is);
    add('ci', entry.ci);
  }
  add('issuerCountry', result.issuer);
  add('expiresAt', result.expiresAt ? formatDate(result.expiresAt) : undefined);
  return rows;
}

