import { organizationOf, InputIssues, type Actor } from '@platform/domain';
import {
  checkedToken,
  customerIdempotencyKey,
  paymentMethodOf,
  type PaymentCustomer,
  type PaymentMethod,
} from './payment-method';
import {
  PaymentMethodRejectedError,
  ProviderCustomerMissingError,
  type PaymentProvider,
} from './payment-provider';
import type { PaymentRepository } from './payment-repository';

/** The payment-method use cases: who may see and change the card on file. */
export function paymentOperations(repository: PaymentRepository, provider: PaymentProvider) {
  /** A new customer of the organization at the provider (replacing one it forgot, if any). */
  async function newCustomer(organizationId: string, replacing: string | null): Promise<PaymentCustomer> {
    const { customerId } = await provider.createCustomer({
      organizationId,
      email: null,
      name: null,
      // Two first calls at once, or a retry after a failed save, still make one customer.
      idempotencyKey: customerIdempotencyKey(organizationId, replacing),
    });
    return { organizationId, provider: provider.name, customerId, paymentMethodId: null, card: null };
  }

  /** The organization's customer at this provider, created at the provider on first use. */
  async function customerOf(organizationId: string): Promise<PaymentCustomer> {
    const existing = await repository.customer(organizationId);
    // A customer of another provider (the settings changed) means nothing to this one.
    if (existing && existing.provider === provider.name) return existing;
    return newCustomer(organizationId, null);
  }

  /** Attaches the card; a token the provider refuses is the caller's input. */
  async function attach(customer: PaymentCustomer, token: string) {
    try {
      return await provider.attachPaymentMethod({ customerId: customer.customerId, token });
    } catch (error) {
      if (error instanceof PaymentMethodRejectedError) {
        new InputIssues().add('token', error.message, error.code).throwIfAny();
      }
      throw error;
    }
  }

  return {
    /**
     * Makes the card behind `token` the organization's payment method (the caller's organization;
     * billing:manage is checked by the schema). Creates the provider's customer on first use; a token
     * the provider refuses is BAD_USER_INPUT on `token`.
     */
    async setPaymentMethod(actor: Actor, token: string): Promise<PaymentMethod> {
      const organizationId = organizationOf(actor);
      const checked = checkedToken(token);
      let customer = await customerOf(organizationId);
      let attached;
      try {
        attached = await attach(customer, checked);
      } catch (error) {
        if (!(error instanceof ProviderCustomerMissingError)) throw error;
        // The provider forgot the customer (a local provider restarts empty): a new one takes its place.
        customer = await newCustomer(organizationId, customer.customerId);
        attached = await attach(customer, checked);
      }
      const card = {
        brand: attached.brand,
        last4: attached.last4,
        expMonth: attached.expMonth,
        expYear: attached.expYear,
      };
      await repository.saveCustomer({ ...customer, paymentMethodId: attached.paymentMethodId, card });
      return { provider: customer.provider, ...card };
    },

    /**
     * The payment methods of these organizations, in order. Only an organization itself sees its own:
     * for anyone else it reads as null, so at most the actor's own is read.
     */
    async paymentMethodsOf(
      actor: Actor,
      organizationIds: readonly string[],
    ): Promise<Array<PaymentMethod | null>> {
      const own = actor.organizationId;
      const method =
        own && organizationIds.includes(own) ? paymentMethodOf(await repository.customer(own)) : null;
      return organizationIds.map((id) => (id === own ? method : null));
    },
  };
}

export type PaymentOperations = ReturnType<typeof paymentOperations>;
