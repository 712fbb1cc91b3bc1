// Authorization matrix: every applications route called as every role, including those that must
// be refused. "ok" means the request was allowed (2xx or a redirect).
import { after, before, describe } from 'node:test';
import { form, testApp, type TestApp } from '../../../test/helpers.ts';
import { CITIZEN_ONLY, OFFICIALS, PUBLIC, coverageTest, matrixTests, type Expectation, type RouteCase } from '../../../test/matrix.ts';
import { seedPeople } from '../exchange/test-fixtures.ts';

// Requests are a person's own (CITIZEN_ONLY): officials handle theirs in the back office. Every
// official sees their own agency's queue.
const STAFF = OFFICIALS;
// A person's draft: officials may fill in drafts, but only those they began for someone at a counter.
const DRAFT_OWNER: Expectation = { anonymous: 401, 'dev-citizen': 'ok', 'dev-police-officer': 404, 'dev-gasr-supervisor': 404, 'dev-gasr-admin': 404, 'dev-platform-admin': 404 };
// Officials are let in and told what is wrong with the form (400); others are refused before that.
const STAFF_400: Expectation = { anonymous: 401, 'dev-citizen': 403, 'dev-police-officer': 400, 'dev-gasr-supervisor': 400, 'dev-gasr-admin': 400, 'dev-platform-admin': 400 };
// A gasr application: gasr staff and the platform administrator; the police do not find it.
const GASR_STAFF: Expectation = { ...STAFF, 'dev-police-officer': 404 };
// Agency administrators (their own agency's forms) and the platform administrator.
const ADMINS: Expectation = { anonymous: 401, 'dev-citizen': 403, 'dev-police-officer': 403, 'dev-gasr-supervisor': 403, 'dev-gasr-admin': 'ok', 'dev-platform-admin': 'ok' };
// A form of a gasr service: gasr's agency administrator and the platform administrator.
const GASR_ADMIN: Expectation = { anonymous: 401, 'dev-citizen': 403, 'dev-police-officer': 403, 'dev-gasr-supervisor': 403, 'dev-gasr-admin': 'ok', 'dev-platform-admin': 'ok' };

/** A valid form definition of a gasr service, sent as a new version. */
const FORM = {
  slug: 'company-name-reservation', version: 1,
  schema: { type: 'object', additionalProperties: false, required: ['proposedName', 'legalForm', 'activity'], properties: { proposedName: { type: 'string', minLength: 2, maxLength: 100 }, legalForm: { type: 'string', enum: ['llc', 'jsc'] }, activity: { type: 'string', minLength: 3, maxLength: 500 } } },
  fields: {
    proposedName: { label: { mn: 'Нэр', en: 'Name' }, widget: 'text' },
    legalForm: { label: { mn: 'Хэлбэр', en: 'Form' }, widget: 'radios', options: [{ value: 'llc', label: { mn: 'ХХК', en: 'LLC' } }, { value: 'jsc', label: { mn: 'ХК', en: 'JSC' } }] },
    activity: { label: { mn: 'Үйл ажиллагаа', en: 'Activity' }, widget: 'textarea' },
  },
  pages: [{ id: 'name', title: { mn: 'Нэр', en: 'Name' }, fields: ['proposedName'] }, { id: 'form', title: { mn: 'Хэлбэр', en: 'Form' }, fields: ['legalForm'] }, { id: 'activity', title: { mn: 'Үйл ажиллагаа', en: 'Activity' }, fields: ['activity'] }],
};

