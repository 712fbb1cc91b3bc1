// The device of a sign-in as a person recognises it, "Chrome on Android", from the browser's
// User-Agent string. Parsing User-Agent strings is a solved problem that changes with every browser
// release, so it is left to bowser (MIT, widely used) rather than patterns of our own.
import Bowser from 'bowser';
import type { Translate } from '../../kernel/i18n.ts';

/** What a User-Agent string says: the browser and the operating system, each when known. */
export function deviceOf(userAgent: string | null | undefined): { browser?: string; os?: string } {
  if (!userAgent) return {};
  const parsed = Bowser.parse(userAgent);
  const browser = parsed.browser.name?.replace(/^Chrome Headless$/, 'Chrome');
  const os = parsed.os.name;
  return { ...(browser ? { browser } : {}), ...(os ? { os } : {}) };
}

/** A sign-in's device in words, in the page's language; never the raw User-Agent string. */
export function deviceName(userAgent: string | null | undefined, t: Translate): string {
  const { browser, os } = deviceOf(userAgent);
  if (browser && os) return t('identity.sessions.device', { browser, os });
  return browser ?? os ?? t('identity.sessions.unknownDevice');
}
