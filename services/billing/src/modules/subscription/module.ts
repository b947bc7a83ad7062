import { DataLoader, defineModule } from '@platform/service-kit';
import type { BillingDependencies } from '../../service';
import type { PaymentAttempt } from '../payment/domain/payment-attempt';
import { paymentAttemptsOf } from '../payment/infra/payment-attempts';
import type { InvoiceRecord } from './domain/invoice';
import type { Subscription } from './domain/subscription';
import { subscriptionOperations, type SubscriptionOperations } from './domain/subscription-operations';
import { invoiceDocuments, subscriptionRepository } from './infra/subscription-repository';
import { Invoice } from './resolvers/Invoice';
import { InvoiceLine } from './resolvers/InvoiceLine';
import { cancelSubscription } from './resolvers/Mutation/cancelSubscription';
import { changeSubscriptionPlan } from './resolvers/Mutation/changeSubscriptionPlan';
import { payInvoice } from './resolvers/Mutation/payInvoice';
import { reactivateSubscription } from './resolvers/Mutation/reactivateSubscription';
import { startSubscription } from './resolvers/Mutation/startSubscription';
import { Organization } from './resolvers/Organization';
import { OrganizationSubscription } from './resolvers/OrganizationSubscription';
import { invoice } from './resolvers/Query/invoice';

/** One page of an organization's invoices, as a field asks for it. */
export interface InvoicePageRequest {
  organizationId: string;
  first: number;
  before: string | null;
}

export interface SubscriptionModuleContext {
  subscriptions: SubscriptionOperations;
  /**
   * The newest subscription by organization id: the caller's own organization's (one query per batch);
   * every other organization's reads as null.
   */
  subscriptionByOrganizationId: DataLoader<string, Subscription | null>;
  /** Invoices' rendered documents by invoice id, in one query per batch (the caller's organization's). */
  invoiceDocumentById: DataLoader<string, string | null>;
  /**
   * Invoice pages by organization and arguments, read once per distinct request (an organization
   * reached through many parents in one operation is read once).
   */
  invoicesOf: DataLoader<InvoicePageRequest, InvoiceRecord[] | null, string>;
  /** Invoices' payment attempts by invoice id, oldest first, in one query per batch. */
  paymentAttemptsByInvoiceId: DataLoader<string, PaymentAttempt[]>;
}

export const subscriptionModule = defineModule<BillingDependencies, SubscriptionModuleContext>({
  resolvers: {
    Organization,
    OrganizationSubscription,
    Invoice,
    InvoiceLine,
    Query: { invoice },
    Mutation: {
      startSubscription,
      changeSubscriptionPlan,
      cancelSubscription,
      reactivateSubscription,
      payInvoice,
    },
  },
  context: (dependencies) => {
    const { tenants, clock, subscriptionCollaborators } = dependencies;
    const subscriptions = subscriptionOperations(
      subscriptionRepository(tenants, subscriptionCollaborators),
      clock,
    );
    return ({ auth }) => ({
      subscriptions,
      subscriptionByOrganizationId: new DataLoader((organizationIds: readonly string[]) =>
        subscriptions.latestOf(auth, organizationIds),
      ),
      invoiceDocumentById: new DataLoader((invoiceIds: readonly string[]) =>
        auth.organizationId
          ? invoiceDocuments(tenants, auth.organizationId, invoiceIds)
          : Promise.resolve(invoiceIds.map(() => null)),
      ),
      invoicesOf: new DataLoader(
        (requests: readonly InvoicePageRequest[]) =>
          Promise.all(
            requests.map(({ organizationId, first, before }) =>
              subscriptions.invoicesOf(auth, organizationId, first, before),
            ),
          ),
        { cacheKeyFn: ({ organizationId, first, before }) => `${organizationId}|${first}|${before ?? ''}` },
      ),
      paymentAttemptsByInvoiceId: new DataLoader((invoiceIds: readonly string[]) =>
        auth.organizationId
          ? tenants.read(auth.organizationId, (tx) => paymentAttemptsOf(tx, invoiceIds))
          : Promise.resolve(invoiceIds.map((): PaymentAttempt[] => [])),
      ),
    });
  },
});
