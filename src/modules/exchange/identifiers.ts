// X-Road identifiers: INSTANCE/CLASS/MEMBER[/SUBSYSTEM] for clients and
// INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE for services, each part percent-encoded on the wire.
// Parts use X-Road's strict identifier characters (PR-REST 4.8: A-Z a-z 0-9 ' ( ) + , - . = ?);
// codes that members register keep to the same set (GovStack's own suites use codes such as
// "eregistrations-dev"), never only dots, which would read as a path's dot segment.

export interface ClientId {
  instance: string;
  memberClass: string;
  memberCode: string;
  subsystemCode?: string;
}

export interface ServiceId {
  instance: string;
  memberClass: string;
  memberCode: string;
  subsystemCode: string;
  serviceCode: string;
}

// GovStack's `_` and `:` too, which it allows in instance and class.
const PART = /^[A-Za-z0-9'()+,\-.=?_:]{1,64}$/;

function decodePart(part: string): string | undefined {
  try {
    const decoded = decodeURIComponent(part);
    return PART.test(decoded) ? decoded : undefined;
  } catch {
    return undefined;
  }
}

/** Parses "MN/GOV/9000001/portal" (or the member "MN/GOV/9000001"); undefined when malformed. */
export function parseClientId(text: string | undefined): ClientId | undefined {
  if (!text || text.length > 300) return undefined;
  const parts = text.trim().split('/').map(decodePart);
  if (parts.length < 3 || parts.length > 4 || parts.some((part) => part === undefined)) return undefined;
  const [instance, memberClass, memberCode, subsystemCode] = parts as string[];
  return { instance: instance!, memberClass: memberClass!, memberCode: memberCode!, ...(subsystemCode ? { subsystemCode } : {}) };
}

export function formatClientId(id: ClientId): string {
  return [id.instance, id.memberClass, id.memberCode, ...(id.subsystemCode ? [id.subsystemCode] : [])].join('/');
}

export function memberOf(id: ClientId | ServiceId): string {
  return `${id.instance}/${id.memberClass}/${id.memberCode}`;
}

export function subsystemOf(id: ServiceId): string {
  return `${memberOf(id)}/${id.subsystemCode}`;
}

export function formatServiceId(id: ServiceId): string {
  return `${subsystemOf(id)}/${id.serviceCode}`;
}

/** Parses the five service parts of an /r1 path (already split); undefined when malformed. */
export function parseServiceParts(parts: string[]): ServiceId | undefined {
  if (parts.length !== 5) return undefined;
  const decoded = parts.map(decodePart);
  if (decoded.some((part) => part === undefined)) return undefined;
  const [instance, memberClass, memberCode, subsystemCode, serviceCode] = decoded as string[];
  return { instance: instance!, memberClass: memberClass!, memberCode: memberCode!, subsystemCode: subsystemCode!, serviceCode: serviceCode! };
}

/** Codes that members register (member, subsystem, service): X-Road's identifier characters, not only dots. */
export const CODE = /^(?!\.+$)[A-Za-z0-9'()+,\-.=?]{1,64}$/;
/** Instance and class: X-Road's identifier characters, and GovStack's `_` and `:` besides. */
export const INSTANCE_OR_CLASS = /^(?!\.+$)[A-Za-z0-9'()+,\-.=?_:]{1,64}$/;
