// Every route declared with a guard (read from the app itself, so a new one is covered without
// anyone remembering) decides who may call it before it reads what is sent: an anonymous caller
// sending a body or query the route would refuse gets 401, and a signed-in caller without the role
// 403, never a 400 that names the fields the route takes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hasRole } from '../src/kernel/auth.ts';
import { DEV_PERSONAS } from '../src/web/dev-sign-in.ts';
import { testApp, type TestApp } from './helpers.ts';

type Route = TestApp['routes'][number];

// The members of every problem answer: not the route's own fields.
const PROBLEM_MEMBERS = new Set(['type', 'title', 'status', 'detail', 'instance', 'code', 'requestId', 'errors']);

/** The property names a schema declares, at any depth: what a 400 would give away. */
function fieldNames(schema: unknown, into = new Set<string>()): Set<string> {
  if (!schema || typeof schema !== 'object') return into;
  const properties = (schema as { properties?: Record<string, unknown> }).properties;
  if (properties) for (const [name, inner] of Object.entries(properties)) {
    into.add(name);
    fieldNames(inner, into);
  }
  for (const key of ['items', 'anyOf', 'oneOf', 'allOf']) {
    const inner = (schema as Record<string, unknown>)[key];
    for (const part of [inner ?? []].flat()) fieldNames(part, into);
  }
  return into;
}

/** A request the route would refuse as invalid, were the caller allowed to make it. */
function invalidRequest(route: Route) {
  const url = route.url.replace(/:[A-Za-z]+/g, 'x1').replace(/\*$/, 'x');
  // Wrong types, text PostgreSQL cannot store and unknown fields, in a query and in a body.
  const query = '?page=not-a-number&limit=%00&status=%ED%A0%80';
  if (route.method === 'GET' || route.method === 'DELETE') return { method: route.method, url: `${url}${query}` };
  if (route.url.startsWith('/en')) {
    return { method: route.method, url, payload: `_csrf=nonsense&registerNumber=%00&amount=1e999&${'x'.repeat(3)}=%ED%A0%80`, headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' } };
  }
  return { method: route.method, url: `${url}${query}`, payload: JSON.stringify({ unexpected: [1, { deeper: '\u0000' }], id: 42, name: { not: 'text' } }), headers: { 'content-type': 'application/json' } };
}

describe('guards come before validation', () => {
  let app: TestApp;
  let guarded: Route[];

  before(async () => {
    // Without the development sign-in, whose outbox pages are open to anyone.
    app = await testApp({ seed: true, devLogin: false });
    const seen = new Set<string>();
    guarded = app.routes.filter((route) => {
      const key = `${route.method} ${route.url}`;
      if (!route.guard || route.method === 'HEAD' || route.url.startsWith('/mn') || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  });
  after(async () => app.close());

  it('finds the guarded routes from the app itself, pages and API alike', () => {
    assert.ok(guarded.length > 60, `only ${guarded.length} guarded routes`);
    assert.ok(guarded.some((route) => route.url.startsWith('/api/') && route.method === 'POST' && route.schema?.body), 'an API route with a body schema');
    assert.ok(guarded.some((route) => route.url.startsWith('/en/admin') && route.method === 'POST'), 'an administration page');
    // Routes whose finer rules (the agency, the record) are the service's still declare who may call at all.
    for (const url of ['/api/v1/documents/:id/revoke', '/api/v1/office/requests/:number/actions', '/api/v1/references/:slug', '/api/v1/applications/:slug']) {
      assert.ok(guarded.some((route) => route.method === 'POST' && route.url === url), `${url} is guarded`);
    }
  });

  it('answers an anonymous caller 401 and a caller without the role 403, whatever is sent', async () => {
    const citizen = DEV_PERSONAS.find((persona) => persona.id === 'dev-citizen')!;
    const failures: string[] = [];
    for (const route of guarded) {
      const request = invalidRequest(route);
      const names = [...fieldNames(route.schema?.body), ...fieldNames(route.schema?.querystring)].filter((name) => name.length > 3 && !PROBLEM_MEMBERS.has(name));
      const callers: [string, null | typeof citizen, number][] = [['anonymous', null, 401]];
      if (route.guard?.roles && !hasRole(citizen, route.guard.roles)) callers.push(['a citizen', citizen, 403]);
      for (const [who, principal, expected] of callers) {
        const response = await app.as(principal, request as Parameters<TestApp['as']>[1]);
        const leaked = names.filter((name) => response.body.includes(`"${name}"`) || response.body.includes(`#${name}"`));
        if (response.body.includes('"errors"') || response.body.includes('govuk-error-summary__list')) leaked.push('a list of field errors');
        if (response.statusCode !== expected || leaked.length > 0) {
          failures.push(`${route.method} ${route.url} as ${who}: ${response.statusCode}${leaked.length ? ` naming ${leaked.join(', ')}` : ''} ${response.body.replace(/\s+/g, ' ').slice(0, 120)}`);
        }
      }
    }
    assert.deepEqual(failures, []);
  });
});
