// Where to send a person back to after signing in. A returnTo comes from a URL anyone can craft, and
// browsers read a Location header loosely (a tab or newline is dropped, a backslash is a slash), so
// string checks on the raw value miss vectors like "/\t/evil.example/". Instead the value is parsed
// the way a browser would, against the platform's own origin, and only a path built from the parsed
// URL is handed back: what the browser then follows is exactly what was checked.

/** Longer than any page's address; a longer value is not one of ours. */
const MAX_LENGTH = 500;

/**
 * A same-origin path (with its query and fragment) to redirect to, from an untrusted returnTo value
 * (a path or an absolute URL on `baseUrl`'s origin); undefined for anything else.
 */
export function safeReturnTo(value: unknown, baseUrl: string): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH) return undefined;
  const origin = new URL(baseUrl).origin;
  let parsed: URL;
  try {
    parsed = new URL(value, origin);
  } catch {
    return undefined;
  }
  if (parsed.origin !== origin || parsed.username || parsed.password) return undefined;
  // A path beginning with two slashes (from "/.//host", say) would be read as another host.
  if (!parsed.pathname.startsWith('/') || parsed.pathname.startsWith('//')) return undefined;
  return `${parsed.pathname}${parsed.search}${parsed.hash}`;
}
