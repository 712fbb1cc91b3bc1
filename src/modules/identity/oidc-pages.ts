// The pages oidc-provider itself shows (an error in a relying party's request, the sign-out
// confirmation), rendered with the portal's layout in the person's language.
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Lang } from '../../kernel/i18n.ts';

type Shell = (lang: Lang, template: string, data: Record<string, unknown>, titleKey: string, cspNonce: string) => string;
let shell: Shell | undefined;

/** Set once by the module: how to render a page outside Fastify. */
export function setOidcShell(render: Shell): void {
  shell = render;
}

/** The request's CSP nonce, handed over from Fastify where the provider is mounted. */
export function cspNonceOf(koa: { req: unknown }): string {
  return (koa.req as { cspNonce?: string }).cspNonce ?? '';
}

function langOf(koa: KoaContextWithOIDC): Lang {
  const asked = String(koa.oidc?.params?.ui_locales ?? koa.cookies.get('lang') ?? '');
  return asked.startsWith('en') ? 'en' : 'mn';
}

/** Errors the person can do nothing about beyond going back; the relying party's mistake is named. */
export async function errorPage(koa: KoaContextWithOIDC, out: { error: string; error_description?: string }, _error: Error): Promise<void> {
  const lang = langOf(koa);
  koa.type = 'html';
  koa.body = shell ? shell(lang, 'modules/identity/views/oidc-error.njk', { error: out.error, description: out.error_description ?? '' }, 'identity.oidcError.title', cspNonceOf(koa)) : `<p>${out.error}</p>`;
}

/** "Sign out of every service?" with oidc-provider's own form (it carries the anti-forgery token). */
export async function logoutPage(koa: KoaContextWithOIDC, form: string): Promise<void> {
  const lang = langOf(koa);
  const token = /name="xsrf" value="([^"]+)"/.exec(form)?.[1] ?? '';
  const action = /action="([^"]+)"/.exec(form)?.[1] ?? '';
  koa.type = 'html';
  koa.body = shell ? shell(lang, 'modules/identity/views/oidc-logout.njk', { action, token, client: koa.oidc.client?.clientName ?? '' }, 'identity.logout.title', cspNonceOf(koa)) : form;
}
