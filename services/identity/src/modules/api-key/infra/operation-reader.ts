import { createHash } from 'node:crypto';
import { Kind, parse, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import type { OperationReader } from '../domain/operation-manifest';

/** Tokens an operation of a manifest may have (graphql-js's parse limit; the gateway's default is 2,000). */
const MAX_TOKENS = 5_000;

/**
 * Operation texts for manifests: the SHA-256 (hex) automatic persisted queries name them by, and the
 * one named operation a text must hold (fragments may join it).
 */
export const operationReader: OperationReader = {
  digest: (text) => createHash('sha256').update(text, 'utf8').digest('hex'),
  read(body) {
    let document: DocumentNode;
    try {
      document = parse(body, { noLocation: true, maxTokens: MAX_TOKENS });
    } catch (error) {
      return `is not a GraphQL document: ${error instanceof Error ? error.message : String(error)}`;
    }
    const operations = document.definitions.filter(
      (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
    );
    const [operation] = operations;
    if (operations.length !== 1 || !operation)
      return 'must hold exactly one operation (fragments may join it)';
    if (!operation.name) return 'the operation must be named';
    return { name: operation.name.value, type: operation.operation };
  },
};
