import { z } from 'zod';
import { auditEntry } from './audit';
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
/** Who suspended an organization (it decides who may reactivate it). */
export const SUSPENDERS = ['owner', 'agency', 'platform'] as const;
export const WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;

const settingsData = z
  .object({
    timezone: z.string().min(1).describe('IANA time zone of the organization.'),
    businessHours: z
      .array(
        z.object({
          day: z.enum(WEEKDAYS),
          opensAt: z.string().regex(/^\d{2}:\d{2}$/),
          closesAt: z.string().regex(/^\d{2}:\d{2}$/),
        }),
      )
      .describe('Opening hours per weekday (HH:MM, in `timezone`); a missing day is closed.'),
    pipelineStages: z
      .array(z.string().min(1))
      .describe('The stages client accounts (crm companies) move through, in order.'),
    healthThresholds: z
      .object({ yellowAfterDays: z.number().int().positive(), redAfterDays: z.number().int().positive() })
      .describe('Days in a stage after which a client account turns yellow, then red.'),
  })
  .describe('The organization’s agency settings (spec 004).');

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
    settings: settingsData.optional().describe('Its settings (spec 004 defaults unless given).'),
    createdAt: timestamp(),
  })
  .describe('An organization (tenant) was created.');

const organizationUpdatedData = z
  .object({
    organizationId: uuid(),
    name: z.string().min(1),
    slug: z.string().min(1),
    vertical: z.enum(VERTICALS),
    logoUrl: z.string().nullable(),
    domain: z.string().nullable().describe('Custom domain, if any.'),
    settings: settingsData,
    updatedAt: timestamp(),
  })
  .describe('An organization’s profile or settings changed; the data is the organization as it is now.');

const organizationStatusChangedData = z
  .object({
    organizationId: uuid(),
    from: z.enum(ORGANIZATION_STATUSES),
    to: z.enum(ORGANIZATION_STATUSES),
    reason: z.string().nullable().describe('Why it was suspended or cancelled; null when reactivated.'),
    suspendedBy: z.enum(SUSPENDERS).nullable().describe('Who suspended it (decides who may reactivate).'),
    changedById: uuid().nullable().describe('The user who changed it; null when the platform did.'),
    changedFromOrganizationId: uuid()
      .nullable()
      .describe('The managing agency, when one of its users changed a client organization.'),
    occurredAt: timestamp(),
  })
  .describe('An organization was suspended, reactivated or cancelled.');

const configurationChangedData = z
  .object({
    organizationId: uuid(),
    key: z.string().min(1).describe('The configuration key.'),
    valueType: z
      .enum(['string', 'number', 'boolean', 'json'])
      .nullable()
      .describe('The type it is stored as now; null when the entry was removed. The value is not carried.'),
    changedById: uuid().nullable(),
    occurredAt: timestamp(),
  })
  .describe('An organization configuration entry was set or removed.');

export const ORGANIZATION_ACCESS_CAUSES = ['api_access', 'seat_policy', 'seat'] as const;

const organizationAccessChangedData = z
  .object({
    organizationId: uuid(),
    cause: z
      .enum(ORGANIZATION_ACCESS_CAUSES)
      .describe(
        'What identity applied: the API access of API keys, whether the plan needs seats, or one user’s seat.',
      ),
    userId: uuid().nullable().describe('The user whose seat changed (cause `seat`); null otherwise.'),
    version: z
      .number()
      .int()
      .nonnegative()
      .describe('The version of billing’s event that identity applied (entitlements or seats).'),
    occurredAt: timestamp(),
  })
  .describe(
    'What members or API keys of an organization may do changed: identity applied billing’s plan or seats to its copy.',
  );

