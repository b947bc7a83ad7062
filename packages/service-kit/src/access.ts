import { readFileSync } from 'node:fs';
import { ACCESS_DIRECTIVES_FILE } from '@platform/codegen/schema-files';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  defaultFieldResolver,
  isNonNullType,
  isObjectType,
  Kind,
  type DirectiveNode,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import {
  forbidden,
  isPermission,
  organizationSuspended,
  SENSITIVE_READ_PERMISSIONS,
  unauthenticated,
  type Permission,
} from '@platform/domain';
import {
  auditEvent,
  auditOutcomeOf,
  requestAuditScope,
  withAuditScope,
  type AuditRecorder,
  type AuditScope,
} from './audit';
import type { RequestContext } from './graphql-http';
import type { InternalContext } from './internal-context';

/**
 * Authorization, once for every subgraph. Every Query and Mutation field, and every field a service adds
 * to an entity it does not own, declares who may call it with one of the access directives
 * (packages/codegen/sdl/access.graphql): `@permission(name: "contacts:read")`, `@signedIn` or `@public`.
 * The kit reads the declarations from the schema the service serves and wraps those fields' resolvers
 * with `authorize`, so the declaration is the enforcement: nothing to remember in a resolver, and a root
 * field without a declaration stops the service from starting.
 */

export type AccessRequirement =
  | { kind: 'public' }
  | { kind: 'signedIn'; allowedWhenSuspended?: boolean }
  | { kind: 'permission'; permission: string; allowedWhenSuspended?: boolean };

export const ACCESS_DIRECTIVE_NAMES = ['permission', 'signedIn', 'public'] as const;

/** Root fields federation adds to every subgraph; the gateway calls them on the caller's behalf. */
const FEDERATION_ROOT_FIELDS = new Set(['_entities', '_service']);

/**
 * The requirement the directives of a field declare; null when it declares none. Throws on a field that
 * declares two, or names a permission the platform does not know (a typo would otherwise lock everyone
 * out, or in).
 */
export function accessRequirementOf(
  coordinate: string,
  directives: readonly DirectiveNode[] | undefined,
): AccessRequirement | null {
  const declared = (directives ?? []).filter((directive) =>
    (ACCESS_DIRECTIVE_NAMES as readonly string[]).includes(directive.name.value),
  );
  if (declared.length === 0) return null;
  if (declared.length > 1) throw new Error(`${coordinate} declares access more than once`);
  const [directive] = declared as [DirectiveNode];
  if (directive.name.value === 'public') return { kind: 'public' };
  const suspended = directive.arguments?.find((candidate) => candidate.name.value === 'allowedWhenSuspended');
  const whenSuspended =
    suspended?.value.kind === Kind.BOOLEAN && suspended.value.value ? { allowedWhenSuspended: true } : {};
  if (directive.name.value === 'signedIn') return { kind: 'signedIn', ...whenSuspended };
  const argument = directive.arguments?.find((candidate) => candidate.name.value === 'name');
  if (argument?.value.kind !== Kind.STRING) {
    throw new Error(`${coordinate}: @permission needs a literal name`);
  }
  const permission = argument.value.value;
  if (!isPermission(permission)) {
    throw new Error(`${coordinate}: @permission names "${permission}", which is not a platform permission`);
  }
  return { kind: 'permission', permission, ...whenSuspended };
}

/** Who is calling, as far as authorization cares. */
export type AccessCaller = Pick<
  InternalContext,
  'organizationId' | 'userId' | 'apiKeyId' | 'permissions' | 'organizationStatus'
>;

function signedIn(caller: AccessCaller): boolean {
  return caller.organizationId !== null && (caller.userId !== null || caller.apiKeyId !== null);
}

/** Whether the caller meets the requirement (reads; a suspended organization still reads). */
export function isAllowed(caller: AccessCaller, requirement: AccessRequirement): boolean {
  if (requirement.kind === 'public') return true;
  if (!signedIn(caller)) return false;
  return requirement.kind === 'signedIn' || caller.permissions.includes(requirement.permission);
}

/**
 * The platform's one authorization function. Throws UNAUTHENTICATED when nobody is signed in and the
 * field is not public, FORBIDDEN when the caller lacks the permission, and ORGANIZATION_SUSPENDED for
 * a write (a Mutation field that is not public nor `allowedWhenSuspended`) in a suspended organization.
 */
