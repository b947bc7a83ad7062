/**
 * Permissions and the system roles, as data. A permission is `resource:action` (EMMA's style, spec
 * 000); a role is a named set of permissions. Every Query and Mutation field of the supergraph names
 * the permission it needs (`@permission(name:)` in its SDL), and the one authorization function in the
 * service kit checks the caller's effective permissions against it.
 *
 * The system roles of UNIFICATION.md are platform data: the same in every organization, stored by
 * identity's migrations (a test proves the stored sets equal `SYSTEM_ROLE_PERMISSIONS`), never edited
 * by an organization. Organizations add custom roles built from the same permissions.
 */

/** Every permission the platform knows, with what it allows. */
export const PERMISSIONS = {
  'organizations:read': 'Read the organization, its settings and configuration.',
  'organizations:update': 'Change the organization: name, profile, settings and configuration.',
  'organizations:manage_status': 'Suspend, reactivate or cancel the organization.',
  'organizations:manage_clients':
    'Agencies: create and list managed client organizations, and act inside them.',
  'users:read': 'List and read the users of the organization.',
  'users:invite': 'Invite people to the organization, resend and revoke invitations.',
  'users:update': 'Change other users: profile, type and metadata.',
  'users:manage_status': 'Deactivate, suspend and reactivate users.',
  'roles:read': 'List roles and the permissions they grant.',
  'roles:manage': 'Create, change and delete custom roles; assign roles and grant permissions to users.',
  'api_keys:read': 'List the organization’s API keys (never their secrets).',
  'api_keys:manage': 'Create and revoke API keys.',
  'audit:read': 'Read the audit trail and verify its chain.',
  'audit:export': 'Export the audit trail.',
  'contacts:read': 'Read contacts (their personal data only with contacts:read_pii too).',
  'contacts:read_pii': 'Read contacts’ personal data (emails, phones and the other fields marked personal).',
  'contacts:write': 'Create and change contacts.',
  'contacts:delete': 'Delete and restore contacts.',
  'contacts:export': 'Export contacts.',
  'companies:read': 'Read companies (client accounts), their assignments, stage history and ad performance.',
  'companies:write': 'Create, change, move and delete companies; assign people to them.',
  'deals:read': 'Read pipelines and deals.',
  'deals:write': 'Create, change, move and close deals; manage pipelines and their stages.',
  'interactions:read': 'Read the interaction timeline (private content only as its privacy level allows).',
  'interactions:write': 'Record and change interactions.',
  'tasks:read': 'Read tasks and checklists.',
  'tasks:write': 'Create, assign, reorder, complete and reopen tasks.',
  'tickets:read': 'Read support tickets and their notes.',
  'tickets:write': 'Open, change, assign and resolve tickets; add notes.',
  'custom_fields:manage': 'Define, change and retire custom fields.',
  'conversations:read': 'Read conversations and their messages.',
  'conversations:write': 'Start conversations, reply and change their state.',
  'channels:manage':
    'Connect, reconnect and disconnect the organization’s channel accounts (social, email, Slack, SMS, chat).',
  'workflows:read': 'Read workflows and their runs.',
  'workflows:write': 'Create, change, activate and archive workflows.',
  'billing:read': 'Read the subscription, plan, usage and invoices.',
  'billing:manage': 'Change the subscription, seats and payment details.',
} as const satisfies Record<string, string>;

export type Permission = keyof typeof PERMISSIONS;

/**
 * Permissions that guard sensitive reads: a field or operation that needs one of them is recorded in
 * the audit trail each time it is read (once per request, with the records read).
 */
export const SENSITIVE_READ_PERMISSIONS: readonly Permission[] = [
  'contacts:read_pii',
  'contacts:export',
  'audit:export',
];

export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

const PERMISSION_PATTERN = /^[a-z][a-z_]*:[a-z][a-z_]*$/;

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(PERMISSIONS, value);
}

/** Whether `value` is shaped like a permission (`resource:action`, lower-case and underscores). */
export function isPermissionShaped(value: string): boolean {
  return PERMISSION_PATTERN.test(value);
}