const userCreatedData = z
  .object({
    userId: uuid(),
    organizationId: uuid().describe('The organization the user belongs to.'),
    email: z.email().describe('Login email of the platform user (not a CRM contact).'),
    type: z.enum(USER_TYPES).describe('Who acts: a person, an AI agent, the system or an integration.'),
    status: z.enum(USER_STATUSES),
    username: z.string().min(1).optional().describe('Unique within the organization.'),
    roles: z.array(z.string().min(1)).describe('Role names granted in the organization.'),
    givenName: z.string().nullable(),
    familyName: z.string().nullable(),
    createdAt: timestamp(),
  })
  .describe('A user was created in an organization (invited or directly).');

const userUpdatedData = z
  .object({
    userId: uuid(),
    organizationId: uuid(),
    email: z.email(),
    username: z.string().min(1),
    type: z.enum(USER_TYPES),
    givenName: z.string().nullable(),
    familyName: z.string().nullable(),
    displayName: z.string().nullable(),
    title: z.string().nullable(),
    department: z.string().nullable(),
    timezone: z.string().nullable().describe('IANA time zone; null = the organization’s.'),
    locale: z.string().nullable().describe('BCP 47 language tag.'),
    updatedAt: timestamp(),
  })
  .describe('A user’s profile changed; the data is the profile as it is now (no phone number).');

export const USER_ACTIONS = [
  'accept',
  'activate',
  'deactivate',
  'suspend',
  'reactivate',
  'delete',
  'reinvite',
] as const;

const userStatusChangedData = z
  .object({
    userId: uuid(),
    organizationId: uuid(),
    action: z.enum(USER_ACTIONS).describe('What happened to the account.'),
    from: z.enum(USER_STATUSES),
    to: z.enum(USER_STATUSES),
    deleted: z.boolean().describe('Whether the user is (soft) deleted now.'),
    reason: z.string().nullable().describe('Why, for deactivations and suspensions.'),
    changedById: uuid()
      .nullable()
      .describe('Who changed it; null when the user did (accepting an invitation).'),
    occurredAt: timestamp(),
  })
  .describe('A user account changed state: only active, undeleted users act.');

export const SESSION_END_REASONS = [
  'signed_out',
  'signed_out_everywhere',
  'password_changed',
  'password_reset',
  'reused_token',
] as const;

const sessionRevokedData = z
  .object({
    sessionId: uuid(),
    userId: uuid(),
    organizationId: uuid(),
    reason: z.enum(SESSION_END_REASONS).describe('Why the session ended.'),
    occurredAt: timestamp(),
  })
  .describe(
    'A sign-in session ended before its time: its refresh tokens stop working, its access tokens at the next request.',
  );

export const SECURITY_CHANGES = [
  'mfa_enabled',
  'mfa_disabled',
  'password_changed',
  'password_reset',
] as const;

const securityChangedData = z
  .object({
    userId: uuid(),
    organizationId: uuid(),
    change: z.enum(SECURITY_CHANGES),
    occurredAt: timestamp(),
  })
  .describe('A user’s sign-in security changed (second factor, password).');

const apiKeyCreatedData = z
  .object({
    apiKeyId: uuid(),
    organizationId: uuid(),
    name: z.string().min(1),
    scopes: z.array(z.string().min(1)).describe('Permissions the key may use (never more than its creator).'),
    expiresAt: timestamp(),
    createdById: uuid().describe('The user the key acts for.'),
    occurredAt: timestamp(),
  })
  .describe('An API key was created (its secret is never published).');

const apiKeyRevokedData = z
  .object({
    apiKeyId: uuid(),
    organizationId: uuid(),
    revokedById: uuid().nullable(),
    occurredAt: timestamp(),
  })
  .describe('An API key was revoked: the gateway refuses it from the next request.');

const apiKeySafelistChangedData = z
  .object({
    apiKeyId: uuid(),
    organizationId: uuid(),
    manifestId: uuid()
      .nullable()
      .describe('The operation manifest the key is bound to; null: any operation.'),
    manifestHash: z.string().nullable().describe('SHA-256 (hex) of the manifest; null when unbound.'),
    changedById: uuid().nullable(),
    occurredAt: timestamp(),
  })
  .describe('An API key was bound to an operation manifest (or released from one).');

