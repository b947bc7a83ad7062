import { publishEntitlements } from '../../entitlements/infra/entitlements-repository';
import { requestPayment } from '../../payment/infra/payment-attempts';
import type { SubscriptionCollaborators } from './subscription-repository';

/** WIRED AT MERGE: billing info (billTo). */
export function subscriptionCollaborators(): SubscriptionCollaborators {
  return {
    requestPayment: (tx, request) => requestPayment(tx, request),
    publishEntitlements: (tx, change) => publishEntitlements(tx, change),
    billTo: () => Promise.resolve([]),
  };
}
