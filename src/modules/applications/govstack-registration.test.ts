// GovStack's Registration API over our services, forms, applications and back office: the
// specification's shapes, its error statuses, and that every call lands in our own records.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import { randomUUID } from 'node:crypto';
import { testApp, type TestApp } from '../../../test/helpers.ts';
import { signRequest } from '../../kernel/http-signature.ts';
import { outsideMember, type OutsideMember } from '../exchange/test-fixtures.ts';
import { GOVSTACK_REGISTRATION_PREFIX as P } from './govstack-registration.ts';

const TOKEN = 'registration-client-token-0123456789abcdef';
const IM = { 'information-mediator-client': 'MN/GOV/1234567/registration' };
const AUTH = { authorization: `Bearer ${TOKEN}`, ...IM };
const ANSWERS = { proposedName: 'Говь Тест', legalForm: 'llc', activity: 'Ноолуур боловсруулах' };

describe('GovStack Registration API', () => {
  let app: TestApp;
  const call = (options: InjectOptions) => app.server.inject(options);
  const submit = (applicantId: string, data: Record<string, unknown> = ANSWERS, slug = 'company-name-reservation') =>
    call({ method: 'POST', url: `${P}/services/${slug}/applications`, headers: AUTH, payload: { applicantId, applicationName: 'Б.Тэмүүжин', formData: { data } } });

  before(async () => {
    app = await testApp({ seed: true, config: { govstackRegistrationToken: TOKEN } });
  });
  after(async () => app.close());

  it('lists the services that take applications, found by uuid or slug', async () => {
    const list = await call({ method: 'GET', url: `${P}/services?lang=en` });
    assert.equal(list.statusCode, 200);
    const services = list.json() as { id: string; name: string; version: string; type: string }[];
    assert.ok(services.length >= 5);
    const company = services.find((service) => service.name.toLowerCase().includes('company name'));
    assert.ok(company, JSON.stringify(services.map((service) => service.name)));
    assert.match(company.id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(Object.keys(company).sort(), ['description', 'id', 'isClosed', 'isExecutable', 'name', 'type', 'version']);
    assert.equal((await call({ method: 'GET', url: `${P}/services/${company.id}` })).json().id, company.id);
    assert.equal((await call({ method: 'GET', url: `${P}/services/company-name-reservation` })).json().id, company.id);
    assert.equal((await call({ method: 'GET', url: `${P}/services?name=company&lang=en` })).json().length, 1);
    const missing = await call({ method: 'GET', url: `${P}/services/n0t-ex1st1ng` });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().code, 'SERVICE_NOT_FOUND');
    assert.ok(missing.json().traceId);
    // A reference service has no form: not a Registration service.
    assert.equal((await call({ method: 'GET', url: `${P}/services/birth-certificate-reference` })).statusCode, 404);
  });

  it('serves a service’s forms with their JSON Schema', async () => {
    const forms = (await call({ method: 'GET', url: `${P}/services/company-name-reservation/eForms` })).json() as { eFormId: string; latest: boolean; version: string }[];
    assert.equal(forms.length, 1);
    assert.deepEqual({ eFormId: forms[0]!.eFormId, latest: forms[0]!.latest, version: forms[0]!.version }, { eFormId: 'company-name-reservation@1', latest: true, version: '1' });
    const form = (await call({ method: 'GET', url: `${P}/eForms/company-name-reservation@1` })).json();
    assert.deepEqual(form.schema.required, ['proposedName', 'legalForm', 'activity']);
    assert.equal((await call({ method: 'GET', url: `${P}/eForms/company-name-reservation` })).json().eFormId, 'company-name-reservation@1');
    assert.equal((await call({ method: 'GET', url: `${P}/eForms/company-name-reservation@9` })).statusCode, 404);
    assert.equal((await call({ method: 'GET', url: `${P}/eForms/d98a205a-679b-485b-823d-7a32a391e744` })).statusCode, 404);
    assert.equal((await call({ method: 'GET', url: `${P}/services/n0t-ex1st1ng/eForms` })).statusCode, 404);
  });

  it('sends an application for the applicant, checked against the form', async () => {
    const noHeader = await call({ method: 'POST', url: `${P}/services/company-name-reservation/applications`, headers: { authorization: `Bearer ${TOKEN}` }, payload: { applicantId: 'a-1' } });
    assert.equal(noHeader.statusCode, 400);
    const malformed = await call({ method: 'POST', url: `${P}/services/company-name-reservation/applications`, headers: { ...AUTH, 'information-mediator-client': 'not a client' }, payload: { applicantId: 'a-1' } });
    assert.equal(malformed.statusCode, 400);
    assert.equal((await call({ method: 'POST', url: `${P}/services/company-name-reservation/applications`, headers: IM, payload: { applicantId: 'a-1' } })).statusCode, 401);
    assert.equal((await call({ method: 'POST', url: `${P}/services/company-name-reservation/applications`, headers: { ...IM, authorization: 'Bearer wrong-token-wrong-token-wrong-token' }, payload: { applicantId: 'a-1' } })).statusCode, 401);
    assert.equal((await submit('a-1', ANSWERS, 'n0t-ex1st1ng')).statusCode, 404);
    assert.equal((await call({ method: 'POST', url: `${P}/services/company-name-reservation/applications`, headers: AUTH, payload: {} })).statusCode, 400);

    const incomplete = await submit('a-1', { proposedName: 'Х' });
    assert.equal(incomplete.statusCode, 400);
    assert.equal(incomplete.json().code, 'APPLICATION_ANSWERS_INVALID');
    assert.ok(incomplete.json().fields.some((field: { field: string }) => field.field === 'legalForm'));

    const sent = await submit('applicant-42');
    assert.equal(sent.statusCode, 200, sent.body);
    const file = sent.json();
    assert.match(file.fileId, /^UR-\d{4}-\d{7,}$/);
    assert.equal(file.serviceId, (await call({ method: 'GET', url: `${P}/services/company-name-reservation` })).json().id);
    assert.deepEqual(file.status.code, 'PENDING');
    assert.equal(file.ended, false);
    assert.equal(file.applicationData.applicantId, 'applicant-42');
    assert.equal(file.applicationData.applicationName, 'Б.Тэмүүжин');
    assert.deepEqual(file.applicationData.formData, { data: ANSWERS, eFormId: 'company-name-reservation@1' });

    // It is our application: the agency's back office sees it.
    const office = await app.as('dev-gasr-supervisor', { method: 'GET', url: `/api/v1/office/requests/${file.fileId}` });
    assert.equal(office.statusCode, 200);
    assert.equal(office.json().channel, 'api');
    assert.equal(office.json().subject, 'applicant-42');
  });

  it('reads, lists and corrects applications', async () => {
    const file = (await submit('applicant-43')).json();
    const read = await call({ method: 'GET', url: `${P}/applications/${file.fileId}`, headers: AUTH });
    assert.equal(read.statusCode, 200);
    assert.equal(read.json().fileId, file.fileId);
    const id = (await app.as('dev-gasr-supervisor', { method: 'GET', url: `/api/v1/office/requests/${file.fileId}` })).json().id as string;
    assert.equal((await call({ method: 'GET', url: `${P}/applications/${id}`, headers: AUTH })).json().fileId, file.fileId);
    assert.equal((await call({ method: 'GET', url: `${P}/applications/81c4445c-bff6-11ed-afa1-0242ac120002`, headers: AUTH })).statusCode, 404);
    assert.equal((await call({ method: 'GET', url: `${P}/applications/UR-2000-0000001`, headers: AUTH })).statusCode, 404);
    assert.equal((await call({ method: 'GET', url: `${P}/applications/${file.fileId}`, headers: { authorization: `Bearer ${TOKEN}` } })).statusCode, 400);

    const mine = (await call({ method: 'GET', url: `${P}/applications?applicantId=applicant-43`, headers: AUTH })).json() as { fileId: string; mainTaskId: string; status: { code: string } }[];
    assert.deepEqual(mine.map((item) => item.fileId), [file.fileId]);
    assert.match(mine[0]!.mainTaskId, new RegExp(`^${file.fileId}-T1$`));
    assert.equal((await call({ method: 'GET', url: `${P}/applications?serviceId=child-money&applicantId=applicant-43`, headers: AUTH })).json().length, 0);
    assert.equal((await call({ method: 'GET', url: `${P}/applications?maxResult=1`, headers: AUTH })).json().length, 1);

    const put = (body: object) => call({ method: 'PUT', url: `${P}/applications/${file.fileId}`, headers: AUTH, payload: body });
    assert.equal((await put({ applicantId: 'someone-else', formData: { data: { activity: 'Өөр' } } })).statusCode, 400);
    assert.equal((await put({ applicantId: 'applicant-43', formData: { data: { legalForm: 'kingdom' } } })).statusCode, 400);
    const corrected = await put({ applicantId: 'applicant-43', formData: { data: { activity: 'Ноос угаах' } } });
    assert.equal(corrected.statusCode, 200, corrected.body);
    assert.equal(corrected.json().applicationData.formData.data.activity, 'Ноос угаах');
    assert.equal(corrected.json().applicationData.formData.data.proposedName, ANSWERS.proposedName);
    // Appended, not changed: the applicant's answers are still in the record.
    const record = (await app.as('dev-gasr-supervisor', { method: 'GET', url: `/api/v1/office/requests/${file.fileId}` })).json();
    assert.equal(record.actions.length, 2);
    assert.equal(record.actions[0].details.answers.activity, ANSWERS.activity);
    assert.equal((await call({ method: 'PUT', url: `${P}/applications/UR-2000-0000001`, headers: AUTH, payload: { applicantId: 'x' } })).statusCode, 404);
  });

  it('walks an application through its tasks to the end', async () => {
    const file = (await submit('applicant-44')).json();
    const tasks = (await call({ method: 'GET', url: `${P}/tasks?fileId=${file.fileId}`, headers: AUTH })).json() as { taskId: string; name: string; fileId: string }[];
    assert.equal(tasks.length, 1);
    const review = tasks[0]!;
    assert.equal(review.name, 'review');
    assert.equal(review.fileId, file.fileId);
    const detail = await call({ method: 'GET', url: `${P}/tasks/${review.taskId}`, headers: AUTH });
    assert.equal(detail.statusCode, 200);
    assert.equal(detail.json().formVariables.proposedName, ANSWERS.proposedName);
    assert.equal((await call({ method: 'GET', url: `${P}/tasks?mainTaskId=${review.taskId}`, headers: AUTH })).json().length, 1);

    const complete = (taskId: string, data: object) => call({ method: 'POST', url: `${P}/tasks/${taskId}/complete`, headers: AUTH, payload: { data } });
    assert.equal((await complete(review.taskId, {})).statusCode, 400);
    const unknown = await complete('42962de0-bdb2-11ed-9397-0242ac120033', { decision: 'approve' });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().code, 'REGISTRATION_TASK_NOT_FOUND');
    const approved = await complete(review.taskId, { decision: 'APPROVED', comment: 'Нэр давхцахгүй' });
    assert.equal(approved.statusCode, 200, approved.body);
    assert.deepEqual({ fileId: approved.json().fileId, status: approved.json().status.code }, { fileId: file.fileId, status: 'APPROVED' });
    // The step is done: its id is not found again, and the next step is open.
    assert.equal((await call({ method: 'GET', url: `${P}/tasks/${review.taskId}`, headers: AUTH })).statusCode, 404);
    assert.equal((await complete(review.taskId, { decision: 'approve' })).statusCode, 404);
    const print = (await call({ method: 'GET', url: `${P}/tasks?fileId=${file.fileId}`, headers: AUTH })).json()[0];
    assert.equal(print.name, 'print');
    assert.equal((await complete(print.taskId, {})).statusCode, 200);
    const handOver = (await call({ method: 'GET', url: `${P}/tasks?fileId=${file.fileId}`, headers: AUTH })).json()[0];
    assert.equal(handOver.name, 'hand-over');
    assert.equal((await complete(handOver.taskId, {})).statusCode, 200);
    assert.equal((await call({ method: 'GET', url: `${P}/tasks?fileId=${file.fileId}`, headers: AUTH })).json().length, 0);
    const done = (await call({ method: 'GET', url: `${P}/applications/${file.fileId}`, headers: AUTH })).json();
    assert.equal(done.ended, true);
    const record = (await app.as('dev-gasr-supervisor', { method: 'GET', url: `/api/v1/office/requests/${file.fileId}` })).json();
    assert.deepEqual(record.actions.map((action: { status: string }) => action.status), ['SUBMITTED', 'PROCESSING', 'GRANTED', 'PRINTING', 'COMPLETED']);
    // A finished application is not corrected any more.
    assert.equal((await call({ method: 'PUT', url: `${P}/applications/${file.fileId}`, headers: AUTH, payload: { applicantId: 'applicant-44', formData: { data: { activity: 'Өөр' } } } })).statusCode, 409);
  });

  it('rejects and sends back through the review task, with the reason', async () => {
    const rejected = (await submit('applicant-45')).json();
    const rejectTask = (await call({ method: 'GET', url: `${P}/tasks?fileId=${rejected.fileId}`, headers: AUTH })).json()[0].taskId as string;
    assert.equal((await call({ method: 'POST', url: `${P}/tasks/${rejectTask}/complete`, headers: AUTH, payload: { data: { decision: 'reject' } } })).statusCode, 400);
    const done = await call({ method: 'POST', url: `${P}/tasks/${rejectTask}/complete`, headers: AUTH, payload: { data: { decision: 'reject', reason: 'Нэр давхцаж байна' } } });
    assert.equal(done.json().status.code, 'REJECTED');

    const sentBack = (await submit('applicant-46')).json();
    const task = (await call({ method: 'GET', url: `${P}/tasks?fileId=${sentBack.fileId}`, headers: AUTH })).json()[0].taskId as string;
    const back = await call({ method: 'POST', url: `${P}/tasks/${task}/complete`, headers: AUTH, payload: { data: { decision: 'SENDBACK', reason: 'Үйл ажиллагааг тодруулна уу' } } });
    assert.equal(back.json().status.code, 'SENDBACK');
    // Waiting on the applicant: no back-office task.
    assert.equal((await call({ method: 'GET', url: `${P}/tasks?fileId=${sentBack.fileId}`, headers: AUTH })).json().length, 0);
  });

  it('takes documents and attaches them to an application', async () => {
    const boundary = 'registration-boundary';
    const upload = (content: Buffer, name = 'file') => call({
      method: 'POST', url: `${P}/documents?additionalMetadata=order`, headers: { ...AUTH, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="order.pdf"\r\nContent-Type: application/pdf\r\n\r\n`), content, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    });
    const empty = await call({ method: 'POST', url: `${P}/documents`, headers: AUTH });
    assert.equal(empty.statusCode, 400);
    assert.deepEqual(Object.keys(empty.json()).sort(), ['code', 'localizedMessage', 'message', 'traceId']);
    assert.equal((await upload(Buffer.alloc(0))).statusCode, 400);
    const uploaded = await upload(Buffer.from('%PDF-1.7 order of dismissal'));
    assert.equal(uploaded.statusCode, 200, uploaded.body);
    assert.equal(uploaded.json().type, 'application/pdf');
    const url = uploaded.json().url as string;
    assert.ok(url.startsWith(`http://localhost:3000${P}/documents/`));
    const download = await call({ method: 'GET', url: url.replace('http://localhost:3000', ''), headers: AUTH });
    assert.equal(download.statusCode, 200);
    assert.equal(download.body, '%PDF-1.7 order of dismissal');
    // Any media type is taken; an application's own rules decide what it accepts.
    const text = await call({ method: 'POST', url: `${P}/documents`, headers: { ...AUTH, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'file=hello' });
    assert.equal(text.statusCode, 200, text.body);

    const answers = { lastEmployer: 'Эрдэнэт үйлдвэр', dismissedOn: '2026-10-01', reason: 'redundancy', bank: 'khan', account: '5012345678' };
    const post = (documentUrls: string[]) => call({ method: 'POST', url: `${P}/services/unemployment-benefit/applications`, headers: AUTH, payload: { applicantId: 'applicant-47', formData: { data: answers }, documentUrls } });
    const withoutFile = await post([]);
    assert.equal(withoutFile.statusCode, 400);
    assert.ok(withoutFile.json().fields.some((field: { field: string }) => field.field === 'dismissalOrder'));
    assert.equal((await post(['https://elsewhere.example/file.pdf'])).statusCode, 400);
    assert.equal((await post([text.json().url])).statusCode, 400);
    const sent = await post([url]);
    assert.equal(sent.statusCode, 200, sent.body);
    assert.equal(sent.json().applicationData.documentUrls.length, 1);
  });

  it('counts applications per service and outcome', async () => {
    const statistics = (query = '', headers: Record<string, string> = IM) => call({ method: 'GET', url: `${P}/data/statistics/1.0${query}`, headers });
    const noHeader = await statistics('', {});
    assert.equal(noHeader.statusCode, 400);
    assert.equal(noHeader.json().code, 'IM_CLIENT_INVALID');
    assert.equal((await statistics('', { 'information-mediator-client': 'eGovStack/GOV' })).statusCode, 400);
    assert.equal((await statistics('?registrationName=n0tex1st')).statusCode, 404);
    assert.equal((await statistics('?startDate=2026-02-30')).statusCode, 400);
    const company = (await statistics('?registrationName=company-name-reservation&timeframe=year')).json();
    assert.equal(company.length, 1);
    assert.ok(company[0].processed >= 5, JSON.stringify(company));
    assert.equal(company[0].approved, 1);
    assert.equal(company[0].rejected, 1);
    assert.equal(company[0].sentBack, 1);
    assert.equal(company[0].references.registrationName, 'company-name-reservation');
    assert.equal(company[0].references.timeframeYear, true);
    const past = (await statistics('?registrationName=company-name-reservation&startDate=2001-01-01&endDate=2001-12-31')).json();
    assert.equal(past[0].processed, 0);
    assert.ok((await statistics()).json().length >= 5);
  });

  it('lets a citizen apply for themselves only, and see only their own', async () => {
    const own = await app.as('dev-citizen', { method: 'POST', url: `${P}/services/company-name-reservation/applications`, headers: IM, payload: { applicantId: 'УБ90051428', formData: { data: ANSWERS } } });
    assert.equal(own.statusCode, 200, own.body);
    assert.equal(own.json().applicationData.applicantId, 'УБ90051428');
    const other = await app.as('dev-citizen', { method: 'POST', url: `${P}/services/company-name-reservation/applications`, headers: IM, payload: { applicantId: 'УБ90051429', formData: { data: ANSWERS } } });
    assert.equal(other.statusCode, 403);
    const list = (await app.as('dev-citizen', { method: 'GET', url: `${P}/applications`, headers: IM })).json() as { applicantId: string }[];
    assert.ok(list.length >= 1 && list.every((item) => item.applicantId === 'УБ90051428'));
    const someoneElses = (await submit('applicant-48')).json();
    assert.equal((await app.as('dev-citizen', { method: 'GET', url: `${P}/applications/${someoneElses.fileId}`, headers: IM })).statusCode, 404);
    // Another agency's officer does not find a gasr application, nor its task.
    assert.equal((await app.as('dev-police-officer', { method: 'GET', url: `${P}/applications/${someoneElses.fileId}`, headers: IM })).statusCode, 404);
    assert.equal((await app.as('dev-police-officer', { method: 'GET', url: `${P}/tasks?fileId=${someoneElses.fileId}` })).json().length, 0);
  });
  it('accepts a member system the exchange authenticates, for its own agency only', async () => {
    // The specification declares no security: the Information Mediator authenticates the caller.
    const gasr = await outsideMember(app, { memberClass: 'GOV', memberCode: 'gasr', subsystemCode: 'registration' });
    const police = await outsideMember(app, { memberClass: 'GOV', memberCode: 'police', subsystemCode: 'registration' });
    const company = await outsideMember(app, { memberCode: 'registration-company', subsystemCode: 'registration-dev' });
    const signed = (member: OutsideMember, method: string, url: string, payload?: unknown, tamper?: (body: Buffer) => Buffer) => {
      const body = payload === undefined ? undefined : Buffer.from(JSON.stringify(payload));
      const headers: Record<string, string> = { 'information-mediator-client': member.client, 'x-road-client': member.client, 'x-road-id': randomUUID(), 'accept-language': 'en', ...(body ? { 'content-type': 'application/json' } : {}) };
      Object.assign(headers, signRequest({ method, url, headers, body }, { keyId: member.keyId, privateKeyPem: member.privateKeyPem, headers: ['x-road-client', 'x-road-id'] }));
      const sent = body && tamper ? tamper(body) : body;
      if (sent?.length === 0) delete headers['content-type'];
      return call({ method: method as 'GET', url, headers, ...(sent ? { payload: sent } : {}) });
    };
    const application = { applicantId: 'applicant-61', applicationName: 'Д.Номин', formData: { data: ANSWERS } };
    const url = `${P}/services/company-name-reservation/applications`;

    const sent = await signed(gasr, 'POST', url, application);
    assert.equal(sent.statusCode, 200, sent.body);
    const file = sent.json() as { fileId: string; applicationData: { applicantId: string } };
    assert.equal(file.applicationData.applicantId, 'applicant-61');
    const record = (await app.as('dev-gasr-supervisor', { method: 'GET', url: `/api/v1/office/requests/${file.fileId}` })).json();
    assert.equal(record.actions[0].actorId, `exchange:${gasr.client}`, 'the action names the member system');
    // It works its own agency's back office: lists, reads and completes the review.
    const mine = (await signed(gasr, 'GET', `${P}/applications?maxResult=200`)).json() as { fileId: string }[];
    assert.ok(mine.some((item) => item.fileId === file.fileId));
    const [review] = (await signed(gasr, 'GET', `${P}/tasks?fileId=${file.fileId}`)).json() as { taskId: string }[];
    assert.ok(review);
    const approved = await signed(gasr, 'POST', `${P}/tasks/${review.taskId}/complete`, { data: { decision: 'approve' } });
    assert.equal(approved.statusCode, 200, approved.body);

    // Another agency's system neither sends to gasr's service nor finds its applications or tasks.
    assert.equal((await signed(police, 'POST', url, application)).statusCode, 403);
    assert.equal((await signed(police, 'GET', `${P}/applications/${file.fileId}`)).statusCode, 404);
    assert.equal(((await signed(police, 'GET', `${P}/applications?maxResult=200`)).json() as { fileId: string }[]).some((item) => item.fileId === file.fileId), false);
    // A member that is no agency may read what is public, and nothing else.
    assert.equal((await signed(company, 'GET', `${P}/services/company-name-reservation`)).statusCode, 200);
    assert.equal((await signed(company, 'POST', url, application)).statusCode, 403);
    assert.equal((await signed(company, 'GET', `${P}/applications`)).statusCode, 403);

    // What the exchange refuses is refused here: a changed body, another's name, no signature, a replay.
    const tampered = await signed(gasr, 'POST', url, application, (body) => Buffer.from(body.toString().replace('applicant-61', 'applicant-62')));
    assert.equal(tampered.statusCode, 401, tampered.body);
    assert.equal(tampered.json().code, 'REGISTRATION_EXCHANGE_REFUSED');
    assert.match(tampered.json().message, /digest|signature/i);
    const stripped = await signed(gasr, 'POST', url, application, () => Buffer.alloc(0));
    assert.equal(stripped.statusCode, 401, stripped.body);
    // Who calls is settled before the body is read: a stranger's bad body learns no field names.
    const stranger = await call({ method: 'POST', url, headers: { 'accept-language': 'en' }, payload: { wrong: true } });
    assert.equal(stranger.statusCode, 401);
    assert.doesNotMatch(stranger.body, /applicantId/);
    const unsigned = await call({ method: 'POST', url, headers: { 'information-mediator-client': gasr.client }, payload: application });
    assert.equal(unsigned.statusCode, 401);
    for (const named of [{ im: gasr.client, xroad: gasr.client }, { im: police.client, xroad: gasr.client }]) {
      const headers: Record<string, string> = { 'information-mediator-client': named.im, 'x-road-client': named.xroad, 'x-road-id': randomUUID() };
      Object.assign(headers, signRequest({ method: 'GET', url: `${P}/applications`, headers }, { keyId: police.keyId, privateKeyPem: police.privateKeyPem, headers: ['x-road-client', 'x-road-id'] }));
      assert.equal((await call({ method: 'GET', url: `${P}/applications`, headers })).statusCode, 401, `police's key in the name of ${JSON.stringify(named)}`);
    }
    const once: Record<string, string> = { 'information-mediator-client': gasr.client, 'x-road-client': gasr.client, 'x-road-id': randomUUID() };
    Object.assign(once, signRequest({ method: 'GET', url: `${P}/applications`, headers: once }, { keyId: gasr.keyId, privateKeyPem: gasr.privateKeyPem, headers: ['x-road-client', 'x-road-id'] }));
    assert.equal((await call({ method: 'GET', url: `${P}/applications`, headers: once })).statusCode, 200);
    assert.equal((await call({ method: 'GET', url: `${P}/applications`, headers: once })).statusCode, 401, 'a replay');
  });
});
