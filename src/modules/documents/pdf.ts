// A document as a printable PDF in Mongolian and English: the issuer and title in both languages,
// every label in both, values as the register holds them, and a QR code that opens the public
// verify page. Long tables run on to further pages; every page carries the document's number and
// where to check it. The font is DejaVu Sans, embedded, for every Mongolian Cyrillic letter.
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { formatDateTime } from '../../kernel/format.ts';
import { groupedId, textIn, type Bilingual, type IssuedDocument, type Text } from './schema.ts';

const require = createRequire(import.meta.url);
const FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');
const MM = 72 / 25.4;
const INK = '#0b0c0c';
const GREY = '#505a5f';
const BLUE = '#1d70b8';

/** The address a document's QR code opens. */
export function verifyUrl(baseUrl: string, id: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/verify/${id}`;
}

// A text the same in both languages (an officer's note, a name) is printed once, not twice.
const both = (text: Bilingual) => (text.mn === text.en ? text.mn : `${text.mn} / ${text.en}`);
const bilingualValue = (value: Text) => (typeof value === 'string' ? value : value.mn === value.en ? value.mn : `${value.mn} / ${value.en}`);

/** The PDF of an issued document. */
export async function documentPdf(document: IssuedDocument, baseUrl: string, labels: { verify: Bilingual; number: Bilingual; issuedAt: Bilingual; subject: Bilingual; revoked: Bilingual; page: Bilingual }): Promise<Buffer> {
  const url = verifyUrl(baseUrl, document.id);
  const qr = await QRCode.toBuffer(url, { type: 'png', errorCorrectionLevel: 'M', margin: 2, scale: 6 });
  const pdf = new PDFDocument({
    size: 'A4',
    margin: 18 * MM,
    info: { Title: both(document.title), Author: document.issuer.mn, Subject: document.id, Keywords: `sha256:${document.contentHash}`, Creator: 'Urtuu' },
    lang: 'mn',
    pdfVersion: '1.7',
    bufferPages: true,
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  pdf.registerFont('body', FONT);
  pdf.registerFont('bold', FONT_BOLD);

  const left = pdf.page.margins.left;
  const width = pdf.page.width - left - pdf.page.margins.right;
  const bottom = () => pdf.page.height - pdf.page.margins.bottom - 14 * MM;
  const qrSize = 32 * MM;

  // Heading: issuer and title in both languages, the QR code at the right.
  const top = pdf.page.margins.top;
  const textWidth = width - qrSize - 6 * MM;
  pdf.image(qr, left + width - qrSize, top, { width: qrSize, height: qrSize });
  pdf.font('body').fontSize(9).fillColor(GREY).text(document.issuer.mn, left, top, { width: textWidth });
  pdf.text(document.issuer.en, { width: textWidth });
  pdf.moveDown(0.6);
  pdf.font('bold').fontSize(16).fillColor(INK).text(document.title.mn, { width: textWidth });
  pdf.font('body').fontSize(12).fillColor(GREY).text(document.title.en, { width: textWidth });
  pdf.moveDown(0.6);
  pdf.font('body').fontSize(8.5).fillColor(GREY).text(`${both(labels.number)}: `, { continued: true, width: textWidth }).font('bold').fillColor(INK).text(groupedId(document.id));
  pdf.font('body').fillColor(GREY).text(`${both(labels.issuedAt)}: `, { continued: true, width: textWidth }).font('bold').fillColor(INK).text(formatDateTime(document.issuedAt));
  if (document.revocation) pdf.font('bold').fontSize(11).fillColor('#d4351c').text(`${both(labels.revoked)}: ${document.revocation.reason}`, { width: textWidth });
  let y = Math.max(pdf.y, top + qrSize) + 8;
  pdf.moveTo(left, y).lineTo(left + width, y).lineWidth(1).strokeColor(BLUE).stroke();
  y += 8;

  const ensure = (height: number) => {
    if (y + height > bottom()) {
      pdf.addPage();
      y = pdf.page.margins.top;
    }
  };
  const labelled = (label: Bilingual, value: Text) => {
    const valueText = bilingualValue(value);
    const height = pdf.font('bold').fontSize(10).heightOfString(valueText || '—', { width: width * 0.6 }) + 4;
    ensure(Math.max(height, 24));
    pdf.font('body').fontSize(8).fillColor(INK).text(label.mn, left, y, { width: width * 0.38 });
    pdf.fillColor(GREY).text(label.en, left, pdf.y, { width: width * 0.38 });
    const labelBottom = pdf.y;
    pdf.font('bold').fontSize(10).fillColor(INK).text(valueText || '—', left + width * 0.4, y, { width: width * 0.6 });
    y = Math.max(labelBottom, pdf.y) + 5;
  };

  labelled(labels.subject, `${document.subjectName} (${document.subject})`);
  for (const section of document.body.sections) {
    if (section.heading) {
      ensure(34);
      y += 4;
      pdf.font('bold').fontSize(11.5).fillColor(INK).text(section.heading.mn, left, y, { width });
      if (section.heading.en !== section.heading.mn) pdf.font('body').fontSize(9).fillColor(GREY).text(section.heading.en, left, pdf.y, { width });
      y = pdf.y + 5;
    }
    for (const row of section.rows ?? []) labelled(row.label, row.value);
    if (section.note) {
      ensure(30);
      pdf.font('bold').fontSize(10).fillColor(INK).text(section.note.mn, left, y, { width });
      if (section.note.en !== section.note.mn) pdf.font('body').fontSize(9).fillColor(GREY).text(section.note.en, left, pdf.y, { width });
      y = pdf.y + 6;
    }
    if (section.table) {
      const columns = section.table.columns;
      const columnWidth = width / columns.length;
      const headerHeight = () => Math.max(...columns.map((column) => pdf.font('body').fontSize(7.5).heightOfString(`${column.mn}\n${column.en}`, { width: columnWidth - 4 }))) + 4;
      const drawHeader = () => {
        const height = headerHeight();
        ensure(height + 14);
        columns.forEach((column, index) => {
          pdf.font('bold').fontSize(7.5).fillColor(INK).text(column.mn, left + index * columnWidth, y, { width: columnWidth - 4 });
          pdf.font('body').fillColor(GREY).text(column.en, left + index * columnWidth, pdf.y, { width: columnWidth - 4 });
        });
        y += height;
        pdf.moveTo(left, y).lineTo(left + width, y).lineWidth(0.5).strokeColor(GREY).stroke();
        y += 3;
      };
      drawHeader();
      for (const cells of section.table.rows) {
        const texts = cells.map((cell) => bilingualValue(cell));
        const height = Math.max(...texts.map((text) => pdf.font('body').fontSize(8.5).heightOfString(text || '—', { width: columnWidth - 4 }))) + 3;
        if (y + height > bottom()) {
          pdf.addPage();
          y = pdf.page.margins.top;
          drawHeader();
        }
        texts.forEach((text, index) => pdf.font('body').fontSize(8.5).fillColor(INK).text(text || '—', left + index * columnWidth, y, { width: columnWidth - 4 }));
        y += height;
      }
      y += 6;
    }
  }

  // Every page: the number, where to check it, the page count.
  const range = pdf.bufferedPageRange();
  for (let index = 0; index < range.count; index += 1) {
    pdf.switchToPage(range.start + index);
    const footerTop = pdf.page.height - pdf.page.margins.bottom - 11 * MM;
    pdf.moveTo(left, footerTop).lineTo(left + width, footerTop).lineWidth(0.5).strokeColor(GREY).stroke();
    pdf.font('body').fontSize(7.5).fillColor(GREY);
    pdf.text(`${labels.verify.mn} / ${labels.verify.en}: `, left, footerTop + 4, { width: width * 0.8, continued: true, lineBreak: false }).font('bold').fillColor(INK).text(url, { lineBreak: false });
    pdf.font('body').fillColor(GREY).text(`${groupedId(document.id)} · SHA-256 ${document.contentHash.slice(0, 16)}…`, left, footerTop + 15, { width: width * 0.8, lineBreak: false });
    pdf.text(`${textIn(labels.page, 'mn')} ${index + 1}/${range.count}`, left + width * 0.8, footerTop + 15, { width: width * 0.2, align: 'right', lineBreak: false });
  }
  pdf.end();
  return done;
}
