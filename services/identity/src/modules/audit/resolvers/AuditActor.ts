import type { AuditActorResolvers } from '../../../generated/graphql';

export const AuditActor: AuditActorResolvers = {
  // The loader reads the caller's organization: an agency user acting here is not one of its users.
  user: (actor, _args, { userById }) => (actor.userId ? userById.load(actor.userId) : null),
};
