import { DataLoader, defineModule } from '@platform/service-kit';
import type { IdentityDependencies } from '../../service';
import type { RoleAssignmentMapper } from './role.mappers';
import type { UserAccess } from './domain/role';
import { roleOperations, type RoleOperations } from './domain/role-operations';
import { roleRepository } from './infra/role-repository';
import { assignRole } from './resolvers/Mutation/assignRole';
import { createRole } from './resolvers/Mutation/createRole';
import { deleteRole } from './resolvers/Mutation/deleteRole';
import { grantPermission } from './resolvers/Mutation/grantPermission';
import { revokePermission } from './resolvers/Mutation/revokePermission';
import { unassignRole } from './resolvers/Mutation/unassignRole';
import { updateRole } from './resolvers/Mutation/updateRole';
import { permissionDefinitions } from './resolvers/Query/permissionDefinitions';
import { role } from './resolvers/Query/role';
import { roles } from './resolvers/Query/roles';
import { RoleAssignment } from './resolvers/RoleAssignment';
import { User } from './resolvers/User';

export interface RoleModuleContext {
  roles: RoleOperations;
  /** What each user of the caller's organization holds (one query per batch). */
  accessByUserId: DataLoader<string, UserAccess | null>;
  /** Each user's role assignments with who assigned them (one query per batch). */
  assignmentsByUserId: DataLoader<string, RoleAssignmentMapper[]>;
}

export const roleModule = defineModule<IdentityDependencies, RoleModuleContext>({
  resolvers: {
    Query: { roles, role, permissionDefinitions },
    Mutation: {
      createRole,
      updateRole,
      deleteRole,
      assignRole,
      unassignRole,
      grantPermission,
      revokePermission,
    },
    RoleAssignment,
    User,
  },
  context: ({ tenants }) => {
    const repository = roleRepository(tenants);
    const operations = roleOperations(repository);
    return ({ auth }) => ({
      roles: operations,
      accessByUserId: new DataLoader((ids: readonly string[]) =>
        auth.organizationId
          ? repository.accessOf(auth.organizationId, ids)
          : Promise.resolve(ids.map(() => null)),
      ),
      assignmentsByUserId: new DataLoader((ids: readonly string[]) =>
        auth.organizationId
          ? repository.assignments(auth.organizationId, ids)
          : Promise.resolve(ids.map(() => [])),
      ),
    });
  },
});
