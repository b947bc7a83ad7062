import type { MessageArchiveResolvers } from '../../../generated/graphql';
import { periodName } from '../domain/retention';

export const MessageArchive: MessageArchiveResolvers = {
  period: (archive) => periodName(archive.period),
};
