// The exchange across processes, as members meet it in production:
// - an outside member's system, a separate process, calls a registry over HTTP and is refused
//   without an access right or without the person's consent;
// - a second Urtuu node (a separate `urtuu start` process, its own database) serves a member's
//   system locally and reaches the registries at the central node over mutual TLS; the central
//   node refuses a node certificate it did not register.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { encodeSession, SESSION_COOKIE } from '../src/kernel/auth.ts';
import { createCertificateAuthority, EKU, generateKeyPair, issueCertificate } from '../src/kernel/pki.ts';
import { exchangeCa, issueNodeCertificate, startNodeListener } from '../src/modules/exchange/index.ts';
import { ADDRESS_SERVICE, outsideMember, seedPeople } from '../src/modules/exchange/test-fixtures.ts';
import { DEMO_CITIZEN } from '../src/modules/registries/index.ts';
import { freshDatabase } from './fresh-database.ts';
import { testApp, type TestApp } from './helpers.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CITIZEN = DEMO_CITIZEN.registerNumber;
const PURPOSE = 'Loan application';

interface CallResult {
  status: number;
  type?: string;
  body: unknown;
}

/**
 * Runs the outside member's process with these calls. Asynchronously: this process serves the
 * exchange the child calls, so it must not block while the child runs.
 */