export function authorize(
  caller: AccessCaller,
  requirement: AccessRequirement,
  operation: 'read' | 'write' = 'read',
): void {
  if (requirement.kind === 'public') return;
  if (!signedIn(caller)) throw unauthenticated();
  if (requirement.kind === 'permission' && !caller.permissions.includes(requirement.permission)) {
    throw forbidden(`Requires the permission ${requirement.permission}`);
  }
  if (
    operation === 'write' &&
    caller.organizationStatus === 'suspended' &&
    !requirement.allowedWhenSuspended
  ) {
    throw organizationSuspended();
  }
}

/** Every field of `schema` that declares access, by coordinate (`Type.field`). */
export function accessDeclarations(schema: GraphQLSchema): Map<string, AccessRequirement> {
  const declarations = new Map<string, AccessRequirement>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      const requirement = accessRequirementOf(coordinate, field.astNode?.directives);
      if (requirement) declarations.set(coordinate, requirement);
    }
  }
  return declarations;
}

function isSensitive(requirement: AccessRequirement): boolean {
  return (
    requirement.kind === 'permission' &&
    SENSITIVE_READ_PERMISSIONS.includes(requirement.permission as Permission)
  );
}

/** Records a Mutation refused by authorization (`denied`) or failed (`failure`), when a tenant is known. */
async function recordUnsuccessful(
  audit: AuditRecorder | undefined,
  context: RequestContext,
  scope: AuditScope,
  error: unknown,
): Promise<void> {
  const organizationId = context.auth.organizationId;
  if (!audit || organizationId === null) return;
  const { outcome, errorCode } = auditOutcomeOf(error);
  await audit.record(organizationId, [
    auditEvent(audit.service, organizationId, scope, {
      action: `${audit.service}.${scope.operation ?? 'unknown'}`,
      entityType: null,
      entityId: null,
      changes: null,
      outcome,
      errorCode,
    }),
  ]);
}

/** Notes a sensitive field read for the request's audit entry (the record's id when it has one). */
function noteSensitiveRead(context: RequestContext, coordinate: string, source: unknown): void {
  const ids = context.sensitiveReads.get(coordinate) ?? new Set<string>();
  const id = typeof source === 'object' && source !== null ? (source as { id?: unknown }).id : undefined;
  if (typeof id === 'string') ids.add(id);
  context.sensitiveReads.set(coordinate, ids);
}

/**
 * Wraps the resolver of every field that declares access (in place) and refuses a schema whose Query or
 * Mutation fields do not all declare it.
 *
 * - Query and Mutation fields: `authorize`, with Mutation fields as writes. A Mutation runs in an audit
 *   scope (its writes are attributed to the caller); one refused by authorization is recorded as
 *   `denied`, one that fails as `failure`. A Query refused for want of a permission is recorded as
 *   `denied` too.
 * - Other fields (entity fields, personal data): a caller without the permission reads null, and
 *   the response's `extensions.redactedFields` names the field and the permission; such fields must
 *   be nullable (the service refuses to start otherwise), so one protected field never takes its
 *   parent down with it.
 * - Fields guarded by a sensitive-read permission (SENSITIVE_READ_PERMISSIONS) are noted when read, and
 *   `auditReadsPlugin` records them once per request.
 */
export function enforceAccess(schema: GraphQLSchema, audit?: AuditRecorder): GraphQLSchema {
  const roots = new Map([
    [schema.getQueryType(), 'read' as const],
    [schema.getMutationType(), 'write' as const],
  ]);
  const missing: string[] = [];
  const nonNull: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const operation = roots.get(type);
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      const requirement = accessRequirementOf(coordinate, field.astNode?.directives);
      if (!requirement) {
        if (operation && !FEDERATION_ROOT_FIELDS.has(field.name)) missing.push(coordinate);
        continue;
      }
      const resolve: GraphQLFieldResolver<unknown, RequestContext> = field.resolve ?? defaultFieldResolver;
      if (!operation && requirement.kind === 'permission' && isNonNullType(field.type)) {
        nonNull.push(coordinate);
        continue;
      }
      const sensitive = isSensitive(requirement);
      const write: GraphQLFieldResolver<unknown, RequestContext> = (source, args, context, info) => {
        const scope = requestAuditScope(context, info.fieldName);
        return withAuditScope(scope, async () => {
          try {
            authorize(context.auth, requirement, 'write');
            return await resolve(source, args, context, info);
          } catch (error) {
            await recordUnsuccessful(audit, context, scope, error);
            throw error;
          }
        });
      };
      const read: GraphQLFieldResolver<unknown, RequestContext> = async (source, args, context, info) => {
        try {
          authorize(context.auth, requirement, 'read');
        } catch (error) {
          await recordUnsuccessful(audit, context, requestAuditScope(context, info.fieldName), error);
          throw error;
        }
        const value = await resolve(source, args, context, info);
        if (sensitive) noteSensitiveRead(context, coordinate, null);
        return value;
      };
      const nested: GraphQLFieldResolver<unknown, RequestContext> = (source, args, context, info) => {
        if (isAllowed(context.auth, requirement)) {
          if (sensitive) noteSensitiveRead(context, coordinate, source);
          return resolve(source, args, context, info);
        }
        if (requirement.kind === 'permission') {
          context.redactedFields.set(coordinate, requirement.permission);
          return null;
        }
        authorize(context.auth, requirement);
        return resolve(source, args, context, info);
      };
      field.resolve = operation === 'write' ? write : operation === 'read' ? read : nested;
    }
  }
  if (nonNull.length > 0) {
    throw new Error(
      `a field below the root that needs a permission must be nullable (callers without it read null): ${nonNull.join(', ')}`,
    );
  }
  if (missing.length > 0) {
    throw new Error(
      `every Query and Mutation field must declare access (@permission, @signedIn or @public); missing on: ${missing.join(', ')}`,
    );
  }
  return schema;
}

