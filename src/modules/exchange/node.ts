// Exchange nodes. The central node signs the certificates of the exchange (its own CA) and answers
// other nodes on a separate port over mutual TLS: a node proves itself with a certificate the
// exchange CA issued and that is registered for it, and speaks only for the subsystems it serves.
// A satellite node (EXCHANGE_CENTRAL_URL set) authenticates its own members' systems locally and
// forwards their requests for services it does not hold to the central node, over that channel.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { AppContext } from '../../kernel/context.ts';
import { EKU, createCertificateAuthority, issueCertificate, type Issued } from '../../kernel/pki.ts';
import { seal, unseal } from '../../kernel/secrets.ts';
import { exchangeRequest, send } from './routes.ts';
import type { Exchange, ExchangeRequest, ExchangeResponse } from './service.ts';
import type { ServiceId } from './identifiers.ts';
import * as store from './store.ts';

const CA_KEY = 'exchange-ca';

/** The exchange CA: made on first use, kept sealed in the database. */
export async function exchangeCa(ctx: AppContext): Promise<Issued> {
  let row = await store.findKey(ctx.db, CA_KEY);
  if (!row) {
    const ca = await createCertificateAuthority({ subject: 'CN=Urtuu Exchange CA, O=Urtuu, C=MN', days: 3650, pathLength: 0 });
    await store.insertKeyIfAbsent(ctx.db, { id: CA_KEY, privateKey: seal(ctx.config.sessionSecret, ca.privateKeyPem), publicKeyPem: ca.publicKeyPem, certificatePem: ca.certificatePem });
    row = await store.findKey(ctx.db, CA_KEY);
  }
  return { privateKeyPem: unseal(ctx.config.sessionSecret, row!.private_key), publicKeyPem: row!.public_key_pem, certificatePem: row!.certificate_pem! };
}

/**
 * Issues a node certificate (for TLS both ways) and registers the node, so the central node
 * recognises it by the certificate's fingerprint.
 */
export async function issueNodeCertificate(ctx: AppContext, exchange: Exchange, node: { id: string; address: string; dnsNames?: string[]; ipAddresses?: string[] }): Promise<Issued & { caPem: string }> {
  const ca = await exchangeCa(ctx);
  const issued = await issueCertificate(ca, {
    subject: `CN=${node.id}, OU=Exchange node, O=Urtuu, C=MN`,
    days: 365,
    extendedKeyUsage: [EKU.serverAuth, EKU.clientAuth],
    dnsNames: node.dnsNames ?? ['localhost'],
    ipAddresses: node.ipAddresses ?? ['127.0.0.1'],
  });
  await exchange.admin.upsertNode({ id: node.id, address: node.address, certificateFingerprint: new X509Certificate(issued.certificatePem).fingerprint256 });
  return { ...issued, caPem: ca.certificatePem };
}

/**
 * Starts the node-to-node interface of the central node: HTTPS that requires a client certificate
 * from the exchange CA belonging to a registered node. Only /r1 is served there.
 */
export async function startNodeListener(ctx: AppContext, exchange: Exchange, options: { port: number; host: string }): Promise<FastifyInstance> {
  const own = await issueNodeCertificate(ctx, exchange, { id: `${process.env.EXCHANGE_NODE_ID || 'central'}`, address: `https://${options.host}:${options.port}` });
  const server = Fastify({
    logger: false,
    https: { key: own.privateKeyPem, cert: own.certificatePem, ca: own.caPem, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2' },
  });
  server.decorateRequest('lang', 'en');
  server.removeAllContentTypeParsers();
  server.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 10 * 1024 * 1024 }, (_request, body, done) => done(null, body));
  server.route({
    method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    url: '/r1/*',
    handler: async (request, reply) => {
      const socket = request.raw.socket as TLSSocket;
      const certificate = socket.getPeerCertificate(false);
      const fingerprint = certificate?.raw ? new X509Certificate(certificate.raw).fingerprint256 : undefined;
      const dir = await exchange.directory();
      const node = dir.nodes.find((row) => row.certificate_fingerprint === fingerprint);
      if (!node) return reply.status(401).send({ type: 'Server.ServerProxy.SslAuthenticationFailed', message: 'The node certificate is not registered.', detail: request.id });
      (request as FastifyRequest & { exchangeNode?: string }).exchangeNode = node.id;
      request.lang = String(request.headers['accept-language'] ?? '').startsWith('mn') ? 'mn' : 'en';
      const match = /^\/r1\/([^/]+)\/([^/]+)\/([^/]+)\/([^/]+)\/([^/?]+)(\/[^?]*)?/.exec(request.url);
      if (!match) return reply.status(400).send({ type: 'Client.BadRequest', message: 'bad service address', detail: request.id });
      const parts = match.slice(1, 6).map((part) => decodeURIComponent(part));
      const service: ServiceId = { instance: parts[0]!, memberClass: parts[1]!, memberCode: parts[2]!, subsystemCode: parts[3]!, serviceCode: parts[4]! };
      return send(reply, await exchange.handle(service, exchangeRequest(request, match[6] ?? '')));
    },
  });
  await server.listen({ port: options.port, host: options.host });
  return server;
}

export interface CentralLink {
  url: string;
  cert: string;
  key: string;
  ca: string;
}

/** Reads the satellite's link to the central node from EXCHANGE_CENTRAL_URL and the PEM files named beside it. */
export function centralLinkFromEnvironment(env: NodeJS.ProcessEnv = process.env): CentralLink | undefined {
  if (!env.EXCHANGE_CENTRAL_URL) return undefined;
  const read = (name: string) => {
    const file = env[name];
    if (!file) throw new Error(`${name} must name a PEM file when EXCHANGE_CENTRAL_URL is set`);
    return readFileSync(file, 'utf8');
  };
  return { url: env.EXCHANGE_CENTRAL_URL.replace(/\/+$/, ''), cert: read('EXCHANGE_NODE_CERT'), key: read('EXCHANGE_NODE_KEY'), ca: read('EXCHANGE_CA') };
}

const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length', 'upgrade']);

/** Forwards a request to the central node over mutual TLS and returns its answer unchanged. */
export function forwardToCentral(link: CentralLink, agent: https.Agent): (service: ServiceId, request: ExchangeRequest, client: string) => Promise<ExchangeResponse> {
  return (service, request, client) =>
    new Promise((resolve, reject) => {
      const path = `/r1/${[service.instance, service.memberClass, service.memberCode, service.subsystemCode, service.serviceCode].map(encodeURIComponent).join('/')}${request.subPath}${request.query ? `?${request.query}` : ''}`;
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (value === undefined || HOP.has(name) || name === 'signature' || name === 'signature-input') continue;
        headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      headers['x-road-client'] = client;
      if (request.body) headers['content-length'] = String(request.body.length);
      const outgoing = https.request(`${link.url}${path}`, { method: request.method, headers, agent, timeout: 15_000 }, (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () => {
          const responseHeaders: Record<string, string> = {};
          for (const [name, value] of Object.entries(incoming.headers)) if (value !== undefined && !HOP.has(name)) responseHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
          resolve({ status: incoming.statusCode ?? 502, headers: responseHeaders, body: Buffer.concat(chunks) });
        });
        incoming.on('error', reject);
      });
      outgoing.on('timeout', () => outgoing.destroy(new Error('timeout')));
      outgoing.on('error', reject);
      outgoing.end(request.body);
    });
}

export function centralAgent(link: CentralLink): https.Agent {
  return new https.Agent({ cert: link.cert, key: link.key, ca: link.ca, keepAlive: true, maxSockets: 32, minVersion: 'TLSv1.2' });
}