function runOutsideMember(calls: object[]): Promise<CallResult[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'test', 'fixtures', 'outside-member.ts'), JSON.stringify(calls)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`the outside member exited with ${code}: ${err}`));
      resolve(out.trim().split('\n').map((line) => JSON.parse(line) as CallResult));
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('the exchange across processes', () => {
  let app: TestApp;
  let central: string;
  let dir: string;

  before(async () => {
    app = await testApp({ seed: false });
    await seedPeople(app, 10);
    const port = await freePort();
    await app.server.listen({ port, host: '127.0.0.1' });
    central = `http://127.0.0.1:${port}`;
    dir = mkdtempSync(path.join(tmpdir(), 'urtuu-processes-'));
  });
  after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an outside member’s system without a right or without consent, and serves it with both', async () => {
    const withRight = await outsideMember(app, { memberCode: 'khanbank', name: 'Khan Bank', rights: [{ service: ADDRESS_SERVICE, method: 'GET', path: '/*' }] });
    const withoutRight = await outsideMember(app, { memberCode: 'golomt', name: 'Golomt Bank' });
    const consent = await app.exchange.grantConsent({ subject: CITIZEN, clientId: withRight.client, services: [ADDRESS_SERVICE], purpose: PURPOSE, method: 'portal', days: 1 });
    const keyFile = (member: typeof withRight) => {
      const file = path.join(dir, `${member.client.replace(/\//g, '_')}.pem`);
      writeFileSync(file, member.privateKeyPem, { mode: 0o600 });
      return file;
    };
    const base = { baseUrl: central, service: ADDRESS_SERVICE, path: `/${CITIZEN}`, purpose: PURPOSE };
    const calls = [
      { ...base, client: withoutRight.client, keyId: withoutRight.keyId, keyFile: keyFile(withoutRight), consent: consent.id },
      { ...base, client: withRight.client, keyId: withRight.keyId, keyFile: keyFile(withRight) },
      { ...base, client: withRight.client, keyId: withRight.keyId, keyFile: keyFile(withoutRight), consent: consent.id },
      { ...base, client: withRight.client, keyId: withRight.keyId, keyFile: keyFile(withRight), consent: consent.id },
    ];
    const results = await runOutsideMember(calls);
    assert.deepEqual(results.map((result) => [result.status, result.type ?? null]), [
      [403, 'Server.ServerProxy.AccessDenied'],
      [403, 'Server.ServerProxy.ConsentRequired'],
      [401, 'Server.ClientProxy.AuthenticationFailed'],
      [200, null],
    ]);
    assert.equal((results[3]!.body as { registerNumber: string }).registerNumber, CITIZEN);
  });

  describe('a second node', () => {
    let node: ChildProcess | undefined;
    let nodeUrl: string;
    let listener: Awaited<ReturnType<typeof startNodeListener>>;
    let listenerUrl: string;
    let nodeLog = '';
    let dropDatabase: (() => Promise<void>) | undefined;
    const secret = 'a-session-secret-for-the-second-node-0123456789';
    const bankKey = generateKeyPair();

    before(async () => {
      listener = await startNodeListener(app.ctx, app.exchange, { port: 0, host: '127.0.0.1' });
      listenerUrl = `https://127.0.0.1:${(listener.server.address() as AddressInfo).port}`;
      const issued = await issueNodeCertificate(app.ctx, app.exchange, { id: 'node-b', address: 'https://127.0.0.1' });
      writeFileSync(path.join(dir, 'node-b.crt'), issued.certificatePem);
      writeFileSync(path.join(dir, 'node-b.key'), issued.privateKeyPem, { mode: 0o600 });
      writeFileSync(path.join(dir, 'ca.crt'), issued.caPem);
      // At the central node the bank's system is served by node B: B vouches for it.
      const member = await app.exchange.admin.upsertMember({ memberClass: 'COM', memberCode: 'xacbank', name: { mn: 'Хас банк', en: 'XacBank' } });
      const subsystem = await app.exchange.admin.upsertSubsystem({ memberId: member, subsystemCode: 'loans', name: { mn: 'Зээл', en: 'Loans' }, nodeId: 'node-b' });
      await app.exchange.admin.grant({ serviceId: ADDRESS_SERVICE, clientId: subsystem, method: 'GET', path: '/*' });

      const port = await freePort();
      nodeUrl = `http://127.0.0.1:${port}`;
      const database = process.env.DATABASE_URL ? await freshDatabase(process.env.DATABASE_URL, 'urtuu_node_b') : undefined;
      dropDatabase = database?.drop;
      node = spawn(process.execPath, [path.join(root, 'bin', 'urtuu.js'), 'start', '--port', String(port)], {
        cwd: root,
        env: {
          ...process.env,
          NODE_ENV: 'test',
          HOST: '127.0.0.1',
          BASE_URL: nodeUrl,
          DATA_DIR: path.join(dir, 'node-b-data'),
          DATABASE_URL: database?.url ?? '',
          SESSION_SECRET: secret,
          LOG_LEVEL: 'warn',
          EXCHANGE_NODE_ID: 'node-b',
          EXCHANGE_CENTRAL_URL: listenerUrl,
          EXCHANGE_NODE_CERT: path.join(dir, 'node-b.crt'),
          EXCHANGE_NODE_KEY: path.join(dir, 'node-b.key'),
          EXCHANGE_CA: path.join(dir, 'ca.crt'),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      node.stdout!.on('data', (chunk: Buffer) => (nodeLog += chunk.toString()));
      node.stderr!.on('data', (chunk: Buffer) => (nodeLog += chunk.toString()));
      const deadline = Date.now() + 90_000;
      while (!nodeLog.includes('Urtuu is running')) {
        if (node.exitCode !== null || Date.now() > deadline) throw new Error(`node B did not start:\n${nodeLog}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      // Node B's administrator registers the bank's system and its key on node B.
      const cookies = { [SESSION_COOKIE]: encodeSession(secret, { id: 'b-admin', name: 'B admin', kind: 'official', roles: ['platform-admin'], agencyId: null }) };
      const post = async (url: string, body: unknown) => {
        const response = await fetch(`${nodeUrl}${url}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: Object.entries(cookies).map(([k, v]) => `${k}=${v}`).join('; ') }, body: JSON.stringify(body) });
        assert.equal(response.status, 201, `${url}: ${await response.text()}`);
      };
      await post('/api/v1/exchange/members', { memberClass: 'COM', memberCode: 'xacbank', name: { mn: 'Хас банк', en: 'XacBank' } });
      await post('/api/v1/exchange/subsystems', { memberId: 'MN/COM/xacbank', subsystemCode: 'loans', name: { mn: 'Зээл', en: 'Loans' } });
      await post('/api/v1/exchange/keys', { subsystemId: 'MN/COM/xacbank/loans', keyId: 'xacbank-1', publicKeyPem: bankKey.publicKeyPem });
      writeFileSync(path.join(dir, 'xacbank.pem'), bankKey.privateKeyPem, { mode: 0o600 });
    });

    after(async () => {
      if (node && node.exitCode === null) {
        const exited = new Promise((resolve) => node!.once('exit', resolve));
        node.kill('SIGTERM');
        await exited;
      }
      await listener?.close();
      await dropDatabase?.();
    });

    const callThroughB = async (consent?: string) => {
      const [result] = await runOutsideMember([{ baseUrl: nodeUrl, client: 'MN/COM/xacbank/loans', keyId: 'xacbank-1', keyFile: path.join(dir, 'xacbank.pem'), service: ADDRESS_SERVICE, path: `/${CITIZEN}`, purpose: PURPOSE, ...(consent ? { consent } : {}) }]);
      return result!;
    };

    it('forwards a member’s request to the central node, which checks consent there', async () => {
      const refused = await callThroughB();
      assert.equal(refused.status, 403, JSON.stringify(refused));
      assert.equal(refused.type, 'Server.ServerProxy.ConsentRequired');
      const consent = await app.exchange.grantConsent({ subject: CITIZEN, clientId: 'MN/COM/xacbank/loans', services: [ADDRESS_SERVICE], purpose: PURPOSE, method: 'portal', days: 1 });
      const served = await callThroughB(consent.id);
      assert.equal(served.status, 200, JSON.stringify(served));
      assert.equal((served.body as { registerNumber: string }).registerNumber, CITIZEN);
      // The central node logged it as the bank's read, through node B.
      await app.exchange.flush();
      const { rows } = await app.ctx.db.query<{ client: string; node: string; status: number }>(`SELECT client, node, status FROM exchange.message_log WHERE client = 'MN/COM/xacbank/loans' ORDER BY seq`);
      assert.deepEqual(rows.map((row) => row.status), [403, 200]);
      const access = await app.exchange.accessLog(CITIZEN);
      assert.ok(access.some((row) => row.client === 'MN/COM/xacbank/loans' && row.status === 200));
    });

    it('refuses a client that node B does not serve, even over B’s own channel', async () => {
      const member = await app.exchange.admin.upsertMember({ memberClass: 'COM', memberCode: 'elsewhere', name: { mn: 'Өөр', en: 'Elsewhere' } });
      await app.exchange.admin.upsertSubsystem({ memberId: member, subsystemCode: 'system', name: { mn: 'Систем', en: 'System' } });
      const forged = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = https.request(`${listenerUrl}/r1/MN/GOV/gasr/population/address/${encodeURIComponent(CITIZEN)}`, {
          method: 'GET',
          headers: { 'x-road-client': 'MN/COM/elsewhere/system', 'urtuu-purpose': PURPOSE },
          cert: readFileSync(path.join(dir, 'node-b.crt')),
          key: readFileSync(path.join(dir, 'node-b.key')),
          ca: readFileSync(path.join(dir, 'ca.crt')),
        }, (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        });
        request.on('error', reject);
        request.end();
      });
      assert.equal(forged.status, 401, forged.body);
      assert.equal(JSON.parse(forged.body).type, 'Server.ClientProxy.AuthenticationFailed');
    });

    it('refuses a node certificate it did not register, and one from another CA', async () => {
      const ca = await exchangeCa(app.ctx);
      const unregistered = await issueCertificate(ca, { subject: 'CN=rogue, O=Urtuu, C=MN', days: 1, extendedKeyUsage: [EKU.clientAuth] });
      const outcome = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = https.request(`${listenerUrl}/r1/MN/GOV/gasr/population/address/x`, { cert: unregistered.certificatePem, key: unregistered.privateKeyPem, ca: ca.certificatePem, headers: { 'x-road-client': 'MN/COM/xacbank/loans' } }, (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        });
        request.on('error', reject);
        request.end();
      });
      assert.equal(outcome.status, 401);
      assert.equal(JSON.parse(outcome.body).type, 'Server.ServerProxy.SslAuthenticationFailed');
      const strangerCa = await createCertificateAuthority({ subject: 'CN=Stranger CA', days: 1 });
      const stranger = await issueCertificate(strangerCa, { subject: 'CN=stranger', days: 1, extendedKeyUsage: [EKU.clientAuth] });
      await assert.rejects(new Promise((resolve, reject) => {
        const request = https.request(`${listenerUrl}/r1/MN/GOV/gasr/population/address/x`, { cert: stranger.certificatePem, key: stranger.privateKeyPem, ca: ca.certificatePem }, resolve);
        request.on('error', reject);
        request.end();
      }));
    });
  });
});
