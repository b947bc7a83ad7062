import { PERMISSIONS } from '@platform/domain';
import type { QueryResolvers } from '../../../../generated/graphql';

export const permissionDefinitions: NonNullable<QueryResolvers['permissionDefinitions']> = () =>
  Object.entries(PERMISSIONS).map(([name, description]) => ({ name, description }));
