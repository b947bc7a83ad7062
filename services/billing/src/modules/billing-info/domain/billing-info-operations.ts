import { signedInUser, type Actor } from '@platform/domain';
import { updateBillingInfo, type BillingInfo, type BillingInfoUpdate } from './billing-info';
import type { BillingInfoRepository } from './billing-info-repository';

const SIGN_IN = 'Sign in to manage billing';

/** The billing info use cases (access is billing:manage, declared in the SDL). */
export function billingInfoOperations(repository: BillingInfoRepository, clock: () => Date) {
  return {
    /**
     * The billing info of these organizations, in order: only an organization itself sees its own; any
     * other reads as null (the same answer as "not set").
     */
    async billingInfoOf(
      actor: Actor,
      organizationIds: readonly string[],
    ): Promise<Array<BillingInfo | null>> {
      const own = actor.organizationId;
      const info = own && organizationIds.includes(own) ? await repository.find(own) : null;
      return organizationIds.map((id) => (id === own ? info : null));
    },

    /** Changes the caller's organization's billing info: every problem at once, nothing written then. */
    async update(actor: Actor, update: BillingInfoUpdate): Promise<BillingInfo> {
      const caller = signedInUser(actor, SIGN_IN);
      const now = clock();
      return repository.update(caller.organizationId, (current) =>
        updateBillingInfo(current, update, caller, now),
      );
    },
  };
}

export type BillingInfoOperations = ReturnType<typeof billingInfoOperations>;
