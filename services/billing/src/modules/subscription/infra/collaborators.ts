import { requestPayment } from '../../payment/infra/payment-attempts';
import type { SubscriptionCollaborators } from './subscription-repository';

/** WIRED AT MERGE: entitlements (publishEntitlements), billing info (billTo). */
export function subscriptionCollaborators(): SubscriptionCollaborators {
  return {
    requestPayment: (tx, request) => requestPayment(tx, request),
    publishEntitlements: () => Promise.reject(new Error('entitlements are not wired yet')),
    billTo: () => Promise.resolve([]),
  };
}
