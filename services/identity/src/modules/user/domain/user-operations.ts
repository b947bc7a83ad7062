import { unauthenticated, type Actor } from '@platform/domain';
import type { User } from './user';

/** The user use cases: who the caller is. */
export function userOperations() {
  return {
    /** The signed-in user; UNAUTHENTICATED for an anonymous caller or a user that is gone. */
    async me(actor: Actor, load: (id: string) => Promise<User | null>): Promise<User> {
      if (!actor.userId) throw unauthenticated('Sign in to see who you are');
      const user = await load(actor.userId);
      if (!user) throw unauthenticated('The signed-in user no longer exists');
      return user;
    },
  };
}

export type UserOperations = ReturnType<typeof userOperations>;
