// What the generated resolver types use as parents (see @platform/codegen).
import type { User } from './domain/user';

export type UserMapper = User;
export { UserStatus, UserType } from './domain/user';
