// GovStack's Information Mediator directory API over the exchange's directory: listClients,
// listMethods, allowedMethods and getOpenAPI, under /govstack/information-mediator/. The paths
// GovStack's test suite uses (/{instance}/{class}/{member}/{application}/...) answer in the
// suite's shape; the specification's /r1/... paths answer in the specification's shape. The
// directory is public (the exchange catalogue page shows it too); only allowedMethods depends on
// who asks, and it answers an unauthenticated caller with an empty list.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CODE, INSTANCE_OR_CLASS } from './identifiers.ts';
import { exchangeRequest } from './routes.ts';
import type { Exchange } from './service.ts';
import type * as store from './store.ts';

const PREFIX = '/govstack/information-mediator';

type Shape = 'suite' | 'spec';

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value;
}

function clientItems(dir: store.Directory, shape: Shape): unknown[] {
  const items: unknown[] = [];
  for (const member of dir.members.filter((m) => m.status === 'active')) {
    if (shape === 'suite') items.push({ objectType: { object_type: 'MEMBER' }, GovStackInstance: member.instance, memberClass: member.member_class, memberCode: member.member_code });
    else items.push({ name: member.name_en, id: { objectType: 'MEMBER', instanceId: member.instance, memberClass: member.member_class, memberCode: member.member_code } });
    for (const subsystem of dir.subsystems.filter((s) => s.member_id === member.id && s.status === 'active')) {
      if (shape === 'suite') items.push({ objectType: { object_type: 'SUBSYSTEM' }, GovStackInstance: member.instance, memberClass: member.member_class, memberCode: member.member_code, applicationCode: subsystem.subsystem_code });
      else items.push({ name: subsystem.name_en, id: { objectType: 'APPLICATION', instanceId: member.instance, memberClass: member.member_class, memberCode: member.member_code, applicationCode: subsystem.subsystem_code } });
    }
  }
  return items;
}

function endpointsOf(service: store.ServiceRow): { method: string; path: string }[] {
  const paths = (service.openapi?.paths ?? {}) as Record<string, Record<string, unknown>>;
  const list: { method: string; path: string }[] = [];
  for (const [path, operations] of Object.entries(paths)) {
    for (const method of Object.keys(operations)) if (['get', 'put', 'post', 'delete', 'patch', 'head'].includes(method)) list.push({ method: method.toUpperCase(), path });
  }
  return list.length > 0 ? list : [{ method: '*', path: '/**' }];
}

function serviceItem(subsystemId: string, service: store.ServiceRow, endpoints: { method: string; path: string }[], shape: Shape): unknown {
  const [instance, memberClass, memberCode, applicationCode] = subsystemId.split('/');
  const common = { serviceType: service.openapi ? 'OPENAPI' : 'REST', memberClass, memberCode, applicationCode, serviceCode: service.service_code, serviceVersion: String((service.openapi?.info as { version?: string } | undefined)?.version ?? '1'), endpointList: { member: endpoints } };
  return shape === 'suite' ? { objectType: { object_type: 'SERVICE' }, GovStackInstance: instance, ...common } : { objectType: 'SERVICE', instanceId: instance, ...common };
}

/** Registers the Information Mediator paths. */
export function registerInformationMediator(app: FastifyInstance, exchange: Exchange): void {
  const json = (reply: FastifyReply, status: number, body: unknown) => reply.status(status).type('application/json; charset=utf-8').send(JSON.stringify(body));

  const listClients = async (shape: Shape, _request: FastifyRequest, reply: FastifyReply) => json(reply, 200, { member: clientItems(await exchange.directory(), shape) });
  app.get(`${PREFIX}/listClients`, { schema: { hide: true }, config: { csrf: false } }, (request, reply) => listClients('suite', request, reply));

  for (const [base, shape] of [[PREFIX, 'suite'], [`${PREFIX}/r1`, 'spec']] as const) {
    app.get(`${base}/:instance/:memberClass/:memberCode/:applicationCode/:operation`, { schema: { hide: true }, config: { csrf: false } }, async (request, reply) => {
      const params = request.params as Record<string, string>;
      const operation = params.operation;
      const [instance, memberClass, memberCode, applicationCode] = [params.instance, params.memberClass, params.memberCode, params.applicationCode].map((value) => unquote(value ?? ''));
      const subsystemId = `${instance}/${memberClass}/${memberCode}/${applicationCode}`;
      const dir = await exchange.directory();
      const services = dir.services.filter((service) => service.subsystem_id === subsystemId && service.status === 'enabled');

      if (operation === 'listMethods') return json(reply, 200, { member: services.map((service) => serviceItem(subsystemId, service, endpointsOf(service), shape)) });

      if (operation === 'allowedMethods') {
        const header = request.headers['information-mediator-client'] ?? request.headers['x-govstack-client'] ?? request.headers['x-road-client'];
        const authenticated = await exchange.authenticateOnly(exchangeRequest(request, ''), Array.isArray(header) ? header[0] : header);
        if (!('client' in authenticated)) return json(reply, 200, { member: [] });
        const client = authenticated.client;
        const member = client.split('/').slice(0, 3).join('/');
        return json(reply, 200, {
          member: services.flatMap((service) => {
            const rights = dir.rights.filter((right) => right.service_id === service.id && (right.client_id === client || right.client_id === member));
            return rights.length > 0 ? [serviceItem(subsystemId, service, rights.map((right) => ({ method: right.method, path: right.path })), shape)] : [];
          }),
        });
      }

      if (operation === 'getOpenAPI') {
        // Errors answer as JSON strings: GovStack's clients read getOpenAPI bodies as text.
        const serviceCode = (request.query as Record<string, unknown>).serviceCode;
        const valid = INSTANCE_OR_CLASS.test(instance!) && INSTANCE_OR_CLASS.test(memberClass!) && CODE.test(memberCode!) && CODE.test(applicationCode!) && typeof serviceCode === 'string' && CODE.test(serviceCode);
        if (!valid) return json(reply, 400, 'Error in request: the identifiers or serviceCode are not valid');
        const service = services.find((row) => row.service_code === serviceCode);
        if (!service?.openapi) return json(reply, 404, 'Service or OpenAPI description not found');
        return json(reply, 200, JSON.stringify(service.openapi));
      }
      return json(reply, 404, 'Unknown operation');
    });
  }
}
