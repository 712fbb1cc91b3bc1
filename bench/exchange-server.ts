// The server process of bench/exchange.ts: the platform as `urtuu start` builds it, plus one
// benchmark-only route that answers the same registry read without the exchange (no signature,
// access check, consent or log), so both paths share one process, one pool and one database.
// Not part of the product: a direct route like this would bypass consent.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadConfig } from '../src/kernel/config.ts';
import { buildApp } from '../src/app.ts';
import { REGISTRY_SERVICES, registryServiceHandler } from '../src/modules/registries/services.ts';

const config = loadConfig(process.env);
const app = await buildApp(config);
const definition = REGISTRY_SERVICES.find((service) => service.serviceCode === 'address')!;
const handler = registryServiceHandler(app.registries, definition);
// Routes can only be added before the server is ready, so this one lives on its own instance
// that shares the app's registries (and so its pool), listening on PORT + 1.
const { default: Fastify } = await import('fastify');
const direct = Fastify({ logger: false });
direct.get('/direct/address/:registerNumber', async (request, reply) => {
  const { registerNumber } = request.params as { registerNumber: string };
  const answer = await handler({ method: 'GET', path: `/${registerNumber}`, query: new URLSearchParams(), headers: {}, body: undefined, client: 'bench/direct', service: undefined as never, requestId: request.id });
  return reply.status(answer.status).send(answer.body);
});
await app.server.listen({ port: config.port, host: '127.0.0.1' });
await direct.listen({ port: config.port + 1, host: '127.0.0.1' });
// BENCH_PROFILE=FILE writes a CPU profile of the server (open it in Chrome's DevTools).
const profiler = process.env.BENCH_PROFILE ? new Session() : undefined;
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}
console.log('ready');
const stop = async () => {
  if (profiler) writeFileSync(process.env.BENCH_PROFILE!, JSON.stringify((await profiler.post('Profiler.stop')).profile));
  await direct.close();
  await app.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
