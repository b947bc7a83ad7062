import type { DocumentChunkResolvers } from '../../../generated/graphql';

export const DocumentChunk: DocumentChunkResolvers = {
  document: (chunk, _args, { documentById }) => documentById.load(chunk.documentId),
};
