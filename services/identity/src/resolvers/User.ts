import { DomainError } from '@platform/service-kit';
import type { IdentityContext } from '../context';
import type { Organization } from '../domain/organization';
import type { User as UserModel } from '../domain/user';

export const User = {
  /** Batched: the owners of 50 contacts cost one query on the users table. */
  __resolveReference(reference: { id: string }, context: IdentityContext): Promise<UserModel | null> {
    return context.users.load(reference.id);
  },
  async organization(
    user: UserModel & { organization?: Organization },
    _args: unknown,
    context: IdentityContext,
  ): Promise<Organization> {
    const organization = user.organization ?? (await context.organizations.load(user.organizationId));
    if (!organization) throw new DomainError('NOT_FOUND', `Organization ${user.organizationId} not found`);
    return organization;
  },
};
