import { DomainError } from '@platform/service-kit';
import type { IdentityContext } from '../context';
import type { User } from '../domain/user';

export const Query = {
  async me(_parent: unknown, _args: unknown, context: IdentityContext): Promise<User> {
    const { userId } = context.auth;
    if (!userId) throw new DomainError('UNAUTHENTICATED', 'Sign in to see who you are');
    const user = await context.users.load(userId);
    if (!user) throw new DomainError('UNAUTHENTICATED', 'The signed-in user no longer exists');
    return user;
  },
};
