import { pageRequest } from '@platform/domain';
import { toConnectionBy } from '@platform/service-kit';
import type { QueryResolvers } from '../../../../generated/graphql';
import { timelinePosition } from '../../domain/interaction';

export const interactions: NonNullable<QueryResolvers['interactions']> = async (
  _parent,
  { first, after, filter },
  context,
) =>
  toConnectionBy(
    await context.interactions.list(context.auth, filter ?? {}, pageRequest(first, after)),
    timelinePosition,
  );
