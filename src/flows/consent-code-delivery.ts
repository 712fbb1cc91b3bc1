// Flow: a consent code reaches the person's phone. Serves rule 6 (a read of a person's record
// needs their consent): at a service centre the person reads out a code sent to the mobile number
// their register holds. Joins registries (the number) and messaging (the SMS) for the exchange.
import type { ConsentCodeDelivery } from '../modules/exchange/index.ts';
import type { Messaging } from '../modules/messaging/index.ts';
import type { RegistryReaders } from '../modules/registries/index.ts';

/** Looks the number up in the person's own register and sends the code there (an SMS cannot be undone). */
export function consentCodeDelivery(readers: RegistryReaders, messaging: Pick<Messaging, 'send'>): ConsentCodeDelivery {
  return {
    mobileOf: (registerNumber) => readers.findMobile(registerNumber),
    async send(mobile, text, lang) {
      await messaging.send({ channel: 'sms', to: mobile, lang, body: text, purpose: 'exchange.consent-code' });
    },
  };
}
