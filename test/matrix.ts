// The authorization matrix shared by the modules' *.scopes.test.ts files: each route called as each
// role (the one that must be refused included), and a check that no route of the module is missing.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { TestApp } from './helpers.ts';

export const ROLES = ['anonymous', 'dev-citizen', 'dev-police-officer', 'dev-gasr-supervisor', 'dev-gasr-admin', 'dev-platform-admin'] as const;
export type Role = (typeof ROLES)[number];
/** 'ok' is any answer below 400 (a page, a JSON answer, a redirect after a form). */
export type Outcome = 'ok' | 400 | 401 | 403 | 404;
export type Expectation = Record<Role, Outcome>;

export const PUBLIC: Expectation = { anonymous: 'ok', 'dev-citizen': 'ok', 'dev-police-officer': 'ok', 'dev-gasr-supervisor': 'ok', 'dev-gasr-admin': 'ok', 'dev-platform-admin': 'ok' };
export const CITIZEN_ONLY: Expectation = { anonymous: 401, 'dev-citizen': 'ok', 'dev-police-officer': 403, 'dev-gasr-supervisor': 403, 'dev-gasr-admin': 403, 'dev-platform-admin': 403 };
/** Officials of any agency (each sees their own agency's records) and platform administrators. */
export const OFFICIALS: Expectation = { anonymous: 401, 'dev-citizen': 403, 'dev-police-officer': 'ok', 'dev-gasr-supervisor': 'ok', 'dev-gasr-admin': 'ok', 'dev-platform-admin': 'ok' };

export interface RouteCase {
  /** METHOD and the registered URL, with /en written as /:lang for pages. */
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: () => string | Promise<string>;
  body?: () => { payload: string | object | Buffer; headers?: Record<string, string> };
  expect: Expectation;
}

/** One test per route: every role calls it and gets what the row says. */
export function matrixTests(app: () => TestApp, routes: RouteCase[]): void {
  for (const route of routes) {
    it(route.name, async () => {
      for (const role of ROLES) {
        const body = route.body?.();
        const response = await app().as(role === 'anonymous' ? null : role, { method: route.method, url: await route.url(), ...(body ? { payload: body.payload, ...(body.headers ? { headers: body.headers } : {}) } : {}) });
        const actual: Outcome | number = response.statusCode < 400 ? 'ok' : response.statusCode;
        assert.equal(actual, route.expect[role], `${route.name} as ${role}: ${response.statusCode} ${response.body.slice(0, 200)}`);
      }
    });
  }
}

/** The test that fails when a route of the module (as `belongs` picks them) has no row. */
export function coverageTest(label: string, app: () => TestApp, routes: RouteCase[], belongs: (url: string) => boolean): void {
  it(`covers every ${label} route`, () => {
    const covered = new Set(routes.map((route) => route.name.replace(/^(\w+) \/en\//, '$1 /:lang/')));
    const ours = app().routes.filter((route) => route.method !== 'HEAD' && !route.url.startsWith('/mn/') && route.url !== '/mn' && belongs(route.url));
    assert.ok(ours.length > 0, `no ${label} routes found`);
    for (const route of ours) {
      const name = `${route.method} ${route.url.replace(/^\/en\//, '/:lang/')}`;
      assert.ok(covered.has(name), `${name} is not in the matrix`);
    }
  });
}
