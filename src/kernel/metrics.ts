// Prometheus metrics at /metrics: request counts and durations by route template (never by raw URL,
// which would let anyone create unbounded series), plus Node's process metrics.
import client from 'prom-client';

export interface Metrics {
  registry: client.Registry;
  httpDuration: client.Histogram<'method' | 'route' | 'status'>;
  /** A counter owned by a module, registered once per name. */
  counter(name: string, help: string, labelNames?: string[]): client.Counter<string>;
}

export function createMetrics(): Metrics {
  const registry = new client.Registry();
  registry.setDefaultLabels({ app: 'urtuu' });
  client.collectDefaultMetrics({ register: registry });
  const httpDuration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests by route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const counters = new Map<string, client.Counter<string>>();
  return {
    registry,
    httpDuration,
    counter(name, help, labelNames = []) {
      let counter = counters.get(name);
      if (!counter) {
        counter = new client.Counter({ name, help, labelNames, registers: [registry] });
        counters.set(name, counter);
      }
      return counter;
    },
  };
}
