import { readFileSync } from 'node:fs';
import { mergeTypeDefs } from '@graphql-tools/merge';
import { serviceSchemaFiles } from '@platform/codegen/schema-files';
import { parse, type DocumentNode } from 'graphql';

/** The service's SDL parts merged into one document (modules may each add fields to Query and Mutation). */
export function loadServiceSchema(sourceDirectory: string): DocumentNode {
  const documents = serviceSchemaFiles(sourceDirectory).map((file) =>
    parse(readFileSync(file, 'utf8'), { noLocation: true }),
  );
  return mergeTypeDefs(documents, { throwOnConflict: true, sort: false });
}
