/**
 * Operation manifests: the safelists of partner API keys. A partner registers the GraphQL operations
 * their integration sends (the persisted-query manifest their build produces); a key bound to the
 * manifest may run only those, whatever its scopes allow. Operations are named by the SHA-256 (hex) of
 * their exact text, as automatic persisted queries name them, so a client sends either the text or,
 * once the gateway knows it, the hash. Manifests are immutable: a new version is a new manifest, and
 * registering the same operations again answers the manifest already there.
 */
import { InputIssues, notFound } from '@platform/domain';
import { createEvent } from '@platform/events/catalog';
import { EVENT_SOURCE } from '../../organization/domain/organization';
import type { ApiKey, ApiKeyEvent } from './api-key';

export const MAX_MANIFEST_OPERATIONS = 500;
export const MAX_OPERATION_LENGTH = 20_000;

export interface PersistedOperation {
  /** SHA-256 (hex) of `body`. */
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  body: string;
}

export interface OperationManifest {
  id: string;
  organizationId: string;
  name: string;
  /** SHA-256 (hex) over the sorted operation ids, newline-separated. */
  hash: string;
  operations: PersistedOperation[];
  createdById: string;
  createdAt: Date;
}

export interface NewManifestInput {
  name: string;
  operations: ReadonlyArray<{ id?: string | null; body: string }>;
}

/**
 * What the domain needs to know of an operation's text, from infra (domain code holds neither a crypto
 * library nor a GraphQL parser): its SHA-256 as hex, and its one named operation or why it is not one.
 */
export interface OperationReader {
  digest(text: string): string;
  read(body: string): { name: string; type: PersistedOperation['type'] } | string;
}

/**
 * Checks and builds a manifest: 1–500 operations, each one named operation (≤ 20,000 characters) whose
 * id, when given, is the SHA-256 of its text; no two with the same text or name. Every problem is
 * reported at once.
 */
export function buildOperationManifest(
  input: NewManifestInput,
  creator: { organizationId: string; userId: string },
  reader: OperationReader,
  id: string,
  now: Date,
): OperationManifest {
  const issues = new InputIssues();
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100) issues.add('name', 'must be 1–100 characters');
  if (input.operations.length === 0 || input.operations.length > MAX_MANIFEST_OPERATIONS) {
    issues.add('operations', `must hold 1–${MAX_MANIFEST_OPERATIONS} operations`);
  }
  const operations: PersistedOperation[] = [];
  const seenIds = new Set<string>();
  const seenNames = new Set<string>();
  input.operations.forEach((operation, index) => {
    const path = `operations.${index}`;
    if (operation.body.length === 0 || operation.body.length > MAX_OPERATION_LENGTH) {
      issues.add(`${path}.body`, `must be 1–${MAX_OPERATION_LENGTH} characters`);
      return;
    }
    const definition = reader.read(operation.body);
    if (typeof definition === 'string') {
      issues.add(`${path}.body`, definition);
      return;
    }
    const operationId = reader.digest(operation.body);
    const claimedId = operation.id ?? null;
    if (claimedId !== null && claimedId.toLowerCase() !== operationId) {
      issues.add(`${path}.id`, 'is not the SHA-256 (hex) of the body');
    }
    const operationName = definition.name;
    if (seenIds.has(operationId)) issues.add(`${path}.body`, 'repeats an earlier operation');
    else if (seenNames.has(operationName)) issues.add(`${path}.body`, `repeats the name ${operationName}`);
    seenIds.add(operationId);
    seenNames.add(operationName);
    operations.push({
      id: operationId,
      name: operationName,
      type: definition.type,
      body: operation.body,
    });
  });
  issues.throwIfAny();
  operations.sort((a, b) => a.name.localeCompare(b.name));
  return {
    id,
    organizationId: creator.organizationId,
    name,
    hash: reader.digest([...seenIds].sort().join('\n')),
    operations,
    createdById: creator.userId,
    createdAt: now,
  };
}

/**
 * Binds a key to a manifest of its organization (or releases it: `manifest` null). The gateway drops
 * the key's cached principal on the event, so the safelist applies from the next request.
 */
export function setApiKeySafelist(
  apiKey: ApiKey,
  manifest: OperationManifest | null,
  changedById: string | null,
  now: Date,
): { apiKey: ApiKey; events: [ApiKeyEvent] } {
  if (manifest && manifest.organizationId !== apiKey.organizationId)
    throw notFound('OperationManifest', manifest.id);
  return {
    apiKey: { ...apiKey, operationManifestId: manifest?.id ?? null },
    events: [
      createEvent('identity.api_key.safelist_changed.v1', {
        source: EVENT_SOURCE,
        subject: apiKey.id,
        tenantId: apiKey.organizationId,
        time: now,
        data: {
          apiKeyId: apiKey.id,
          organizationId: apiKey.organizationId,
          manifestId: manifest?.id ?? null,
          manifestHash: manifest?.hash ?? null,
          changedById,
          occurredAt: now.toISOString(),
        },
      }),
    ],
  };
}
