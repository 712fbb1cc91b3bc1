// Branded identifiers: a ServiceId cannot be passed where an AgencyId is expected, although both
// are strings on the wire.
export type Brand<T, Name extends string> = T & { readonly __brand: Name };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a canonical UUID (any version). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
