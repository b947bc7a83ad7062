import type { Actor } from '@platform/domain';
import type { OrganizationEntitlements } from './entitlements';
import type { EntitlementsRepository } from './entitlements-repository';

/** The entitlements use cases: who may see what. */
export function entitlementsOperations(repository: EntitlementsRepository) {
  return {
    /**
     * The entitlements of these organizations, in order. Any signed-in member (or API key) of an
     * organization sees its own, so frontends can grey out what the plan lacks; every other
     * organization's read as null, so at most the actor's own are read.
     */
    async currentOf(
      actor: Actor,
      organizationIds: readonly string[],
    ): Promise<Array<OrganizationEntitlements | null>> {
      const own = actor.organizationId;
      const current = own && organizationIds.includes(own) ? await repository.current(own) : null;
      return organizationIds.map((id) => (id === own ? current : null));
    },
  };
}

export type EntitlementsOperations = ReturnType<typeof entitlementsOperations>;
