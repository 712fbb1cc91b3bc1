// The authorization matrix shared by the modules' *.scopes.test.ts files: each route called as each
// role (the one that must be refused included), and a check that no route of the module is missing.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { TestApp } from './helpers.ts';

export const ROLES = ['anonymous', 'dev-citizen', 'dev-police-officer', 'dev-gasr-supervisor', 'dev-gasr-admin', 'dev-platform-admin'] as const;
export type Role = (typeof ROLES)[number];
/** 'ok' is any answer below 400 (a page, a JSON answer, a redirect after a form), or below `okBelow`. */
export type Outcome = 'ok' | 400 | 401 | 403 | 404 | 409;
/** What each role is answered; a matrix with other personas than ROLES names its own. */
export type Expectation<R extends string = Role> = Record<R, Outcome>;

export const PUBLIC: Expectation = { anonymous: 'ok', 'dev-citizen': 'ok', 'dev-police-officer': 'ok', 'dev-gasr-supervisor': 'ok', 'dev-gasr-admin': 'ok', 'dev-platform-admin': 'ok' };
export const CITIZEN_ONLY: Expectation = { anonymous: 401, 'dev-citizen': 'ok', 'dev-police-officer': 403, 'dev-gasr-supervisor': 403, 'dev-gasr-admin': 403, 'dev-platform-admin': 403 };
/** Officials of any agency (each sees their own agency's records) and platform administrators. */
export const OFFICIALS: Expectation = { anonymous: 401, 'dev-citizen': 403, 'dev-police-officer': 'ok', 'dev-gasr-supervisor': 'ok', 'dev-gasr-admin': 'ok', 'dev-platform-admin': 'ok' };
/** Agency administrators (for their own agency's records) and platform administrators. */
export const ADMINS: Expectation = { anonymous: 401, 'dev-citizen': 403, 'dev-police-officer': 403, 'dev-gasr-supervisor': 403, 'dev-gasr-admin': 'ok', 'dev-platform-admin': 'ok' };
export const PLATFORM_ONLY: Expectation = { ...ADMINS, 'dev-gasr-admin': 403 };

/** The same outcome for every role, as for a step that needs what no session carries. */
export function everyone<R extends string = Role>(outcome: Outcome, roles: readonly R[] = ROLES as unknown as readonly R[]): Expectation<R> {
  return Object.fromEntries(roles.map((role) => [role, outcome])) as Expectation<R>;
}

export interface RequestBody {
  payload: string | object | Buffer;
  headers?: Record<string, string>;
}

/** One row: a route and what each role is answered. `F` is what the matrix's `fixture` makes. */
export interface RouteCase<F = undefined, R extends string = Role> {
  /**
   * METHOD and the registered URL, with /en written as /:lang for pages. A qualifier in brackets
   * after it, as in "(other agency)", lets several rows call one route.
   */
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Called before `body`, so a URL that makes a record can leave what the body needs in the fixture. */
  url: (fixture: F) => string | Promise<string>;
  body?: (fixture: F) => RequestBody | Promise<RequestBody>;
  expect: Expectation<R>;
}

export interface MatrixOptions<F, R extends string> {
  /** The personas called; by default ROLES. */
  roles?: readonly R[];
  /** Made before every call (each role's included), so that one call's changes never decide another's answer. */
  fixture?: () => F | Promise<F>;
  /** How a role sends its request; by default signed in as the persona of that name, or not at all as anonymous. */
  send?: (role: R, request: InjectOptions) => Promise<LightMyRequestResponse>;
  /** Answers below this count as 'ok': 400 lets redirects in, 300 only successes. */
  okBelow?: number;
}

/** One test per route: every role calls it and gets what the row says. */
export function matrixTests<F = undefined, R extends string = Role>(app: () => TestApp, routes: RouteCase<F, R>[], options: MatrixOptions<F, R> = {}): void {
  const roles = options.roles ?? (ROLES as unknown as readonly R[]);
  const send = options.send ?? ((role: R, request: InjectOptions) => app().as(role === 'anonymous' ? null : role, request));
  const okBelow = options.okBelow ?? 400;
  for (const route of routes) {
    it(route.name, async () => {
      for (const role of roles) {
        const fixture = options.fixture ? await options.fixture() : (undefined as F);
        const url = await route.url(fixture);
        const body = await route.body?.(fixture);
        const response = await send(role, { method: route.method, url, ...(body ? { payload: body.payload, ...(body.headers ? { headers: body.headers } : {}) } : {}) });
        const actual: Outcome | number = response.statusCode < okBelow ? 'ok' : response.statusCode;
        assert.equal(actual, route.expect[role], `${route.name} as ${role}: ${response.statusCode} ${response.body.slice(0, 200)}`);
      }
    });
  }
}

/** The route a row calls: its name without a qualifier, with /en written as /:lang. */
const routeOf = (name: string) => name.replace(/ \([^/]*\)$/, '').replace(/^(\w+) \/en(?=\/|$)/, '$1 /:lang');

/**
 * The test that fails when a route of the module (as `belongs` picks them from the registered URLs)
 * has no row; `atLeast` guards against a `belongs` that picks too few.
 */
export function coverageTest<F, R extends string>(label: string, app: () => TestApp, routes: RouteCase<F, R>[], belongs: (url: string) => boolean, options: { atLeast?: number } = {}): void {
  it(`covers every ${label} route`, () => {
    const covered = new Set(routes.map((route) => routeOf(route.name)));
    const ours = app().routes.filter((route) => route.method !== 'HEAD' && !route.url.startsWith('/mn/') && route.url !== '/mn' && belongs(route.url));
    assert.ok(ours.length >= (options.atLeast ?? 1), `found ${ours.length} ${label} routes`);
    for (const route of ours) {
      const name = `${route.method} ${route.url.replace(/^\/en(?=\/|$)/, '/:lang')}`;
      assert.ok(covered.has(name), `${name} is not in the matrix`);
    }
  });
}
