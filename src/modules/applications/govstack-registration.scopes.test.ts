// Authorization matrix of GovStack's Registration API: every route called as every role and as the
// machine client holding the token. "ok" means the request was allowed (2xx).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testApp, type TestApp } from '../../../test/helpers.ts';
import { GOVSTACK_REGISTRATION_PREFIX as P } from './govstack-registration.ts';

type Outcome = 'ok' | 401 | 403 | 404;
const ROLES = ['anonymous', 'dev-citizen', 'dev-police-officer', 'dev-gasr-supervisor', 'dev-gasr-admin', 'dev-platform-admin', 'token'] as const;
type Role = (typeof ROLES)[number];

const TOKEN = 'registration-matrix-token-0123456789abcdef';
const IM = { 'information-mediator-client': 'MN/GOV/1234567/registration' };

// The catalogue side: services, forms and statistics are public.
const PUBLIC: Record<Role, Outcome> = { anonymous: 'ok', 'dev-citizen': 'ok', 'dev-police-officer': 'ok', 'dev-gasr-supervisor': 'ok', 'dev-gasr-admin': 'ok', 'dev-platform-admin': 'ok', token: 'ok' };
// An applicant applies for themselves; the client for the applicant it names; officials do not apply here.
const APPLICANT: Record<Role, Outcome> = { anonymous: 401, 'dev-citizen': 'ok', 'dev-police-officer': 403, 'dev-gasr-supervisor': 403, 'dev-gasr-admin': 403, 'dev-platform-admin': 403, token: 'ok' };
// Lists are scoped (own, agency's, all) but open to anyone signed in.
const SIGNED_IN: Record<Role, Outcome> = { anonymous: 401, 'dev-citizen': 'ok', 'dev-police-officer': 'ok', 'dev-gasr-supervisor': 'ok', 'dev-gasr-admin': 'ok', 'dev-platform-admin': 'ok', token: 'ok' };
// Someone else's gasr application: gasr staff, the platform administrator and the client; the police and the citizen do not find it.
const GASR_READ: Record<Role, Outcome> = { anonymous: 401, 'dev-citizen': 404, 'dev-police-officer': 404, 'dev-gasr-supervisor': 'ok', 'dev-gasr-admin': 'ok', 'dev-platform-admin': 'ok', token: 'ok' };
// Back-office work on a gasr application: citizens are refused outright.
const GASR_OFFICE: Record<Role, Outcome> = { ...GASR_READ, 'dev-citizen': 403 };
// The back office's lists and uploaded documents.
const OPERATOR: Record<Role, Outcome> = { anonymous: 401, 'dev-citizen': 403, 'dev-police-officer': 'ok', 'dev-gasr-supervisor': 'ok', 'dev-gasr-admin': 'ok', 'dev-platform-admin': 'ok', token: 'ok' };

interface RouteCase {
  name: string;
  method: 'GET' | 'POST' | 'PUT';
  url: () => string | Promise<string>;
  body?: () => { payload: string | object | Buffer; headers?: Record<string, string> };
  expect: Record<Role, Outcome>;
}

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

  const ROUTES: RouteCase[] = [
    { name: 'GET /services', method: 'GET', url: () => `${P}/services`, expect: PUBLIC },
    { name: 'GET /services/:serviceId', method: 'GET', url: () => `${P}/services/company-name-reservation`, expect: PUBLIC },
    { name: 'GET /services/:serviceId/eForms', method: 'GET', url: () => `${P}/services/company-name-reservation/eForms`, expect: PUBLIC },
    { name: 'GET /eForms/:eFormId', method: 'GET', url: () => `${P}/eForms/company-name-reservation@1`, expect: PUBLIC },
    {
      name: 'POST /services/:serviceId/applications', method: 'POST', url: () => `${P}/services/company-name-reservation/applications`, expect: APPLICANT,
      // The citizen's own register number; the client names any applicant.
      body: () => ({ payload: { applicantId: 'УБ90051428', formData: { data: answers } } }),
    },
    { name: 'GET /applications', method: 'GET', url: () => `${P}/applications`, expect: SIGNED_IN },
    { name: 'GET /applications/:fileId', method: 'GET', url: () => `${P}/applications/${fileId}`, expect: GASR_READ },
    { name: 'PUT /applications/:fileId', method: 'PUT', url: () => `${P}/applications/${fileId}`, body: () => ({ payload: { applicantId: 'matrix-applicant', formData: { data: { activity: 'Засвар' } } } }), expect: GASR_OFFICE },
    { name: 'GET /tasks', method: 'GET', url: () => `${P}/tasks`, expect: OPERATOR },
    { name: 'GET /tasks/:taskId', method: 'GET', url: () => `${P}/tasks/${taskId}`, expect: GASR_OFFICE },
    { name: 'POST /tasks/:taskId/complete', method: 'POST', url: async () => `${P}/tasks/${await taskOf(await newApplication())}/complete`, body: () => ({ payload: { data: { decision: 'reject', reason: 'Матрикс' } } }), expect: GASR_OFFICE },
    { name: 'POST /documents', method: 'POST', url: () => `${P}/documents`, body: upload, expect: SIGNED_IN },
    { name: 'GET /documents/:documentId', method: 'GET', url: () => documentUrl, expect: OPERATOR },
    { name: 'GET /data/statistics/1.0', method: 'GET', url: () => `${P}/data/statistics/1.0`, expect: PUBLIC },
  ];

  for (const route of ROUTES) {
    it(route.name, async () => {
      for (const role of ROLES) {
        const body = route.body?.();
        const options = { method: route.method, url: await route.url(), headers: { ...IM, ...body?.headers }, ...(body ? { payload: body.payload } : {}) };
        const response = role === 'token' ? await byClient(options) : await app.as(role === 'anonymous' ? null : role, options);
        const actual: Outcome | number = response.statusCode < 400 ? 'ok' : response.statusCode;
        assert.equal(actual, route.expect[role], `${route.name} as ${role}: ${response.statusCode} ${response.body.slice(0, 200)}`);
      }
    });
  }

  it('refuses a wrong token even where a session would do', async () => {
    const response = await app.as('dev-platform-admin', { method: 'GET', url: `${P}/applications`, headers: { ...IM, authorization: 'Bearer not-the-token-not-the-token-not-the-token' } });
    assert.equal(response.statusCode, 401);
  });

  it('refuses a session’s upload without the form token', async () => {
    const body = upload();
    const payload = Buffer.from(body.payload.toString('latin1').replace(app.csrf, 'forged'), 'latin1');
    assert.equal((await app.as('dev-citizen', { method: 'POST', url: `${P}/documents`, payload, headers: body.headers })).statusCode, 403);
  });

  it('covers every GovStack Registration route', () => {
    const covered = new Set(ROUTES.map((route) => route.name));
    const routes = app.routes.filter((route) => route.method !== 'HEAD' && route.url.startsWith(`${P}/`));
    assert.ok(routes.length >= ROUTES.length);
    for (const route of routes) {
      const name = `${route.method} ${route.url.slice(P.length)}`;
      assert.ok(covered.has(name), `${name} is not in the matrix`);
    }
  });
});