/** Record ids listed in one sensitive-read entry (the count says how many there were in all). */
const MAX_AUDITED_IDS = 100;

/**
 * Records a request's sensitive reads in the audit trail before the response leaves: one entry per
 * type read (`<service>.sensitive_read`), naming the fields, the records (up to 100 ids) and how many.
 */
export function auditReadsPlugin<
  TContext extends BaseContext & Pick<RequestContext, 'sensitiveReads' | 'auth' | 'requestId'>,
>(audit: AuditRecorder): ApolloServerPlugin<TContext> {
  return {
    requestDidStart() {
      return Promise.resolve({
        async willSendResponse({ contextValue, request }) {
          const organizationId = contextValue.auth.organizationId;
          if (contextValue.sensitiveReads.size === 0 || organizationId === null) return;
          const byType = new Map<string, { fields: string[]; ids: Set<string> }>();
          for (const [coordinate, ids] of contextValue.sensitiveReads) {
            const typeName = coordinate.slice(0, coordinate.indexOf('.'));
            const entry = byType.get(typeName) ?? { fields: [], ids: new Set<string>() };
            entry.fields.push(coordinate);
            for (const id of ids) entry.ids.add(id);
            byType.set(typeName, entry);
          }
          const scope = requestAuditScope(contextValue, request.operationName ?? 'anonymous operation');
          await audit.record(
            organizationId,
            [...byType].map(([typeName, { fields, ids }]) => {
              const entityIds = [...ids];
              const rootRead = typeName === 'Query';
              return auditEvent(audit.service, organizationId, scope, {
                action: `${audit.service}.sensitive_read`,
                entityType: rootRead ? null : typeName,
                entityId: entityIds.length === 1 ? (entityIds[0] ?? null) : null,
                changes: null,
                details: { fields, entityIds: entityIds.slice(0, MAX_AUDITED_IDS), count: entityIds.length },
                outcome: 'success',
              });
            }),
          );
        },
      });
    },
  };
}

/** One entry of `extensions.redactedFields`: a field read as null, and the permission it needs. */
export interface RedactedField {
  field: string;
  permission: string;
}

/**
 * Adds `extensions.redactedFields` to a response when fields were read as null for want of a
 * permission (subgraphs record them while resolving; the gateway gathers its subgraphs' lists).
 */
export function redactionsPlugin<
  TContext extends BaseContext & Pick<RequestContext, 'redactedFields'>,
>(): ApolloServerPlugin<TContext> {
  return {
    requestDidStart() {
      return Promise.resolve({
        willSendResponse({ response, contextValue }) {
          if (contextValue.redactedFields.size === 0 || response.body.kind !== 'single') {
            return Promise.resolve();
          }
          const redactedFields: RedactedField[] = [...contextValue.redactedFields].map(
            ([field, permission]) => ({ field, permission }),
          );
          response.body.singleResult.extensions = {
            ...response.body.singleResult.extensions,
            redactedFields,
          };
          return Promise.resolve();
        },
      });
    },
  };
}

/** The access directives' definitions, for schemas built outside a service's SDL files (tests). */
export const ACCESS_DIRECTIVES_SDL = readFileSync(ACCESS_DIRECTIVES_FILE, 'utf8');
