import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * The platform's access directives (`@permission`, `@signedIn`, `@public`), defined once for every
 * subgraph; each service's `schema.graphql` links and composes them.
 */
export const ACCESS_DIRECTIVES_FILE = path.join(__dirname, '..', 'sdl', 'access.graphql');

/**
 * The SDL files of a service, in a stable order: the shared access directives, `schema.graphql` (the
 * federation link and the service's shared types) and each module's `modules/<aggregate>/*.graphql`.
 * The service serves and GraphQL Code Generator types exactly this list. Imports nothing but node: the
 * running kit uses it too.
 */
export function serviceSchemaFiles(sourceDirectory: string): string[] {
  const files = [ACCESS_DIRECTIVES_FILE, path.join(sourceDirectory, 'schema.graphql')];
  for (const module of moduleDirectories(sourceDirectory)) {
    for (const file of readdirSync(module.directory).sort()) {
      if (file.endsWith('.graphql')) files.push(path.join(module.directory, file));
    }
  }
  return files;
}

/** `src/modules/<name>/` folders, sorted by name. */
export function moduleDirectories(sourceDirectory: string): Array<{ name: string; directory: string }> {
  const modules = path.join(sourceDirectory, 'modules');
  if (!existsSync(modules)) return [];
  return readdirSync(modules, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => ({ name: entry.name, directory: path.join(modules, entry.name) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
