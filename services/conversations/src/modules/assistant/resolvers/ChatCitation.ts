import type { ChatCitationResolvers } from '../../../generated/graphql';

export const ChatCitation: ChatCitationResolvers = {
  document: (citation, _args, { documentById }) => documentById.load(citation.documentId),
  chunk: (citation, _args, { documentChunkById }) => documentChunkById.load(citation.chunkId),
};
