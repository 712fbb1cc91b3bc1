// Text PostgreSQL can keep. Two things a caller can send refuse to be stored: the NUL character
// (U+0000), which no text or jsonb value may hold, and half of a UTF-16 surrogate pair, which
// JSON.stringify writes as "\ud800" and jsonb refuses. Either one, inside a parameter of a batched
// statement, would fail every caller's row in the batch; so requests carrying them are refused at
// the edge (kernel/http.ts), the database seam refuses them before a statement is sent (kernel/db.ts),
// and text kept for the record (the exchange's message log) escapes them instead.

const UNSTORABLE_ALL = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Deepest nesting of objects and arrays a request may carry; far beyond any form or schema we take. */
export const MAX_NESTING = 64;

/** True when PostgreSQL can store this text as it is. Native checks: this runs on every value of every statement. */
export function isStorable(text: string): boolean {
  return !text.includes('\u0000') && text.isWellFormed();
}

/** The text with each unstorable character written as its \uXXXX escape, for records that must keep what was sent. */
export function storable(text: string): string {
  return isStorable(text) ? text : text.replace(UNSTORABLE_ALL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export type UnstorableFinding = { kind: 'text'; path: string } | { kind: 'nesting'; path: string };

/**
 * Walks a parsed value (query, params, a JSON or form body) without recursion and names the first
 * string (or key) that cannot be stored, or the first place nested deeper than `maxDepth`.
 * Buffers and other binary values are not text and are left alone.
 */
export function findUnstorable(value: unknown, maxDepth = MAX_NESTING, root = ''): UnstorableFinding | undefined {
  // Most values are one piece of text or a number: no walk needed.
  if (typeof value === 'string') return isStorable(value) ? undefined : { kind: 'text', path: root || 'request' };
  if (value === null || typeof value !== 'object') return undefined;
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: root, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, path, depth } = stack.pop()!;
    if (typeof current === 'string') {
      if (!isStorable(current)) return { kind: 'text', path: path || 'request' };
      continue;
    }
    if (current === null || typeof current !== 'object' || Buffer.isBuffer(current) || ArrayBuffer.isView(current) || current instanceof Date) continue;
    if (depth >= maxDepth) return { kind: 'nesting', path: path || 'request' };
    if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index -= 1) stack.push({ value: current[index], path: `${path}[${index}]`, depth: depth + 1 });
      continue;
    }
    for (const key of Object.keys(current)) {
      const child = path ? `${path}.${key}` : key;
      if (!isStorable(key)) return { kind: 'text', path: path || 'request' };
      stack.push({ value: (current as Record<string, unknown>)[key], path: child, depth: depth + 1 });
    }
  }
  return undefined;
}

/** The first number in a parsed value that is not finite (1e999 read as Infinity), by its path. */
export function findNonFinite(value: unknown, root = ''): string | undefined {
  const stack: { value: unknown; path: string }[] = [{ value, path: root }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === 'number') {
      if (!Number.isFinite(current)) return path || 'request';
      continue;
    }
    if (current === null || typeof current !== 'object' || Buffer.isBuffer(current) || ArrayBuffer.isView(current) || current instanceof Date) continue;
    if (Array.isArray(current)) current.forEach((item, index) => stack.push({ value: item, path: `${path}[${index}]` }));
    else for (const [key, item] of Object.entries(current)) stack.push({ value: item, path: path ? `${path}.${key}` : key });
  }
  return undefined;
}
