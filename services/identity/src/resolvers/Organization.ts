import type { IdentityContext } from '../context';
import type { Organization as OrganizationModel } from '../domain/organization';

export const Organization = {
  __resolveReference(reference: { id: string }, context: IdentityContext): Promise<OrganizationModel | null> {
    return context.organizations.load(reference.id);
  },
  parentOrganization(
    organization: OrganizationModel,
    _args: unknown,
    context: IdentityContext,
  ): Promise<OrganizationModel | null> | null {
    return organization.parentOrganizationId
      ? context.organizations.load(organization.parentOrganizationId)
      : null;
  },
};
