import { DataLoader, defineModule } from '@platform/service-kit';
import type { IdentityDependencies } from '../../service';
import { organizationRepository } from '../organization/infra/organization-repository';
import { roleRepository } from '../role/infra/role-repository';
import { userRepository } from '../user/infra/user-repository';
import type { Invitation as InvitationModel } from './domain/invitation';
import { invitationOperations, type InvitationOperations } from './domain/invitation-operations';
import { invitationRepository } from './infra/invitation-repository';
import { Invitation } from './resolvers/Invitation';
import { acceptInvitation } from './resolvers/Mutation/acceptInvitation';
import { createMachineUser } from './resolvers/Mutation/createMachineUser';
import { inviteUser } from './resolvers/Mutation/inviteUser';
import { resendInvitation } from './resolvers/Mutation/resendInvitation';
import { revokeInvitation } from './resolvers/Mutation/revokeInvitation';
import { User } from './resolvers/User';

export interface InvitationModuleContext {
  invitations: InvitationOperations;
  /** The latest invitation of each user of the caller's organization (one query per batch). */
  invitationByUserId: DataLoader<string, InvitationModel | null>;
}

export const invitationModule = defineModule<IdentityDependencies, InvitationModuleContext>({
  resolvers: {
    Mutation: { inviteUser, resendInvitation, revokeInvitation, createMachineUser, acceptInvitation },
    Invitation,
    User,
  },
  context: ({ database, tenants, credentials, secrets, links }) => {
    const roles = roleRepository(tenants);
    const organizations = organizationRepository(tenants);
    const invitations = invitationOperations({
      repository: invitationRepository(database, tenants),
      users: userRepository(tenants),
      roleByName: (organizationId, name) => roles.byName(organizationId, name),
      organizationById: (organizationId) => organizations.byId(organizationId),
      secrets: secrets.invitations,
      ...credentials,
      acceptUrl: links.acceptInvitation,
    });
    return ({ auth }) => ({
      invitations,
      invitationByUserId: new DataLoader((ids: readonly string[]) =>
        auth.organizationId
          ? invitations.latestFor(auth.organizationId, ids)
          : Promise.resolve(ids.map(() => null)),
      ),
    });
  },
});
