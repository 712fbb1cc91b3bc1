// The malformed inputs the fuzz test sends: for each route the app registers, requests whose path
// parameters, query and body are wrong in every way an attacker (or a broken client) tries: NUL
// and half surrogate pairs, bad percent-encoding, absurd numbers, repeated parameters, wrong types,
// huge and deeply nested values, wrong content types, and markup that must never come back
// unescaped. Everything is built from the route's own template and schema, so a new route is
// covered without anyone remembering to add it.

/** Markup that must never appear as it is in a page: if it does, something reflected input unescaped. */
export const MARK = '<script>urtuu-reflect</script>';

export interface RouteInfo {
  method: string;
  url: string;
  schema?: { body?: unknown; querystring?: unknown; params?: unknown };
}

export interface FuzzCase {
  /** What this case tries, for the report. */
  label: string;
  method: string;
  url: string;
  payload?: string | Buffer;
  headers?: Record<string, string>;
  /** Form bodies get the CSRF token of the caller's session added. */
  form?: boolean;
}

/** Path parameter values: well-formed first, then the malformed ones. */
const BAD_SEGMENTS: [string, string][] = [
  ['NUL', '%00'],
  ['NUL inside', 'a%00b'],
  ['half a surrogate pair', '%ED%A0%80'],
  ['bad percent-encoding', '%FF%FE'],
  ['unfinished percent-encoding', 'a%2'],
  ['control characters', '%01%1B%7F'],
  ['very long', 'x'.repeat(199)],
  ['absurd number', '1e999'],
  ['negative number', '-99999999999999999999'],
  ['markup', encodeURIComponent(MARK)],
  ['dot segments', '..%2F..%2Fetc%2Fpasswd'],
  ['a register number', encodeURIComponent('УБ90051428')],
];

/** Query strings sent to every route, besides those built from its schema. */
const BAD_QUERIES: [string, string][] = [
  ['repeated parameters', 'q=a&q=b&page=1&page=2&status=a&status=b&agency=a&agency=b&lang=en&lang=mn'],
  ['absurd numbers', 'page=1e999&pageSize=1e999&limit=1e999&firstResult=-1e999&maxResult=NaN&at=1e999'],
  ['NUL everywhere', 'q=%00&page=%00&lang=%00&returnTo=%00&id=%00&%00=%00'],
  ['half a surrogate pair', 'q=%ED%A0%80&name=%ED%B0%80'],
  ['open redirect', 'returnTo=%2F%09%2Fevil.example%2F&return_to=https%3A%2F%2Fevil.example'],
  ['markup', `q=${encodeURIComponent(MARK)}&error=${encodeURIComponent(MARK)}&returnTo=${encodeURIComponent(`/${MARK}`)}`],
  ['nested brackets', 'a[b][c][d]=1&a[]=2&__proto__[x]=1&constructor[prototype][x]=1'],
  ['a huge value', `q=${'a'.repeat(20_000)}`],
  ['OAuth parameters with NUL', 'client_id=%00&response_type=code&scope=openid&redirect_uri=%00'],
  ['a real client with NUL in what is kept', `client_id=urtuu-portal&response_type=code&scope=openid&redirect_uri=${encodeURIComponent('http://localhost:3000/auth/callback')}&state=a%00b&nonce=%ED%A0%80&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256&ui_locales=%00`],
];

/** Names a page form commonly posts; fuzzed where the route declares no body schema. */
const FORM_NAMES = ['registerNumber', 'code', 'q', 'name', 'slug', 'persona', 'returnTo', 'method', 'decision', 'answer', 'amount', 'reason', 'id', 'action', 'note', 'text', 'actingFor', 'agency', 'role', 'status', 'page', 'file', 'value'];

function deepJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

function deepArray(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

interface ObjectSchema {
  type?: unknown;
  properties?: Record<string, { type?: unknown }>;
  required?: string[];
}

function propertiesOf(schema: unknown): Record<string, { type?: unknown }> {
  const object = schema as ObjectSchema | undefined;
  return object && typeof object === 'object' && object.properties && typeof object.properties === 'object' ? object.properties : {};
}

/** A value of the wrong kind for a property: an object where text is wanted, text where a number is. */
function wrongTypes(type: unknown): unknown[] {
  const wanted = Array.isArray(type) ? type : [type];
  const wrong: unknown[] = [];
  if (!wanted.includes('object')) wrong.push({ nested: { deeper: [1, 2, 3] } });
  if (!wanted.includes('array')) wrong.push(['a', 'b']);
  if (!wanted.includes('string')) wrong.push('not a number or object');
  if (!wanted.includes('number') && !wanted.includes('integer')) wrong.push(12345);
  if (!wanted.includes('boolean')) wrong.push(true);
  wrong.push(null);
  return wrong;
}

/** The URL of a route with its parameters filled, each value encoded as given. */
export function fillUrl(template: string, value: (name: string) => string): string {
  return template
    .split('/')
    .map((segment) => {
      if (segment === '*') return value('*');
      // `:id(^[0-9A-Z]{1,60}).pdf`: a parameter with a pattern and a fixed tail.
      const match = /^:([A-Za-z_]\w*)(\([^)]*\))?(.*)$/.exec(segment);
      if (match) return `${value(match[1]!)}${match[3] ?? ''}`;
      if (segment.startsWith('r*')) return `r9${value('*')}`;
      return segment;
    })
    .join('/');
}

