// Applications end to end, as plain form posts: the five shipped forms; one question a page with the
// error summary; registry facts read once under consent; attachments checked by their bytes; check
// your answers; the fee invoiced and paid; the back office starting, asking for a file, granting
// with a signed result, rejecting with a refund; messages at each status; forms defined without code.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { form, testApp, type TestApp } from '../../../test/helpers.ts';
import type { Principal } from '../../kernel/auth.ts';
import { seedPeople } from '../exchange/test-fixtures.ts';
import { payOnDevPage } from '../payments/test-fixtures.ts';
import { DEMO_CITIZEN } from '../registries/index.ts';
import { builtinForms, definitionProblems } from './forms.ts';

const CITIZEN = DEMO_CITIZEN.registerNumber;
const MRT_OFFICER: Principal = { id: 'mrt-officer-1', name: 'Б.Тулга', kind: 'official', roles: ['officer'], agencyId: 'mrt' };
const MRT_OFFICER_2: Principal = { id: 'mrt-officer-2', name: 'Г.Номин', kind: 'official', roles: ['officer'], agencyId: 'mrt' };
const png = () => {
  const image = new PNG({ width: 40, height: 50 });
  image.data.fill(200);
  return PNG.sync.write(image);
};

/** The address of a draft (its task list), from any of its pages. */
const draftBase = (location: string) => /^\/[a-z]{2}\/apply\/[a-z-]+\/[0-9a-f-]{36}/.exec(location)![0];