/** The platform's system roles (UNIFICATION.md); 002/004 "user" and 001 "member" are `agent`. */
export const SYSTEM_ROLES = [
  'owner',
  'admin',
  'manager',
  'agent',
  'analyst',
  'support',
  'viewer',
  'integration',
] as const;
export type SystemRole = (typeof SYSTEM_ROLES)[number];

export function isSystemRole(name: string): name is SystemRole {
  return (SYSTEM_ROLES as readonly string[]).includes(name);
}

const except = (...excluded: Permission[]): Permission[] =>
  ALL_PERMISSIONS.filter((permission) => !excluded.includes(permission));

/** Reading the CRM's records beside contacts. */
const CRM_READ: Permission[] = [
  'companies:read',
  'deals:read',
  'interactions:read',
  'tasks:read',
  'tickets:read',
];
/** Working the CRM's records beside contacts. */
const CRM_WRITE: Permission[] = [
  'companies:write',
  'deals:write',
  'interactions:write',
  'tasks:write',
  'tickets:write',
];

const READ_ALL: Permission[] = [
  'organizations:read',
  'users:read',
  'roles:read',
  'contacts:read',
  ...CRM_READ,
  'conversations:read',
  'workflows:read',
  'billing:read',
];

/** What each system role grants, and what it is for. */
export const SYSTEM_ROLE_DEFINITIONS: Readonly<
  Record<SystemRole, { description: string; permissions: readonly Permission[] }>
> = {
  owner: {
    description: 'Owns the organization: every permission, including suspending or cancelling it.',
    permissions: ALL_PERMISSIONS,
  },
  admin: {
    description: 'Full administrative access, except the organization’s status.',
    permissions: except('organizations:manage_status'),
  },
  manager: {
    description: 'Manages a team: invites and manages users, works every record, reads the audit trail.',
    permissions: [
      ...READ_ALL,
      'users:invite',
      'users:update',
      'users:manage_status',
      'audit:read',
      'contacts:read_pii',
      'contacts:write',
      'contacts:delete',
      'contacts:export',
      ...CRM_WRITE,
      'custom_fields:manage',
      'conversations:write',
      'workflows:write',
    ],
  },
  agent: {
    description: 'Standard user: works contacts, the CRM records and conversations.',
    permissions: [...READ_ALL, 'contacts:read_pii', 'contacts:write', ...CRM_WRITE, 'conversations:write'],
  },
  analyst: {
    description: 'Read-only access for analytics: no personal data of contacts.',
    permissions: [...READ_ALL],
  },
  support: {
    description:
      'Support staff: reads contacts with their personal data, works tickets and tasks, answers conversations.',
    permissions: [
      'organizations:read',
      'users:read',
      'contacts:read',
      'contacts:read_pii',
      ...CRM_READ,
      'interactions:write',
      'tasks:write',
      'tickets:write',
      'conversations:read',
      'conversations:write',
    ],
  },
  viewer: {
    description: 'Read-only: sees records without contacts’ personal data and changes nothing.',
    permissions: [
      'organizations:read',
      'users:read',
      'contacts:read',
      ...CRM_READ,
      'conversations:read',
      'workflows:read',
    ],
  },
  integration: {
    description:
      'An external system: reads and writes contacts, the CRM records and conversations, reads workflows.',
    permissions: [
      'organizations:read',
      'users:read',
      'contacts:read',
      'contacts:read_pii',
      'contacts:write',
      ...CRM_READ,
      ...CRM_WRITE,
      'conversations:read',
      'conversations:write',
      'workflows:read',
    ],
  },
};

/** The permission sets of the system roles, by role name. */
export const SYSTEM_ROLE_PERMISSIONS: Readonly<Record<SystemRole, readonly Permission[]>> =
  Object.fromEntries(SYSTEM_ROLES.map((role) => [role, SYSTEM_ROLE_DEFINITIONS[role].permissions])) as Record<
    SystemRole,
    readonly Permission[]
  >;

/** The effective permissions of a set of roles' grants plus direct grants: their union, sorted. */
export function unionOfPermissions(...sets: ReadonlyArray<readonly string[]>): string[] {
  return [...new Set(sets.flat())].sort();
}
