import { parseInput } from '@platform/service-kit';
import type { MutationResolvers } from '../../../../generated/graphql';
import { CreateContactInput } from '../../input-fields';

export const createContact: NonNullable<MutationResolvers['createContact']> = (_parent, { input }, context) =>
  context.contacts.create(context.auth, parseInput(CreateContactInput, input));
