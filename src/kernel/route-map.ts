// The route map: for every URL the app answers, the file that registers it and who may call it.
// Searching the code for a URL often finds nothing (`page()` adds /mn and /en, prefixes live in
// constants, the exchange's paths are built from member codes), so the map is generated from the
// running app itself: each route notes the first file of ours on the stack that registered it.
// `test/route-map.test.ts` keeps the committed copy (docs/routes.md) current.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { hoistGuards, type Role } from './auth.ts';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A route as the app registered it: for the authorization matrix tests, the fuzz test and the map. */
export interface RegisteredRoute {
  method: string;
  url: string;
  schema?: { body?: unknown; querystring?: unknown; params?: unknown };
  /** Present when the route declares guards; `roles` when every guard is a role check. */
  guard?: { roles?: readonly Role[]; who: string };
  /** The file under src/ whose code registered the route (`plugin <package>` for a plugin's own). */
  file?: string;
}

/**
 * Moves each route's guards before validation (`hoistGuards`) and records every route registered
 * from now on, with the file that registered it. Call before any route is registered.
 */
export function collectRoutes(server: FastifyInstance): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  server.addHook('onRoute', (route) => {
    const guards = hoistGuards(route);
    const guard = guards.length > 0 ? { who: guards.map((one) => one.who).join('; '), ...(guards.every((one) => one.roles) ? { roles: guards.flatMap((one) => one.roles ?? []) } : {}) } : undefined;
    const file = registeringFile();
    for (const method of [route.method].flat()) {
      routes.push({ method, url: route.url, ...(route.schema ? { schema: route.schema as NonNullable<RegisteredRoute['schema']> } : {}), ...(guard ? { guard } : {}), ...(file ? { file } : {}) });
    }
  });
  return routes;
}

// Frames that only relay a registration to Fastify: the map names the caller behind them.
const RELAYS = new Set(['kernel/route-map.ts', 'web/page.ts']);

/** The file under src/ that is registering a route now (call from an onRoute hook). */
export function registeringFile(): string | undefined {
  const previous = Error.prepareStackTrace;
  const previousLimit = Error.stackTraceLimit;
  let sites: NodeJS.CallSite[] = [];
  try {
    Error.stackTraceLimit = 60;
    Error.prepareStackTrace = (_error, callSites) => callSites;
    const holder: { stack?: NodeJS.CallSite[] } = {};
    Error.captureStackTrace(holder);
    sites = holder.stack ?? [];
  } finally {
    Error.prepareStackTrace = previous;
    Error.stackTraceLimit = previousLimit;
  }
  for (const site of sites) {
    const name = site.getFileName();
    if (!name) continue;
    const file = name.startsWith('file:') ? fileURLToPath(name) : name;
    if (!file.startsWith(SRC + path.sep) || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    const relative = path.relative(SRC, file).split(path.sep).join('/');
    if (RELAYS.has(relative)) continue;
    return `src/${relative}`;
  }
  // A plugin's own routes (the API documents, static assets) are registered by the plugin after
  // our call has returned, so no file of ours is on the stack: name the package instead.
  for (const site of sites) {
    const match = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(site.getFileName() ?? '');
    const packageName = match?.[1]?.replace('\\', '/');
    if (packageName && !FRAMEWORK.has(packageName)) return `plugin ${packageName}`;
  }
  return undefined;
}

// Packages that carry every registration; the plugin that asked is the one beyond them.
const FRAMEWORK = new Set(['fastify', 'avvio', 'find-my-way', 'fastify-plugin', 'tsx']);

/** A page is registered once per language; the map shows it once, as /{mn,en}/… */
function mapUrl(url: string): string {
  return url.replace(/^\/(mn|en)(?=\/|$)/, '/{lang}');
}

/** The module (or kernel, web) a file belongs to, for the map's headings. */
function areaOf(file: string | undefined): string {
  if (!file) return 'unknown';
  if (file.startsWith('plugin ')) return 'plugins';
  const parts = file.split('/');
  return parts[1] === 'modules' ? `modules/${parts[2]}` : parts[1]!.replace(/\.ts$/, '');
}

/** The route map as Markdown: a table per area, routes sorted by URL then method. */
export function routeMapMarkdown(entries: readonly RegisteredRoute[]): string {
  const seen = new Set<string>();
  const rows: { method: string; url: string; file?: string; who?: string; area: string }[] = [];
  for (const entry of entries) {
    if (entry.method === 'HEAD') continue;
    const url = mapUrl(entry.url);
    const key = `${entry.method} ${url}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push({ method: entry.method, url, ...(entry.file ? { file: entry.file } : {}), ...(entry.guard ? { who: entry.guard.who } : {}), area: areaOf(entry.file) });
  }
  const areas = [...new Set(rows.map((row) => row.area))].sort();
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const lines = [
    '# Route map',
    '',
    'Generated from the app itself by `test/route-map.test.ts`, which fails when this file is out of date;',
    'to write it again: `UPDATE_ROUTE_MAP=1 node --import tsx --test test/route-map.test.ts`.',
    '`{lang}` is `mn` or `en` (every page exists in both). "Who" is what the route\'s guard admits before',
    'anything is read; "—" means no guard: the route is public, or its handler checks a token, a',
    'signature or the record itself (the authorization matrices in `*.scopes.test.ts` test each).',
    '',
    `${rows.length} routes.`,
  ];
  for (const area of areas) {
    lines.push('', `## ${area}`, '', '| Method | URL | Who | File |', '|---|---|---|---|');
    const inArea = rows.filter((row) => row.area === area).sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method));
    for (const row of inArea) lines.push(`| ${row.method} | \`${cell(row.url)}\` | ${cell(row.who ?? '—')} | ${row.file ?? '?'} |`);
  }
  return `${lines.join('\n')}\n`;
}
