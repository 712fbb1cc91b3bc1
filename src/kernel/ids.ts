import { randomUUID } from 'node:crypto';
// Branded identifiers: a ServiceId cannot be passed where an AgencyId is expected, although both
// are strings on the wire.
export type Brand<T, Name extends string> = T & { readonly __brand: Name };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a canonical UUID (any version). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * A UUID version 7 (RFC 9562): time-ordered, so rows inserted in bulk land at the end of their
 * indexes instead of all over them. Built on randomUUID's pooled randomness (fast): the first 48
 * bits become the time in milliseconds and the version nibble becomes 7.
 */
export function uuidv7(now = Date.now()): string {
  const random = randomUUID();
  const time = now.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}