describe('applications authorization matrix', () => {
  let app: TestApp;
  let number = '';
  let fileRequested = '';
  let editRequested = '';
  let withFile = '';
  let fileId = '';
  const answers = { proposedName: 'Матрикс', legalForm: 'llc', activity: 'Туршилт' };
  const newApplication = async () => (await app.as('dev-citizen', { method: 'POST', url: '/api/v1/applications/company-name-reservation', payload: { answers } })).json().number as string;
  const act = (num: string, action: string, text = '') => app.as('dev-gasr-supervisor', { method: 'POST', url: `/api/v1/office/requests/${num}/actions`, payload: { action, ...(text ? { text } : {}) } });
  const draftPage = async () => (await app.as('dev-citizen', { method: 'POST', url: '/en/apply/company-name-reservation', payload: `_csrf=${encodeURIComponent(app.csrf)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } })).headers.location as string;

  before(async () => {
    app = await testApp({ seed: true });
    await seedPeople(app, 20, 'applications-matrix');
    const made = await app.as('dev-citizen', { method: 'POST', url: '/api/v1/references/birth-certificate-reference', payload: { consent: true } });
    number = made.json().request.number;
    fileRequested = await newApplication();
    await act(fileRequested, 'start');
    await act(fileRequested, 'request-file', 'Дүрэм');
    editRequested = await newApplication();
    await act(editRequested, 'start');
    await act(editRequested, 'request-edit', 'Нэр');
    withFile = await newApplication();
    await act(withFile, 'start');
    await act(withFile, 'request-file', 'Дүрэм');
    const boundary = 'matrix-boundary';
    const body = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${app.csrf}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\r\n--${boundary}--\r\n`);
    await app.as('dev-citizen', { method: 'POST', url: `/en/my/requests/${withFile}/file`, payload: body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    fileId = /\/files\/([0-9a-f-]{36})/.exec((await app.as('dev-citizen', { method: 'GET', url: `/en/my/requests/${withFile}` })).body)![1]!;
  });
  after(async () => app.close());

  const ROUTES: RouteCase[] = [
    { name: 'GET /api/v1/references', method: 'GET', url: () => '/api/v1/references', expect: PUBLIC },
    { name: 'POST /api/v1/references/:slug', method: 'POST', url: () => '/api/v1/references/register-number-reference', body: () => ({ payload: { consent: true } }), expect: CITIZEN_ONLY },
    { name: 'GET /api/v1/my/requests', method: 'GET', url: () => '/api/v1/my/requests', expect: CITIZEN_ONLY },
    { name: 'GET /api/v1/my/requests/:number', method: 'GET', url: () => `/api/v1/my/requests/${number}`, expect: CITIZEN_ONLY },
    { name: 'GET /:lang/references', method: 'GET', url: () => '/en/references', expect: PUBLIC },
    { name: 'GET /:lang/references/:slug', method: 'GET', url: () => '/en/references/register-number-reference', expect: PUBLIC },
    { name: 'POST /:lang/references/:slug', method: 'POST', url: () => '/en/references/register-number-reference', body: () => form({ consent: 'yes' }, app.csrf), expect: CITIZEN_ONLY },
    { name: 'GET /:lang/my/requests', method: 'GET', url: () => '/en/my/requests', expect: CITIZEN_ONLY },
    { name: 'GET /:lang/my/requests/:number', method: 'GET', url: () => `/en/my/requests/${number}`, expect: CITIZEN_ONLY },
    { name: 'GET /api/v1/applications/forms', method: 'GET', url: () => '/api/v1/applications/forms', expect: PUBLIC },
    { name: 'GET /api/v1/applications/forms/:slug', method: 'GET', url: () => '/api/v1/applications/forms/company-name-reservation', expect: PUBLIC },
    {
      name: 'PUT /api/v1/applications/forms/:slug', method: 'PUT', url: () => '/api/v1/applications/forms/company-name-reservation', expect: GASR_ADMIN,
      body: () => ({ payload: JSON.parse(JSON.stringify(FORM)) }),
    },
    { name: 'POST /api/v1/applications/:slug', method: 'POST', url: () => '/api/v1/applications/company-name-reservation', body: () => ({ payload: { answers } }), expect: CITIZEN_ONLY },
    { name: 'GET /api/v1/office/requests', method: 'GET', url: () => '/api/v1/office/requests', expect: STAFF },
    { name: 'GET /api/v1/office/requests/:number', method: 'GET', url: () => `/api/v1/office/requests/${withFile}`, expect: GASR_STAFF },
    { name: 'POST /api/v1/office/requests/:number/actions', method: 'POST', url: async () => `/api/v1/office/requests/${await newApplication()}/actions`, body: () => ({ payload: { action: 'take' } }), expect: GASR_STAFF },
    { name: 'GET /:lang/apply', method: 'GET', url: () => '/en/apply', expect: PUBLIC },
    { name: 'GET /:lang/apply/:slug', method: 'GET', url: () => '/en/apply/company-name-reservation', expect: PUBLIC },
    { name: 'POST /:lang/apply/:slug', method: 'POST', url: () => '/en/apply/company-name-reservation', body: () => form({}, app.csrf), expect: CITIZEN_ONLY },
    { name: 'GET /:lang/apply/:slug/:draft/:page', method: 'GET', url: draftPage, expect: DRAFT_OWNER },
    { name: 'POST /:lang/apply/:slug/:draft/:page', method: 'POST', url: draftPage, body: () => form({ proposedName: 'Матрикс' }, app.csrf), expect: DRAFT_OWNER },
    { name: 'POST /:lang/my/requests/:number/file', method: 'POST', url: () => `/en/my/requests/${fileRequested}/file`, body: () => form({}, app.csrf), expect: CITIZEN_ONLY },
    { name: 'GET /:lang/my/requests/:number/edit', method: 'GET', url: () => `/en/my/requests/${editRequested}/edit`, expect: CITIZEN_ONLY },
    { name: 'POST /:lang/my/requests/:number/edit', method: 'POST', url: () => `/en/my/requests/${editRequested}/edit`, body: () => form({ ...answers, proposedName: 'Матрикс 2' }, app.csrf), expect: CITIZEN_ONLY },
    { name: 'GET /:lang/my/requests/:number/files/:id', method: 'GET', url: () => `/en/my/requests/${withFile}/files/${fileId}`, expect: CITIZEN_ONLY },
    { name: 'GET /:lang/office', method: 'GET', url: () => '/en/office', expect: STAFF },
    { name: 'GET /:lang/office/requests/:number', method: 'GET', url: () => `/en/office/requests/${withFile}`, expect: GASR_STAFF },
    { name: 'POST /:lang/office/requests/:number', method: 'POST', url: async () => `/en/office/requests/${await newApplication()}`, body: () => form({ action: 'take' }, app.csrf), expect: GASR_STAFF },
    { name: 'GET /:lang/apply/:slug/:draft', method: 'GET', url: async () => (await draftPage()).replace(/\/[a-z-]+$/, ''), expect: DRAFT_OWNER },
    { name: 'GET /:lang/admin/forms', method: 'GET', url: () => '/en/admin/forms', expect: ADMINS },
    { name: 'GET /:lang/admin/forms/:slug', method: 'GET', url: () => '/en/admin/forms/company-name-reservation', expect: GASR_ADMIN },
    { name: 'POST /:lang/admin/forms/:slug', method: 'POST', url: () => '/en/admin/forms/company-name-reservation', body: () => form({ definition: JSON.stringify(FORM) }, app.csrf), expect: GASR_ADMIN },
    { name: 'GET /:lang/office/on-behalf', method: 'GET', url: () => '/en/office/on-behalf', expect: STAFF },
    { name: 'POST /:lang/office/on-behalf', method: 'POST', url: () => '/en/office/on-behalf', body: () => form({ registerNumber: 'bad', service: '' }, app.csrf), expect: STAFF_400 },
    { name: 'POST /:lang/office/on-behalf/code', method: 'POST', url: () => '/en/office/on-behalf/code', body: () => form({ registerNumber: 'УБ90051428', service: 'child-money', code: '000000' }, app.csrf), expect: STAFF_400 },
    { name: 'GET /:lang/office/requests/:number/files/:id', method: 'GET', url: () => `/en/office/requests/${withFile}/files/${fileId}`, expect: GASR_STAFF },
  ];

  matrixTests(() => app, ROUTES);
  coverageTest('applications', () => app, ROUTES, (url) => ['/references', '/requests', '/apply', '/applications', '/office', '/admin/forms'].some((part) => url.includes(part)) && !url.startsWith('/govstack/'));
});
