// What the generated resolver types use as parents (see @platform/codegen).
import type { Role } from './domain/role';

export type RoleMapper = Role;
export interface RoleAssignmentMapper {
  role: Role;
  assignedById: string | null;
  assignedAt: Date;
}
export interface PermissionDefinitionMapper {
  name: string;
  description: string;
}
