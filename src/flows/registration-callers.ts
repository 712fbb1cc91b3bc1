// Flow: GovStack Registration calls made by a member's system. Serves rule 6 (every call is
// authenticated as the exchange authenticates any call). Joins exchange and applications.
import { exchangeRequest, type Exchange } from '../modules/exchange/index.ts';
import type { ApplicationsOptions } from '../modules/applications/index.ts';

/** Authenticates the caller of a Registration call on the exchange, or says why it was refused. */
export function registrationCallers(exchange: Pick<Exchange, 'authenticateOnly'>): NonNullable<ApplicationsOptions['authenticateExchangeCaller']> {
  return async (request, body, clientHeader) => {
    const authenticated = await exchange.authenticateOnly({ ...exchangeRequest(request, ''), body, clientHeaderName: 'Information-Mediator-Client' }, clientHeader);
    if ('client' in authenticated) return { client: authenticated.client };
    let reason = authenticated.response.headers['x-road-error'] ?? 'refused';
    try {
      const refusal: unknown = JSON.parse(authenticated.response.body.toString('utf8'));
      if (typeof refusal === 'object' && refusal !== null && 'message' in refusal && refusal.message !== undefined && refusal.message !== null) reason = String(refusal.message);
    } catch {
      // An XML refusal: its type is reason enough.
    }
    return { refused: reason };
  };
}
