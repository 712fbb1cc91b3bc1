// Authorization matrix of GovStack's Registration API: every route called as every role and as the
// machine client holding the token. "ok" means the request was allowed (an answer below 400).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testApp, type TestApp } from '../../../test/helpers.ts';
import { CITIZEN_ONLY, OFFICIALS, PUBLIC, ROLES, coverageTest, matrixTests, type Expectation, type RouteCase } from '../../../test/matrix.ts';
import { GOVSTACK_REGISTRATION_PREFIX as P } from './govstack-registration.ts';

// The personas, and the machine client holding the token.
const CALLERS = [...ROLES, 'token'] as const;
type Caller = (typeof CALLERS)[number];

const TOKEN = 'registration-matrix-token-0123456789abcdef';
const IM = { 'information-mediator-client': 'MN/GOV/1234567/registration' };

// The catalogue side: services, forms and statistics are public.
const OPEN: Expectation<Caller> = { ...PUBLIC, token: 'ok' };
// An applicant applies for themselves; the client for the applicant it names; officials do not apply here.
const APPLICANT: Expectation<Caller> = { ...CITIZEN_ONLY, token: 'ok' };
// Lists are scoped (own, agency's, all) but open to anyone signed in.
const SIGNED_IN: Expectation<Caller> = { ...OPEN, anonymous: 401 };
// Someone else's gasr application: gasr staff, the platform administrator and the client; the police and the citizen do not find it.
const GASR_READ: Expectation<Caller> = { anonymous: 401, 'dev-citizen': 404, 'dev-police-officer': 404, 'dev-gasr-supervisor': 'ok', 'dev-gasr-admin': 'ok', 'dev-platform-admin': 'ok', token: 'ok' };
// Back-office work on a gasr application: citizens are refused outright.
const GASR_OFFICE: Expectation<Caller> = { ...GASR_READ, 'dev-citizen': 403 };
// The back office's lists and uploaded documents.
const OPERATOR: Expectation<Caller> = { ...OFFICIALS, token: 'ok' };

describe('GovStack Registration authorization matrix', () => {
  let app: TestApp;
  let fileId = '';
  let taskId = '';
  let documentUrl = '';
  const answers = { proposedName: 'Матрикс', legalForm: 'llc', activity: 'Туршилт' };
  const byClient = (options: Parameters<TestApp['as']>[1]) => app.as(null, { ...options, headers: { ...IM, authorization: `Bearer ${TOKEN}`, ...(options.headers as Record<string, string> | undefined) } });
  const newApplication = async () => (await byClient({ method: 'POST', url: `${P}/services/company-name-reservation/applications`, payload: { applicantId: 'matrix-applicant', formData: { data: answers } } })).json().fileId as string;
  const taskOf = async (file: string) => (await byClient({ method: 'GET', url: `${P}/tasks?fileId=${file}` })).json()[0].taskId as string;
  const boundary = 'matrix-boundary';
  const upload = () => ({
    payload: Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${app.csrf}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\r\n--${boundary}--\r\n`),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  });

  before(async () => {
    app = await testApp({ seed: true, config: { govstackRegistrationToken: TOKEN } });
    fileId = await newApplication();
    taskId = await taskOf(await newApplication());
    documentUrl = (await byClient({ method: 'POST', url: `${P}/documents`, ...upload() })).json().url.replace(app.config.baseUrl, '');
  });
  after(async () => app.close());

  const ROUTES: RouteCase<undefined, Caller>[] = [
    { name: `GET ${P}/services`, method: 'GET', url: () => `${P}/services`, expect: OPEN },
    { name: `GET ${P}/services/:serviceId`, method: 'GET', url: () => `${P}/services/company-name-reservation`, expect: OPEN },
    { name: `GET ${P}/services/:serviceId/eForms`, method: 'GET', url: () => `${P}/services/company-name-reservation/eForms`, expect: OPEN },
    { name: `GET ${P}/eForms/:eFormId`, method: 'GET', url: () => `${P}/eForms/company-name-reservation@1`, expect: OPEN },
    {
      name: `POST ${P}/services/:serviceId/applications`, method: 'POST', url: () => `${P}/services/company-name-reservation/applications`, expect: APPLICANT,
      // The citizen's own register number; the client names any applicant.
      body: () => ({ payload: { applicantId: 'УБ90051428', formData: { data: answers } } }),
    },
    { name: `GET ${P}/applications`, method: 'GET', url: () => `${P}/applications`, expect: SIGNED_IN },
    { name: `GET ${P}/applications/:fileId`, method: 'GET', url: () => `${P}/applications/${fileId}`, expect: GASR_READ },
    { name: `PUT ${P}/applications/:fileId`, method: 'PUT', url: () => `${P}/applications/${fileId}`, body: () => ({ payload: { applicantId: 'matrix-applicant', formData: { data: { activity: 'Засвар' } } } }), expect: GASR_OFFICE },
    { name: `GET ${P}/tasks`, method: 'GET', url: () => `${P}/tasks`, expect: OPERATOR },
    { name: `GET ${P}/tasks/:taskId`, method: 'GET', url: () => `${P}/tasks/${taskId}`, expect: GASR_OFFICE },
    { name: `POST ${P}/tasks/:taskId/complete`, method: 'POST', url: async () => `${P}/tasks/${await taskOf(await newApplication())}/complete`, body: () => ({ payload: { data: { decision: 'reject', reason: 'Матрикс' } } }), expect: GASR_OFFICE },
    { name: `POST ${P}/documents`, method: 'POST', url: () => `${P}/documents`, body: upload, expect: SIGNED_IN },
    { name: `GET ${P}/documents/:documentId`, method: 'GET', url: () => documentUrl, expect: OPERATOR },
    { name: `GET ${P}/data/statistics/1.0`, method: 'GET', url: () => `${P}/data/statistics/1.0`, expect: OPEN },
  ];

  // Every call names the calling system, as the Information Mediator does; the client adds its token.
  matrixTests(() => app, ROUTES, {
    roles: CALLERS,
    send: (role, request) => {
      const options = { ...request, headers: { ...IM, ...(request.headers as Record<string, string> | undefined) } };
      return role === 'token' ? byClient(options) : app.as(role === 'anonymous' ? null : role, options);
    },
  });

  it('refuses a wrong token even where a session would do', async () => {
    const response = await app.as('dev-platform-admin', { method: 'GET', url: `${P}/applications`, headers: { ...IM, authorization: 'Bearer not-the-token-not-the-token-not-the-token' } });
    assert.equal(response.statusCode, 401);
  });

  it('refuses a session’s upload without the form token', async () => {
    const body = upload();
    const payload = Buffer.from(body.payload.toString('latin1').replace(app.csrf, 'forged'), 'latin1');
    assert.equal((await app.as('dev-citizen', { method: 'POST', url: `${P}/documents`, payload, headers: body.headers })).statusCode, 403);
  });

  coverageTest('GovStack Registration', () => app, ROUTES, (url) => url.startsWith(`${P}/`), { atLeast: ROUTES.length });
});
