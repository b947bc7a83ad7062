import { z } from 'zod';
import { entry, timestamp, uuid } from './schema';

/** Events identity publishes, and the enums they carry (identity's domain uses these values). */

export const VERTICALS = [
  'real_estate',
  'mortgage',
  'insurance',
  'financial_advisory',
  'marketing_agency',
  'general',
] as const;
export const ORGANIZATION_STATUSES = ['active', 'suspended', 'cancelled'] as const;
export const USER_TYPES = ['human', 'ai', 'system', 'integration'] as const;
export const USER_STATUSES = ['invited', 'pending', 'active', 'inactive', 'suspended'] as const;

const organizationCreatedData = z
  .object({
    organizationId: uuid().describe('The new organization (also the event subject and tenantid).'),
    name: z.string().min(1).describe('Display name.'),
    slug: z
      .string()
      .regex(/^[a-z0-9-]+$/)
      .describe('Unique URL-safe handle.'),
    vertical: z.enum(VERTICALS).describe('Industry vertical.'),
    status: z.enum(ORGANIZATION_STATUSES),
    parentOrganizationId: uuid()
      .nullable()
      .describe('The managing agency organization, or null for a top-level organization.'),
    createdAt: timestamp(),
  })
  .describe('An organization (tenant) was created.');

const userCreatedData = z
  .object({
    userId: uuid(),
    organizationId: uuid().describe('The organization the user belongs to.'),
    email: z.email().describe('Login email of the platform user (not a CRM contact).'),
    type: z.enum(USER_TYPES).describe('Who acts: a person, an AI agent, the system or an integration.'),
    status: z.enum(USER_STATUSES),
    roles: z.array(z.string().min(1)).describe('Role names granted in the organization.'),
    givenName: z.string().nullable(),
    familyName: z.string().nullable(),
    createdAt: timestamp(),
  })
  .describe('A user was created in an organization (invited or directly).');

const roleData = z.object({
  roleId: uuid(),
  organizationId: uuid().describe('The organization the custom role belongs to.'),
  name: z.string().min(1).describe('Role name, unique in the organization.'),
  description: z.string().nullable(),
  permissions: z.array(z.string().min(1)).describe('Permissions (`resource:action`) the role grants.'),
  occurredAt: timestamp(),
});

const roleDeletedData = z
  .object({
    roleId: uuid(),
    organizationId: uuid(),
    name: z.string().min(1),
    occurredAt: timestamp(),
  })
  .describe('A custom role was deleted; its assignments ended with it.');

const userAccessChangedData = z
  .object({
    userId: uuid(),
    organizationId: uuid(),
    roles: z.array(z.string().min(1)).describe('Every role the user holds now.'),
    directPermissions: z
      .array(z.string().min(1))
      .describe('Permissions granted to the user directly, beside their roles.'),
    changedById: uuid().nullable().describe('The user who made the change; null when the platform did.'),
    occurredAt: timestamp(),
  })
  .describe('A user’s roles or direct permissions changed; their access changes with the next request.');

export const identityEvents = {
  'identity.organization.created.v1': entry(
    'identity.organization.created.v1',
    'identity.organization',
    'An organization (tenant) was created. Published by identity.',
    organizationCreatedData,
  ),
  'identity.user.created.v1': entry(
    'identity.user.created.v1',
    'identity.user',
    'A user was created in an organization. Published by identity.',
    userCreatedData,
  ),
  'identity.role.created.v1': entry(
    'identity.role.created.v1',
    'identity.role',
    'A custom role was created. Published by identity.',
    roleData.describe('A custom role was created in an organization.'),
  ),
  'identity.role.updated.v1': entry(
    'identity.role.updated.v1',
    'identity.role',
    'A custom role changed (name, description or permissions). Published by identity.',
    roleData.describe('A custom role changed; the users holding it have its new permissions.'),
  ),
  'identity.role.deleted.v1': entry(
    'identity.role.deleted.v1',
    'identity.role',
    'A custom role was deleted. Published by identity.',
    roleDeletedData,
  ),
  'identity.user.access_changed.v1': entry(
    'identity.user.access_changed.v1',
    'identity.user',
    'A user’s roles or direct permissions changed. Published by identity.',
    userAccessChangedData,
  ),
} as const;