/** A multipart/form-data body with text fields and one file. */
function multipart(fields: Record<string, string>, file?: { name: string; filename: string; type: string; data: Buffer }) {
  const boundary = '----urtuu-test-boundary';
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  if (file) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`), file.data, Buffer.from('\r\n'));
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe('applications', () => {
  let app: TestApp;

  before(async () => {
    app = await testApp({ seed: true });
    await seedPeople(app, 60, 'applications-tests');
  });
  after(async () => app.close());

  /** The SMS sent about a request, oldest first. */
  async function smsAbout(number: string): Promise<string[]> {
    const { rows } = await app.ctx.db.query<{ body: string }>(`SELECT body FROM messaging.outbox WHERE channel = 'sms' AND purpose = 'applications.status' AND body LIKE $1 ORDER BY created_at, id`, [`%${number}%`]);
    return rows.map((row) => row.body);
  }

  /** Fills in the driving licence form through its pages; returns the check page's address. */
  async function fillDrivingLicence(): Promise<string> {
    const begun = await app.as('dev-citizen', { method: 'POST', url: '/en/apply/driving-licence-replacement', ...form({}, app.csrf) });
    assert.equal(begun.statusCode, 303, begun.body.slice(0, 300));
    const base = draftBase(begun.headers.location as string);
    const steps: [string, Record<string, string>, { name: string; filename: string; type: string; data: Buffer }?][] = [
      ['reason', { reason: 'lost' }],
      ['licence', { licenceNumber: 'AB123456' }],
      ['photo', {}, { name: 'photo', filename: 'me.png', type: 'image/png', data: png() }],
      ['delivery', { delivery: 'office' }],
    ];
    for (const [pageId, fields, file] of steps) {
      const sent = await app.as('dev-citizen', { method: 'POST', url: `${base}/${pageId}`, ...multipart({ ...fields, _csrf: app.csrf }, file) });
      assert.equal(sent.statusCode, 303, `${pageId}: ${sent.body.slice(0, 400)}`);
    }
    return `${base}/check`;
  }

  it('ships five valid forms, each on an active catalogue service', async () => {
    const forms = builtinForms();
    assert.equal(forms.length, 5);
    for (const definition of forms) assert.deepEqual(definitionProblems(definition), [], definition.slug);
    const listed = await app.as(null, { method: 'GET', url: '/api/v1/applications/forms' });
    assert.deepEqual((listed.json().items as { slug: string }[]).map((item) => item.slug).sort(), forms.map((item) => item.slug).sort());
  });

  it('asks one thing a page and names what is wrong, in the person’s language', async () => {
    const begun = await app.as('dev-citizen', { method: 'POST', url: '/mn/apply/company-name-reservation', ...form({}, app.csrf) });
    const page = begun.headers.location as string;
    const empty = await app.as('dev-citizen', { method: 'POST', url: page, ...form({ proposedName: '  ' }, app.csrf) });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /govuk-error-summary/);
    assert.match(empty.body, /Хуулийн этгээдийн нэр: бөглөнө үү/);
    const tooLong = await app.as('dev-citizen', { method: 'POST', url: page, ...form({ proposedName: 'Н'.repeat(101) }, app.csrf) });
    assert.match(tooLong.body, /100 тэмдэгтээс ихгүй/);
    assert.match(tooLong.body, new RegExp('Н'.repeat(101)), 'what was typed is kept');
    const wrongChoice = await app.as('dev-citizen', { method: 'POST', url: page.replace(/\/name$/, '/form'), ...form({ legalForm: 'empire' }, app.csrf) });
    assert.equal(wrongChoice.statusCode, 400);
    const notMine = await app.as({ id: 'x', name: 'X', kind: 'citizen', roles: ['citizen'], agencyId: null, registerNumber: 'УБ85010101' }, { method: 'GET', url: page });
    assert.equal(notMine.statusCode, 404, 'a draft is its author’s alone');
  });

  it('checks attachments by their bytes and size', async () => {
    const begun = await app.as('dev-citizen', { method: 'POST', url: '/en/apply/driving-licence-replacement', ...form({}, app.csrf) });
    const photoPage = `${draftBase(begun.headers.location as string)}/photo`;
    const text = await app.as('dev-citizen', { method: 'POST', url: photoPage, ...multipart({ _csrf: app.csrf }, { name: 'photo', filename: 'me.png', type: 'image/png', data: Buffer.from('not a picture at all') }) });
    assert.equal(text.statusCode, 400);
    assert.match(text.body, /the file must be JPEG, PNG/);
    const pdf = await app.as('dev-citizen', { method: 'POST', url: photoPage, ...multipart({ _csrf: app.csrf }, { name: 'photo', filename: 'me.pdf', type: 'application/pdf', data: Buffer.from('%PDF-1.7\n') }) });
    assert.equal(pdf.statusCode, 400, 'a PDF is not a photo');
    const big = Buffer.concat([png(), Buffer.alloc(2 * 1024 * 1024)]);
    const large = await app.as('dev-citizen', { method: 'POST', url: photoPage, ...multipart({ _csrf: app.csrf }, { name: 'photo', filename: 'big.png', type: 'image/png', data: big }) });
    assert.equal(large.statusCode, 400);
    assert.match(large.body, /smaller than 2 MB/);
    const none = await app.as('dev-citizen', { method: 'POST', url: photoPage, ...multipart({ _csrf: app.csrf }) });
    assert.match(none.body, /choose a file/);
  });

  it('goes from form to granted: fee, a file asked for, a signed result, a message at each step', async () => {
    const check = await fillDrivingLicence();
    const checkPage = await app.as('dev-citizen', { method: 'GET', url: check });
    assert.equal(checkPage.statusCode, 200);
    assert.match(checkPage.body, /From the registers/);
    assert.match(checkPage.body, /Сарангэрэл/, 'the given name, read from the register');
    assert.match(checkPage.body, /me\.png/);
    assert.match(checkPage.body, /12,500|12 500/);
    const reads = await app.exchange.accessLog(CITIZEN, 5);
    assert.ok(reads.some((row) => row.purpose?.includes('Application') && row.consent_id), 'the facts were read under consent and logged');

    const sent = await app.as('dev-citizen', { method: 'POST', url: check, ...form({}, app.csrf) });
    assert.equal(sent.statusCode, 303);
    const again = await app.as('dev-citizen', { method: 'POST', url: check, ...form({}, app.csrf) });
    assert.equal(again.headers.location, sent.headers.location, 'sent twice, one application');
    const number = (sent.headers.location as string).split('/').at(-1)!;
    const confirmation = await app.as('dev-citizen', { method: 'GET', url: sent.headers.location as string });
    assert.match(confirmation.body, /Application sent/);
    assert.match(confirmation.body, new RegExp(number));
    const invoiceId = /\/pay\/([0-9a-f-]{36})/.exec(confirmation.body)?.[1];
    assert.ok(invoiceId, 'the page offers to pay the fee');

    const office = (principal: Principal, action: string, text = '') => app.as(principal, { method: 'POST', url: `/api/v1/office/requests/${number}/actions`, payload: { action, ...(text ? { text } : {}) } });
    const queue = await app.as(MRT_OFFICER, { method: 'GET', url: '/api/v1/office/requests' });
    assert.ok((queue.json().items as { number: string; paid: boolean }[]).some((item) => item.number === number && !item.paid));
    const early = await office(MRT_OFFICER, 'start');
    assert.equal(early.statusCode, 409);
    assert.equal(early.json().code, 'FEE_NOT_PAID');

    await payOnDevPage(app, await app.payments.getInvoice(invoiceId));
    const started = await office(MRT_OFFICER, 'start');
    assert.equal(started.statusCode, 200, started.body);
    assert.equal(started.json().status, 'PROCESSING');
    assert.equal(started.json().assignedTo, MRT_OFFICER.id);
    const other = await office(MRT_OFFICER_2, 'grant');
    assert.equal(other.statusCode, 409);
    assert.equal(other.json().code, 'NOT_ASSIGNED');
    const noMessage = await office(MRT_OFFICER, 'request-file');
    assert.equal(noMessage.statusCode, 400);
    assert.equal((await office(MRT_OFFICER, 'request-file', 'A police report of the loss')).json().status, 'FILE_REQUESTED');

    const requestPage = await app.as('dev-citizen', { method: 'GET', url: `/en/my/requests/${number}` });
    assert.match(requestPage.body, /A police report of the loss/);
    const badFile = await app.as('dev-citizen', { method: 'POST', url: `/en/my/requests/${number}/file`, ...multipart({ _csrf: app.csrf }, { name: 'file', filename: 'x.exe', type: 'application/pdf', data: Buffer.from('MZ') }) });
    assert.equal(badFile.statusCode, 303);
    assert.equal((await app.as('dev-citizen', { method: 'GET', url: badFile.headers.location as string })).statusCode, 400);
    const goodFile = await app.as('dev-citizen', { method: 'POST', url: `/en/my/requests/${number}/file`, ...multipart({ _csrf: app.csrf }, { name: 'file', filename: 'report.pdf', type: 'application/pdf', data: Buffer.from('%PDF-1.7\nreport') }) });
    assert.equal(goodFile.statusCode, 303);
    assert.equal((await app.as(MRT_OFFICER, { method: 'GET', url: `/api/v1/office/requests/${number}` })).json().status, 'SUBMITTED');

    assert.equal((await office(MRT_OFFICER, 'start')).json().status, 'PROCESSING');
    const wrong = await office(MRT_OFFICER, 'complete');
    assert.equal(wrong.statusCode, 409);
    assert.equal(wrong.json().code, 'ACTION_NOT_ALLOWED');
    assert.match(wrong.json().detail, /PROCESSING/);
    const granted = await office(MRT_OFFICER, 'grant', 'Collect at the Bayangol centre');
    assert.equal(granted.json().status, 'GRANTED');
    const documentId = (granted.json().actions as { details: { document?: string } }[]).map((action) => action.details.document).find(Boolean)!;
    const verified = await app.as(null, { method: 'GET', url: `/api/v1/documents/${documentId}` });
    assert.equal(verified.json().status, 'valid');
    assert.equal(verified.json().document.agencyId, 'mrt');
    assert.match(JSON.stringify(verified.json().document.body), /AB123456/);

    const statuses = (granted.json().actions as { status: string }[]).map((action) => action.status);
    assert.deepEqual([...new Set(statuses)], ['SUBMITTED', 'PROCESSING', 'FILE_REQUESTED', 'GRANTED']);
    const inbox = await app.messaging.inbox.list(CITIZEN);
    for (const status of ['Илгээсэн', 'Шийдвэрлэж байна', 'Баримт нэмж хүссэн', 'Олгосон']) assert.ok(inbox.some((message) => JSON.stringify(message).includes(status) && JSON.stringify(message).includes(number)), `a message says ${status}`);
    // She applied in English: every SMS about it is in English, and the in-app copy has each language's own words.
    const sms = await smsAbout(number);
    assert.ok(sms.length >= 4, `${sms.length} SMS`);
    for (const body of sms) assert.match(body, /^Urtuu: request UR-\d{4}-\d+ \([^)]*licence[^)]*\) is now: [A-Z][a-z]/, body);
    assert.ok(sms.some((body) => body.endsWith('is now: Granted.')));
    const grantedMessage = inbox.find((message) => message.title.en === `${number}: Granted`);
    assert.ok(grantedMessage, 'an English title with the English status');
    assert.equal(grantedMessage.title.mn, `${number}: Олгосон`);
    assert.doesNotMatch(grantedMessage.body.en, /[А-Яа-яӨөҮү]/, grantedMessage.body.en);
    assert.equal(grantedMessage.link, `/my/requests/${number}`, 'a link the inbox opens in either language');
    // The history in words: each thing once, who did it (the person as "you", officials by name, role and agency), never an id.
    const history = (await app.as('dev-citizen', { method: 'GET', url: `/en/my/requests/${number}` })).body;
    const lines = [...history.matchAll(/<li><strong>([^<]+)<\/strong><br><span class="govuk-body-s"><time[^>]*>[^<]+<\/time> · By ([^<]+)<\/span>/g)].map((match) => `${match[1]} | ${match[2]}`).reverse();
    const agency = (await app.catalog.findService('driving-licence-replacement'))!.agency.name.en;
    assert.deepEqual(lines, [
      'Application sent | you',
      'Fee invoice issued | you',
      'Fee paid | The payment service',
      `Processing started | Б.Тулга, officer, ${agency}`,
      `A document was asked for | Б.Тулга, officer, ${agency}`,
      'Document sent | you',
      `Processing started | Б.Тулга, officer, ${agency}`,
      `Granted | Б.Тулга, officer, ${agency}`,
    ]);
    assert.ok(!history.includes(MRT_OFFICER.id), 'no internal id');
    assert.match(history, /Collect at the Bayangol centre/);
    const files = (await app.as(MRT_OFFICER, { method: 'GET', url: `/en/office/requests/${number}` })).body;
    assert.match(files, /Handled by\s*<\/dt>\s*<dd class="govuk-summary-list__value">\s*You\s*</);
    assert.ok(!files.includes(`>${MRT_OFFICER.id}<`) && !files.includes(`· ${MRT_OFFICER.id}`), 'the office names people too');
    const seenByColleague = (await app.as(MRT_OFFICER_2, { method: 'GET', url: `/en/office/requests/${number}` })).body;
    assert.match(seenByColleague, /Handled by\s*<\/dt>\s*<dd class="govuk-summary-list__value">\s*Б.Тулга, officer, /);
    const fileId = /\/files\/([0-9a-f-]{36})/.exec(files)?.[1];
    const download = await app.as(MRT_OFFICER, { method: 'GET', url: `/en/office/requests/${number}/files/${fileId}` });
    assert.equal(download.statusCode, 200);
    assert.match(String(download.headers['content-disposition']), /attachment/);
  });

  it('lets one decision stand when two officials decide at the same moment', async () => {
    const sent = await app.as('dev-citizen', { method: 'POST', url: '/api/v1/applications/company-name-reservation', payload: { answers: { proposedName: 'Хоёр Шийдвэр', legalForm: 'llc', activity: 'Туршилт' } } });
    const number = sent.json().number as string;
    const act = (who: string, action: string, text = '') => app.as(who, { method: 'POST', url: `/api/v1/office/requests/${number}/actions`, payload: { action, ...(text ? { text } : {}) } });
    await act('dev-gasr-supervisor', 'start');
    const [first, second] = await Promise.all([act('dev-gasr-supervisor', 'grant'), act('dev-gasr-admin', 'reject', 'The name is taken')]);
    const codes = [first.statusCode, second.statusCode].sort();
    assert.deepEqual(codes, [200, 409], `${first.body} ${second.body}`);
    const final = (await app.as('dev-gasr-supervisor', { method: 'GET', url: `/api/v1/office/requests/${number}` })).json();
    assert.equal(final.actions.filter((action: { status: string }) => action.status === 'GRANTED' || action.status === 'REJECTED').length, 1);
    const { rows } = await app.ctx.db.query<{ id: string }>(`SELECT id FROM documents.documents WHERE source->>'request' = $1`, [number]);
    const kept = final.actions.map((action: { details: { document?: string } }) => action.details.document).filter(Boolean);
    for (const row of rows) {
      const verdict = (await app.documents.verify(row.id))!.status;
      assert.equal(verdict, kept.includes(row.id) ? 'valid' : 'revoked', 'a decision signed for the loser is revoked');
    }
  });

  it('rejects with a reason and returns a refundable fee', async () => {
    const check = await fillDrivingLicence();
    const sent = await app.as('dev-citizen', { method: 'POST', url: check, ...form({}, app.csrf) });
    const number = (sent.headers.location as string).split('/').at(-1)!;
    const request = await app.applications.submissions.requestOf({ id: 'c', name: 'c', kind: 'citizen', roles: ['citizen'], agencyId: null, registerNumber: CITIZEN }, number);
    const invoiceId = request.actions.map((action) => action.details.invoice).find((value): value is string => typeof value === 'string')!;
    await payOnDevPage(app, await app.payments.getInvoice(invoiceId));
    const rejected = await app.as(MRT_OFFICER, { method: 'POST', url: `/en/office/requests/${number}`, ...form({ action: 'reject', text: '' }, app.csrf) });
    assert.equal(rejected.statusCode, 400, 'a rejection needs a reason');
    assert.match(rejected.body, /govuk-error-summary/);
    const done = await app.as(MRT_OFFICER, { method: 'POST', url: `/en/office/requests/${number}`, ...form({ action: 'reject', text: 'The licence is suspended by a court order' }, app.csrf) });
    assert.equal(done.statusCode, 303);
    assert.equal((await app.payments.getInvoice(invoiceId)).state, 'refunded');
    const page = await app.as('dev-citizen', { method: 'GET', url: `/en/my/requests/${number}` });
    assert.match(page.body, /suspended by a court order/);
  });

  it('after sending, Back to any page of the form shows the request as already sent instead of a dead end', async () => {
    const check = await fillDrivingLicence();
    const sent = await app.as('dev-citizen', { method: 'POST', url: check, ...form({}, app.csrf) });
    const number = (sent.headers.location as string).split('/').at(-1)!;
    const base = check.replace(/\/check$/, '');
    for (const url of [check, `${base}/delivery`, base]) {
      const back = await app.as('dev-citizen', { method: 'GET', url });
      assert.equal(back.statusCode, 303, url);
      assert.equal(back.headers.location, `/en/my/requests/${number}?already=1`, url);
    }
    const again = await app.as('dev-citizen', { method: 'POST', url: `${base}/delivery`, ...multipart({ delivery: 'office', _csrf: app.csrf }) });
    assert.equal(again.headers.location, `/en/my/requests/${number}?already=1`, 'answering a page again changes nothing');
    const shown = await app.as('dev-citizen', { method: 'GET', url: `/mn/my/requests/${number}?already=1` });
    assert.equal(shown.statusCode, 200);
    assert.match(shown.body, /Аль хэдийн илгээсэн/);
    assert.ok(shown.body.includes(`дугаар: ${number}`));
    // Someone else holding the address still learns nothing.
    const other = await app.as('dev-police-officer', { method: 'GET', url: check });
    assert.equal(other.statusCode, 404);
  });

  it('asks for changes, and the person sends the form again', async () => {
    const sent = await app.as('dev-citizen', { method: 'POST', url: '/api/v1/applications/company-name-reservation', payload: { answers: { proposedName: 'Хөх Тэнгэр', legalForm: 'llc', activity: 'Аялал жуулчлал' } } });
    assert.equal(sent.statusCode, 201, sent.body);
    const number = sent.json().number as string;
    assert.equal(sent.json().paid, true, 'no fee, nothing to pay');
    const supervisor = (action: string, text = '') => app.as('dev-gasr-supervisor', { method: 'POST', url: `/api/v1/office/requests/${number}/actions`, payload: { action, ...(text ? { text } : {}) } });
    assert.equal((await supervisor('start')).statusCode, 200);
    assert.equal((await supervisor('request-edit', 'The name is taken: choose another')).json().status, 'EDIT');
    // Sent without asking for English: the messages are in Mongolian.
    const sms = await smsAbout(number);
    assert.ok(sms.length >= 3 && sms.every((body) => body.includes('хүсэлтийн төлөв')), sms.join('\n'));
    const edit = await app.as('dev-citizen', { method: 'GET', url: `/en/my/requests/${number}/edit` });
    assert.match(edit.body, /The name is taken/);
    const bad = await app.as('dev-citizen', { method: 'POST', url: `/en/my/requests/${number}/edit`, ...form({ proposedName: '', legalForm: 'llc', activity: 'Аялал жуулчлал' }, app.csrf) });
    assert.equal(bad.statusCode, 400);
    const good = await app.as('dev-citizen', { method: 'POST', url: `/en/my/requests/${number}/edit`, ...form({ proposedName: 'Цэнхэр Тэнгэр', legalForm: 'llc', activity: 'Аялал жуулчлал' }, app.csrf) });
    assert.equal(good.statusCode, 303);
    const now = await app.as('dev-gasr-supervisor', { method: 'GET', url: `/api/v1/office/requests/${number}` });
    assert.equal(now.json().status, 'SUBMITTED');
    assert.equal(now.json().actions.at(-1).details.answers.proposedName, 'Цэнхэр Тэнгэр');
    assert.equal((await app.as(MRT_OFFICER, { method: 'GET', url: `/api/v1/office/requests/${number}` })).statusCode, 404, 'another agency’s application is not found');
    assert.equal((await app.as('dev-citizen', { method: 'GET', url: `/api/v1/office/requests/${number}` })).statusCode, 403);
  });

  it('takes a new form version from an administrator, without code', async () => {
    const current = (await app.as(null, { method: 'GET', url: '/api/v1/applications/forms/company-name-reservation' })).json();
    const next = structuredClone(current);
    next.schema.properties.founders = { type: 'integer', minimum: 1, maximum: 50 };
    next.schema.required.push('founders');
    next.fields.founders = { label: { mn: 'Үүсгэн байгуулагчийн тоо', en: 'Number of founders' }, widget: 'number' };
    next.pages.push({ id: 'founders', title: { mn: 'Хэдэн үүсгэн байгуулагчтай вэ?', en: 'How many founders?' }, fields: ['founders'] });
    const put = (who: string, body: unknown) => app.as(who, { method: 'PUT', url: '/api/v1/applications/forms/company-name-reservation', payload: body as object });
    assert.equal((await put('dev-police-officer', next)).statusCode, 403);
    const broken = await put('dev-gasr-admin', { ...next, pages: [...next.pages, { id: 'ghost', title: { mn: 'Сүнс', en: 'Ghost' }, fields: ['nothing'] }] });
    assert.equal(broken.statusCode, 400);
    assert.equal(broken.json().code, 'APPLICATION_FORM_INVALID');
    const saved = await put('dev-gasr-admin', next);
    assert.equal(saved.statusCode, 201, saved.body);
    assert.equal(saved.json().version, current.version + 1);
    const sent = await app.as('dev-citizen', { method: 'POST', url: '/api/v1/applications/company-name-reservation', payload: { answers: { proposedName: 'Шинэ Нэр', legalForm: 'llc', activity: 'Барилга' } } });
    assert.equal(sent.statusCode, 400, 'the new question is required');
    assert.ok((sent.json().errors as { field: string }[]).some((error) => error.field === 'founders'));
    const withFounders = await app.as('dev-citizen', { method: 'POST', url: '/api/v1/applications/company-name-reservation', payload: { answers: { proposedName: 'Шинэ Нэр', legalForm: 'llc', activity: 'Барилга', founders: 3 } } });
    assert.equal(withFounders.statusCode, 201, withFounders.body);
    assert.equal(withFounders.json().actions[0].details.formVersion, current.version + 1);
  });

  it('sends an application with a file through the API', async () => {
    const sent = await app.as('dev-citizen', {
      method: 'POST', url: '/api/v1/applications/unemployment-benefit',
      payload: { answers: { lastEmployer: 'Хангай Логистик ХХК', dismissedOn: '2026-10-31', reason: 'redundancy', bank: 'khan', account: '5012345678' }, files: [{ field: 'dismissalOrder', filename: 'order.pdf', contentBase64: Buffer.from('%PDF-1.7\norder').toString('base64') }] },
    });
    assert.equal(sent.statusCode, 201, sent.body);
    const missing = await app.as('dev-citizen', { method: 'POST', url: '/api/v1/applications/unemployment-benefit', payload: { answers: { lastEmployer: 'X', dismissedOn: '2026-13-45', reason: 'redundancy', bank: 'khan', account: '12' } } });
    assert.equal(missing.statusCode, 400);
    const fields = (missing.json().errors as { field: string }[]).map((error) => error.field);
    for (const field of ['dismissedOn', 'account', 'dismissalOrder']) assert.ok(fields.includes(field), field);
  });

  it('lets an official at a service centre apply for a person who reads out a code', async () => {
    const counter = (url: string, fields: Record<string, string>) => app.as('dev-police-officer', { method: 'POST', url, ...form(fields, app.csrf) });
    const bad = await counter('/en/office/on-behalf', { registerNumber: 'nobody', service: 'child-money' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /Enter a register number/);
    const sent = await counter('/en/office/on-behalf', { registerNumber: CITIZEN, service: 'child-money' });
    assert.match(sent.body, /A code was sent to \d{2}\*{4}\d{2}/);
    const { rows } = await app.ctx.db.query<{ body: string }>(`SELECT body FROM messaging.outbox WHERE purpose = 'exchange.consent-code' ORDER BY created_at DESC LIMIT 1`);
    const code = /(\d{6})/.exec(rows[0]!.body)![1]!;
    const wrong = await counter('/en/office/on-behalf/code', { registerNumber: CITIZEN, service: 'child-money', code: code === '000000' ? '111111' : '000000' });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /The code is not right/);
    const begun = await counter('/en/office/on-behalf/code', { registerNumber: CITIZEN, service: 'child-money', code });
    assert.equal(begun.statusCode, 303);
    const base = (begun.headers.location as string).replace(/\/bank$/, '');
    assert.equal((await app.as('dev-gasr-admin', { method: 'GET', url: begun.headers.location as string })).statusCode, 404, 'another official does not get the draft');
    assert.equal((await app.as('dev-citizen', { method: 'GET', url: begun.headers.location as string })).statusCode, 404, 'nor does the person: the official fills it in');
    await counter(`${base}/bank`, { bank: 'khan', account: '50123456' });
    await counter(`${base}/confirm`, { confirm: 'yes' });
    const done = await counter(`${base}/check`, {});
    assert.match(done.headers.location as string, /\/en\/office\/on-behalf\?sent=UR-/);
    const number = /sent=(UR-[\d-]+)/.exec(done.headers.location as string)![1]!;
    const mine = (await app.as('dev-citizen', { method: 'GET', url: `/api/v1/my/requests/${number}` })).json();
    assert.equal(mine.channel, 'operator');
    assert.equal(mine.actor, 'dev-police-officer');
    assert.equal(mine.actions[0].details.operator, 'dev-police-officer');
    const audit = await app.ctx.audit.forSubject('request', number);
    assert.ok(audit.some((entry) => entry.action === 'application.submitted' && entry.actorId === 'dev-police-officer' && (entry.details as { onBehalfOf?: string }).onBehalfOf === CITIZEN));
  });

  it('shows a long form as a task list, and "check and send" once every part is done', async () => {
    const begun = await app.as('dev-citizen', { method: 'POST', url: '/en/apply/kindergarten-enrolment', ...form({}, app.csrf) });
    const list = begun.headers.location as string;
    assert.match(list, /^\/en\/apply\/kindergarten-enrolment\/[0-9a-f-]{36}$/, 'a four-part form starts at its task list');
    const first = await app.as('dev-citizen', { method: 'GET', url: list });
    assert.match(first.body, /govuk-task-list/);
    assert.match(first.body, /You have done 0 of 4 parts/);
    assert.match(first.body, /Cannot start yet/);
    assert.doesNotMatch(first.body, new RegExp(`href="${list}/check"`));
    const answers: [string, Record<string, string>][] = [['child', { childRegisterNumber: 'УБ20150314' }], ['kindergarten', { kindergarten: 'kg-28' }], ['start', { startDate: '2027-09-01' }]];
    for (const [part, fields] of answers) {
      const sent = await app.as('dev-citizen', { method: 'POST', url: `${list}/${part}`, ...form(fields, app.csrf) });
      assert.equal(sent.headers.location, list, 'each part returns to the task list');
    }
    const done = await app.as('dev-citizen', { method: 'GET', url: list });
    assert.match(done.body, /You have done 3 of 4 parts/);
    assert.match(done.body, /Optional/, 'the needs are optional');
    assert.match(done.body, new RegExp(`href="${list}/check"`));
    const sent = await app.as('dev-citizen', { method: 'POST', url: `${list}/check`, ...form({}, app.csrf) });
    assert.match(sent.headers.location as string, /\/en\/my\/requests\/UR-/);
  });

  it('lets an agency administrator change a form on a page, without code', async () => {
    const list = await app.as('dev-gasr-admin', { method: 'GET', url: '/en/admin/forms' });
    assert.equal(list.statusCode, 200);
    assert.match(list.body, /admin\/forms\/company-name-reservation/);
    assert.doesNotMatch(list.body, /admin\/forms\/child-money/, 'another agency’s form is not listed');
    const page = await app.as('dev-gasr-admin', { method: 'GET', url: '/en/admin/forms/company-name-reservation' });
    const text = /<textarea[^>]*>([\s\S]*?)<\/textarea>/.exec(page.body)![1]!.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
    const definition = JSON.parse(text);
    const broken = await app.as('dev-gasr-admin', { method: 'POST', url: '/mn/admin/forms/company-name-reservation', ...form({ definition: '{ "slug": ' }, app.csrf) });
    assert.equal(broken.statusCode, 400);
    assert.match(broken.body, /JSON буруу/);
    const invalid = await app.as('dev-gasr-admin', { method: 'POST', url: '/en/admin/forms/company-name-reservation', ...form({ definition: JSON.stringify({ ...definition, pages: [] }) }, app.csrf) });
    assert.equal(invalid.statusCode, 400);
    assert.match(invalid.body, /pages: at least one/);
    definition.fields.activity.label.en = 'What the organisation will do';
    const saved = await app.as('dev-gasr-admin', { method: 'POST', url: '/en/admin/forms/company-name-reservation', ...form({ definition: JSON.stringify(definition) }, app.csrf) });
    assert.equal(saved.statusCode, 303);
    const after = await app.as('dev-gasr-admin', { method: 'GET', url: saved.headers.location as string });
    assert.match(after.body, /Saved as version \d+/);
    assert.equal((await app.as(null, { method: 'GET', url: '/api/v1/applications/forms/company-name-reservation' })).json().fields.activity.label.en, 'What the organisation will do');
    assert.equal((await app.as('dev-police-officer', { method: 'GET', url: '/en/admin/forms/company-name-reservation' })).statusCode, 403);
  });
});
