// The health certificate as e-Mongolia issued it on paper: one A4 page, Mongolian and English side
// by side, the person's name in Cyrillic and in its passport (ICAO 9303) form, what the certificate
// states, its identifier and issuer, a large QR code and where to verify it. The font is DejaVu
// Sans, embedded (subset), as it has every Mongolian Cyrillic letter, Ө ө Ү ү included.
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import type { Translate } from '../../kernel/i18n.ts';
import { qrPng, readQrImage, type CertificateType, type DccPayload } from './dcc/index.ts';
import { payloadRows } from './rows.ts';

const require = createRequire(import.meta.url);
const FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

export interface CertificatePdfInput {
  hc1: string;
  payload: DccPayload;
  certificateType: CertificateType;
  uvci: string;
  issuer: string;
  expiresAt: Date;
  issuedAt: Date;
  /** The platform's address, e.g. https://urtuu.mn; the verify line names {baseUrl}/{lang}/dcc/verify. */
  baseUrl: string;
  /** Translators for the two languages of the page. */
  mn: Translate;
  en: Translate;
}

/** The PNG of the QR code to print, read back before it is printed: a code that would not scan is an error, never a document. */
export async function printableQr(hc1: string): Promise<Buffer> {
  const png = await qrPng(hc1, { scale: 8, margin: 4 });
  if (readQrImage(png) !== hc1) throw new Error('the QR code to print does not read back as the certificate');
  return png;
}

const MM = 72 / 25.4;

/** A one-page A4 PDF of an issued certificate, in Mongolian and English. */
export async function certificatePdf(input: CertificatePdfInput): Promise<Buffer> {
  const qr = await printableQr(input.hc1);
  const document = new PDFDocument({
    size: 'A4',
    margin: 15 * MM,
    info: { Title: `${input.mn('health.pdf.title')} / ${input.en('health.pdf.title')}`, Author: input.issuer, Subject: input.uvci, Creator: 'Urtuu' },
    lang: 'mn',
    pdfVersion: '1.7',
    autoFirstPage: true,
    bufferPages: true,
  });
  const chunks: Buffer[] = [];
  document.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    document.on('end', () => resolve(Buffer.concat(chunks)));
    document.on('error', reject);
  });
  document.registerFont('body', FONT);
  document.registerFont('bold', FONT_BOLD);

  const page = document.page;
  const left = page.margins.left;
  const width = page.width - page.margins.left - page.margins.right;
  const gutter = 8 * MM;
  const column = (width - gutter) / 2;

  // The heading in both languages.
  document.font('bold').fontSize(15).fillColor('#0b0c0c');
  document.text(input.mn('health.pdf.title'), left, page.margins.top, { width: column });
  document.text(input.en('health.pdf.title'), left + column + gutter, page.margins.top, { width: column });
  let y = Math.max(document.y, page.margins.top + 36) + 4;
  document.font('body').fontSize(9).fillColor('#505a5f');
  document.text(input.mn('health.pdf.subtitle'), left, y, { width: column });
  const afterMn = document.y;
  document.text(input.en('health.pdf.subtitle'), left + column + gutter, y, { width: column });
  y = Math.max(afterMn, document.y) + 6;
  document.moveTo(left, y).lineTo(left + width, y).lineWidth(1).strokeColor('#1d70b8').stroke();
  y += 10;

  // The QR code: large, centred, with a quiet zone of its own, about 85 mm across.
  const qrSize = 85 * MM;
  document.image(qr, left + (width - qrSize) / 2, y, { width: qrSize, height: qrSize });
  y += qrSize + 8;

  // What the certificate states, one column a language; a row's label above its value.
  const rows = (t: Translate) => {
    const list = payloadRows(input.payload, { certificateType: input.certificateType, expiresAt: input.expiresAt, issuer: input.issuer }, t).map((row) => ({ label: row.key.text, value: row.value.text }));
    list.push({ label: t('health.pdf.issuedAt'), value: input.issuedAt.toISOString().slice(0, 10) });
    return list;
  };
  const columnRows = (t: Translate, x: number, top: number) => {
    let at = top;
    for (const row of rows(t)) {
      document.font('body').fontSize(7.5).fillColor('#505a5f').text(row.label, x, at, { width: column });
      document.font('bold').fontSize(9.5).fillColor('#0b0c0c').text(row.value, x, document.y, { width: column });
      at = document.y + 3.5;
    }
    return at;
  };
  const bottomMn = columnRows(input.mn, left, y);
  const bottomEn = columnRows(input.en, left + column + gutter, y);
  y = Math.max(bottomMn, bottomEn) + 4;

  // How to verify, in both languages.
  document.moveTo(left, y).lineTo(left + width, y).lineWidth(0.5).strokeColor('#b1b4b6').stroke();
  y += 6;
  const verifyLine = (t: Translate, lang: 'mn' | 'en', x: number) => {
    document.font('body').fontSize(8.5).fillColor('#0b0c0c').text(t('health.pdf.verify'), x, y, { width: column });
    // The address on a line of its own, so that it is never broken.
    const url = `${input.baseUrl}/${lang}/dcc/verify`;
    document.font('bold').fontSize(url.length > 48 ? 7 : 8.5).text(url, x, document.y + 1, { width: column, lineBreak: false });
    return document.y;
  };
  y = Math.max(verifyLine(input.mn, 'mn', left), verifyLine(input.en, 'en', left + column + gutter));
  if (y > page.height - page.margins.bottom || document.bufferedPageRange().count !== 1) throw new Error('the certificate does not fit on one page');

  document.end();
  return done;
}
