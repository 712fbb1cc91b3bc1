// The exchange client: how a member's system calls a service through the exchange, signing each
// request with its registered key (RFC 9421). Modules of the platform use it too, so they reach
// registries exactly as an outside system does.
import { randomUUID } from 'node:crypto';
import { signRequest } from '../../kernel/http-signature.ts';
import { SIGNED_WHEN_PRESENT } from './access.ts';

export interface ExchangeCallOptions {
  method?: string;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
  /** A consent the person gave (Urtuu-Consent). */
  consent?: string;
  /** A one-time code the person passed on (Urtuu-Consent-Code). */
  consentCode?: string;
  /** Why the data is needed (Urtuu-Purpose), required for personal data. */
  purpose?: string;
  /** The end user on whose behalf the call is made, e.g. an officer (X-Road-UserId). */
  userId?: string;
  /** A case or application number (X-Road-Issue). */
  issue?: string;
}

export interface ExchangeCallResult {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  json<T = unknown>(): T;
}

/** Sends one HTTP request: over the network (fetch) or inside the process (Fastify's inject). */
export type Transport = (request: { method: string; url: string; headers: Record<string, string>; body?: Buffer }) => Promise<{ status: number; headers: Record<string, string>; body: Buffer }>;

export function fetchTransport(baseUrl: string): Transport {
  return async (request) => {
    const response = await fetch(`${baseUrl.replace(/\/+$/, '')}${request.url}`, {
      method: request.method,
      headers: request.headers,
      ...(request.body ? { body: request.body } : {}),
    });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    return { status: response.status, headers, body: Buffer.from(await response.arrayBuffer()) };
  };
}

/** Sends requests into a Fastify server of this process without a network, as fetch would over one. */
export function injectTransport(server: { inject(options: Record<string, unknown>): Promise<{ statusCode: number; headers: Record<string, unknown>; rawPayload: Buffer }> }, remoteAddress = '127.0.0.1'): Transport {
  return async (request) => {
    const response = await server.inject({ method: request.method, url: request.url, headers: request.headers, remoteAddress, ...(request.body ? { payload: request.body } : {}) });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
    return { status: response.statusCode, headers, body: response.rawPayload };
  };
}

/** The path of a service on the exchange: /r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE. */
export function servicePath(serviceId: string): string {
  const parts = serviceId.split('/');
  if (parts.length !== 5) throw new Error(`not a service id: ${serviceId}`);
  return `/r1/${parts.map(encodeURIComponent).join('/')}`;
}

export class ExchangeClient {
  constructor(
    private readonly options: { client: string; keyId: string; privateKeyPem: string; transport: Transport },
  ) {}

  /** Calls `serviceId` (e.g. "MN/GOV/gasr/population/address") at `path` ("/УБ90051428"). */
  async call(serviceId: string, path: string, options: ExchangeCallOptions = {}): Promise<ExchangeCallResult> {
    const method = (options.method ?? 'GET').toUpperCase();
    const encodedPath = path.split('/').map((segment) => encodeURIComponent(decodeURIComponentSafe(segment))).join('/');
    const query = options.query ? `?${new URLSearchParams(options.query).toString()}` : '';
    const url = `${servicePath(serviceId)}${encodedPath}${query}`;
    const body = options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : Buffer.from(JSON.stringify(options.body));
    const headers: Record<string, string> = {
      accept: 'application/json',
      'x-road-client': this.options.client,
      'x-road-id': randomUUID(),
      ...(body && !Buffer.isBuffer(options.body) ? { 'content-type': 'application/json' } : {}),
      ...(options.consent ? { 'urtuu-consent': options.consent } : {}),
      ...(options.consentCode ? { 'urtuu-consent-code': options.consentCode } : {}),
      ...(options.purpose ? { 'urtuu-purpose': options.purpose } : {}),
      ...(options.userId ? { 'x-road-userid': options.userId } : {}),
      ...(options.issue ? { 'x-road-issue': options.issue } : {}),
      ...(options.headers ?? {}),
    };
    Object.assign(headers, signRequest({ method, url, headers, body }, { keyId: this.options.keyId, privateKeyPem: this.options.privateKeyPem, headers: ['x-road-client', 'x-road-id', ...SIGNED_WHEN_PRESENT.filter((name) => headers[name] !== undefined)] }));
    const response = await this.options.transport({ method, url, headers, ...(body ? { body } : {}) });
    return { ...response, json: <T>() => JSON.parse(response.body.toString('utf8')) as T };
  }
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