export const EMAIL_TEMPLATES = ['invitation', 'password_reset'] as const;

const emailRequestedData = z
  .object({
    messageId: uuid().describe('Unique per message: deliver each once.'),
    organizationId: uuid(),
    to: z.email(),
    template: z.enum(EMAIL_TEMPLATES),
    locale: z.string().nullable().describe('The recipient’s language, when known.'),
    variables: z
      .record(z.string(), z.string())
      .describe('What the template fills in (names, the link with its single-use token, the expiry).'),
  })
  .describe(
    'identity asks for an email to be delivered. Carries a single-use secret link: only the notification service consumes this topic.',
  );

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
  'identity.organization.updated.v1': entry(
    'identity.organization.updated.v1',
    'identity.organization',
    'An organization’s profile or settings changed. Published by identity.',
    organizationUpdatedData,
  ),
  'identity.organization.status_changed.v1': entry(
    'identity.organization.status_changed.v1',
    'identity.organization',
    'An organization was suspended, reactivated or cancelled. Published by identity.',
    organizationStatusChangedData,
  ),
  'identity.organization.configuration_changed.v1': entry(
    'identity.organization.configuration_changed.v1',
    'identity.organization',
    'An organization configuration entry was set or removed. Published by identity.',
    configurationChangedData,
  ),
  'identity.organization.access_changed.v1': entry(
    'identity.organization.access_changed.v1',
    'identity.organization',
    'identity applied a change of billing’s plan or seats to its copy (API access, the seat rule): principals resolved before it may be stale. Published by identity, after the change is stored.',
    organizationAccessChangedData,
  ),
  'identity.user.created.v1': entry(
    'identity.user.created.v1',
    'identity.user',
    'A user was created in an organization. Published by identity.',
    userCreatedData,
    { pii: ['email', 'givenName', 'familyName'] },
  ),
  'identity.user.updated.v1': entry(
    'identity.user.updated.v1',
    'identity.user',
    'A user’s profile changed. Published by identity.',
    userUpdatedData,
    { pii: ['email', 'givenName', 'familyName', 'displayName'] },
  ),
  'identity.user.status_changed.v1': entry(
    'identity.user.status_changed.v1',
    'identity.user',
    'A user was activated, deactivated, suspended, reactivated, deleted or invited again. Published by identity.',
    userStatusChangedData,
  ),
  'identity.user.session_revoked.v1': entry(
    'identity.user.session_revoked.v1',
    'identity.user',
    'A sign-in session was ended (signed out, everywhere, or by a password change). Published by identity.',
    sessionRevokedData,
  ),
  'identity.user.security_changed.v1': entry(
    'identity.user.security_changed.v1',
    'identity.user',
    'A user turned MFA on or off, or changed or reset their password. Published by identity.',
    securityChangedData,
  ),
  'identity.api_key.created.v1': entry(
    'identity.api_key.created.v1',
    'identity.api_key',
    'An API key was created. Published by identity.',
    apiKeyCreatedData,
  ),
  'identity.api_key.revoked.v1': entry(
    'identity.api_key.revoked.v1',
    'identity.api_key',
    'An API key was revoked. Published by identity.',
    apiKeyRevokedData,
  ),
  'identity.api_key.safelist_changed.v1': entry(
    'identity.api_key.safelist_changed.v1',
    'identity.api_key',
    'An API key was bound to a registered operation manifest, or released from one. Published by identity.',
    apiKeySafelistChangedData,
  ),
  'identity.email.requested.v1': entry(
    'identity.email.requested.v1',
    'identity.email',
    'An email for a user (an invitation, a password reset) is to be delivered. Published by identity.',
    emailRequestedData,
    { pii: ['to', 'variables'] },
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
  'identity.audit.recorded.v1': auditEntry('identity'),
} as const;
