import type { SubscriptionCollaborators } from './subscription-repository';

/** WIRED AT MERGE: payments (requestPayment), entitlements (publishEntitlements), billing info (billTo). */
export function subscriptionCollaborators(): SubscriptionCollaborators {
  return {
    requestPayment: () => Promise.reject(new Error('payments are not wired yet')),
    publishEntitlements: () => Promise.reject(new Error('entitlements are not wired yet')),
    billTo: () => Promise.resolve([]),
  };
}