/** Every case for one route. `good` gives a well-formed value for a parameter name. */
export function casesFor(route: RouteInfo, good: (route: RouteInfo, name: string) => string): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const params = [...route.url.matchAll(/:([A-Za-z_]\w*)|\*/g)].map((match) => match[1] ?? '*');
  const base = fillUrl(route.url, (name) => good(route, name));
  const method = route.method;
  const hasBody = !['GET', 'HEAD', 'OPTIONS', 'DELETE'].includes(method);

  for (const param of params) {
    for (const [label, bad] of BAD_SEGMENTS) {
      cases.push({ label: `path ${param}: ${label}`, method, url: fillUrl(route.url, (name) => (name === param ? bad : good(route, name))) });
    }
  }

  const join = (query: string) => `${base}${base.includes('?') ? '&' : '?'}${query}`;
  for (const [label, query] of BAD_QUERIES) cases.push({ label: `query: ${label}`, method, url: join(query) });
  for (const [name, property] of Object.entries(propertiesOf(route.schema?.querystring))) {
    const encoded = encodeURIComponent(name);
    cases.push({ label: `query ${name}: repeated`, method, url: join(`${encoded}=1&${encoded}=2&${encoded}=x`) });
    cases.push({ label: `query ${name}: absurd`, method, url: join(`${encoded}=1e999`) });
    cases.push({ label: `query ${name}: NUL`, method, url: join(`${encoded}=a%00b`) });
    cases.push({ label: `query ${name}: markup`, method, url: join(`${encoded}=${encodeURIComponent(MARK)}`) });
    if (property.type === 'string') cases.push({ label: `query ${name}: long`, method, url: join(`${encoded}=${'y'.repeat(5000)}`) });
  }

  if (!hasBody && method !== 'DELETE') return cases;
  const json = (label: string, payload: string) => cases.push({ label: `json: ${label}`, method, url: base, payload, headers: { 'content-type': 'application/json' } });
  json('empty object', '{}');
  json('null', 'null');
  json('an array', '[]');
  json('an absurd number', '1e999');
  json('markup as a string', JSON.stringify(MARK));
  json('nested 5,000 deep', deepJson(5000));
  json('arrays nested 5,000 deep', deepArray(5000));
  json('NUL in a value', '{"name":"a\\u0000b","slug":"\\u0000","registerNumber":"\\u0000"}');
  json('NUL in a key', '{"a\\u0000b":1}');
  json('half a surrogate pair', '{"name":"\\ud800","text":"a\\udc00b"}');
  json('truncated', '{"name": "abc", ');
  json('proto pollution', '{"__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}}}');
  json('empty body', '');
  const properties = propertiesOf(route.schema?.body);
  for (const [name, property] of Object.entries(properties)) {
    for (const wrong of wrongTypes(property.type)) json(`${name} as ${JSON.stringify(wrong)?.slice(0, 20)}`, JSON.stringify({ [name]: wrong }));
    json(`${name} with NUL`, JSON.stringify({ [name]: 'a\u0000b' }));
    json(`${name} absurd`, `{${JSON.stringify(name)}: 1e999}`);
    json(`${name} markup`, JSON.stringify({ [name]: MARK }));
    json(`${name} huge`, JSON.stringify({ [name]: 'z'.repeat(300_000) }));
  }
  if (Object.keys(properties).length > 0) {
    // Everything wrong at once: each property of the wrong kind, and an unknown one.
    json('every property wrong', JSON.stringify({ ...Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, wrongTypes(property.type)[0]])), [MARK]: MARK }));
  }

  const names = Object.keys(properties).length > 0 ? Object.keys(properties) : FORM_NAMES;
  const formBody = (label: string, fields: [string, string][]) => cases.push({
    label: `form: ${label}`, method, url: base, form: true,
    payload: fields.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&'),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  formBody('every field empty', names.map((name) => [name, '']));
  formBody('every field repeated', names.flatMap((name) => [[name, 'a'], [name, 'b']] as [string, string][]));
  formBody('NUL in every field', names.map((name) => [name, 'a\u0000b']));
  formBody('markup in every field', names.map((name) => [name, MARK]));
  formBody('absurd numbers', names.map((name) => [name, '1e999']));
  formBody('a huge field', [[names[0] ?? 'q', 'w'.repeat(200_000)]]);
  formBody('brackets', [['a[b][c]', '1'], ['__proto__[x]', '1'], ['constructor[prototype][x]', '1']]);
  formBody('OAuth grants with NUL', [['grant_type', 'authorization_code'], ['code', 'a\u0000b'], ['redirect_uri', '\u0000'], ['client_id', 'urtuu-portal'], ['refresh_token', 'r\u0000'], ['token', '\u0000']]);
  cases.push({ label: 'form: raw NUL and bad percent-encoding', method, url: base, form: true, payload: 'q=%00&name=%FF%FE&code=%E0%A4%A&text=%ED%A0%80&refresh_token=%ED%B0%80', headers: { 'content-type': 'application/x-www-form-urlencoded' } });

  const other = (label: string, type: string, payload: string | Buffer) => cases.push({ label: `body: ${label}`, method, url: base, payload, headers: { 'content-type': type } });
  other('plain text', 'text/plain', `hello ${MARK}`);
  other('XML', 'application/xml', `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>`);
  other('multipart without a boundary', 'multipart/form-data', 'garbage');
  other('multipart cut short', 'multipart/form-data; boundary=XYZ', '--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n\u0089PNG');
  other('multipart with NUL names', 'multipart/form-data; boundary=XYZ', '--XYZ\r\nContent-Disposition: form-data; name="a\u0000b"\r\n\r\nvalue\u0000\r\n--XYZ--\r\n');
  other('an unknown type', 'application/x-urtuu-unknown', 'x');
  other('a content type with junk parameters', 'application/json; charset=utf-99; x=%00', '{}');
  other('binary', 'application/octet-stream', Buffer.from([0, 1, 2, 255, 254, 0]));
  other('gzip that is not', 'application/json', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff]));
  return cases;
}
