// Flow: each health certificate is also one of the person's documents. Serves rule 2 (records
// that matter are kept and verifiable): the certificate is listed among the person's documents,
// verifiable by its number and logged. Joins health (the certificate issued) and documents.
import type { AppContext } from '../kernel/context.ts';
import type { DocumentDraft, Documents } from '../modules/documents/index.ts';
import { payloadRows, type Health, type IssuedCertificate } from '../modules/health/index.ts';
import type { AgencyName } from './agency-names.ts';

/** The document that stands for a certificate: its rows in both languages and its EU DCC identifier. */
async function certificateDocument(ctx: AppContext, certificate: IssuedCertificate, registerNumber: string, agencyName: AgencyName): Promise<DocumentDraft> {
  const mn = ctx.i18n.translator('mn');
  const en = ctx.i18n.translator('en');
  const result = { certificateType: certificate.certificateType, expiresAt: new Date(certificate.expiresAt), issuer: 'MN' };
  const rowsMn = payloadRows(certificate.payload, result, mn);
  const rowsEn = payloadRows(certificate.payload, result, en);
  const issuer = (await agencyName('moh')) ?? { mn: 'Эрүүл мэндийн яам', en: 'Ministry of Health' };
  return {
    kind: 'certificate',
    title: { mn: `${mn(`health.verify.types.${certificate.certificateType}`)} (КОВИД-19)`, en: `${en(`health.verify.types.${certificate.certificateType}`)} (COVID-19)` },
    subject: registerNumber,
    subjectName: `${certificate.payload.nam.fn} ${certificate.payload.nam.gn ?? ''}`.trim(),
    agencyId: 'moh',
    issuer,
    body: { sections: [
      { rows: rowsMn.map((row, index) => ({ label: { mn: row.key.text, en: rowsEn[index]?.key.text ?? row.key.text }, value: row.value.text === rowsEn[index]?.value.text ? row.value.text : { mn: row.value.text, en: rowsEn[index]?.value.text ?? row.value.text } })) },
      { note: { mn: `EU DCC дугаар (UVCI): ${certificate.uvci}`, en: `EU DCC identifier (UVCI): ${certificate.uvci}` } },
    ] },
    source: { service: 'covid-19-vaccination-certificate', request: certificate.uvci },
    validUntil: certificate.expiresAt.slice(0, 10),
  };
}

/** Files every certificate health issues among the person's documents. */
export function fileHealthCertificates(ctx: AppContext, health: Pick<Health, 'onIssued'>, documents: Pick<Documents, 'issue'>, agencyName: AgencyName): void {
  health.onIssued(async (certificate, registerNumber, actor, requestId) => {
    await documents.issue(await certificateDocument(ctx, certificate, registerNumber, agencyName), actor, requestId).catch((error: unknown) => {
      // The certificate stands (it is signed and recorded); only its copy among the documents is missing.
      ctx.log.error({ err: error, uvci: certificate.uvci }, 'health certificate not filed among documents');
    });
  });
}
