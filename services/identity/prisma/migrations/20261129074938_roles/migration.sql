/*
  Warnings:

  - You are about to drop the column `roles` on the `users` table. All the data in the column will be lost.

*/

-- CreateTable
CREATE TABLE "roles" (
    "id" UUID NOT NULL,
    "organization_id" UUID,
    "name" VARCHAR(100) NOT NULL,
    "description" VARCHAR(1000),
    "permissions" TEXT[],
    "is_system" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "roles_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "user_roles" (
    "user_id" UUID NOT NULL,
    "role_id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "assigned_by_id" UUID,
    "assigned_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_roles_pkey" PRIMARY KEY ("user_id","role_id")
);

-- CreateTable
CREATE TABLE "user_permissions" (
    "user_id" UUID NOT NULL,
    "permission" VARCHAR(100) NOT NULL,
    "organization_id" UUID NOT NULL,
    "granted_by_id" UUID,
    "granted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "user_permissions_pkey" PRIMARY KEY ("user_id","permission")
);

-- CreateIndex
CREATE UNIQUE INDEX "roles_organization_id_name_key" ON "roles"("organization_id", "name");

-- CreateIndex
CREATE INDEX "user_roles_role_id_idx" ON "user_roles"("role_id");

-- CreateIndex
CREATE INDEX "user_roles_organization_id_idx" ON "user_roles"("organization_id");

-- CreateIndex
CREATE INDEX "user_permissions_organization_id_idx" ON "user_permissions"("organization_id");

-- AddForeignKey
ALTER TABLE "roles" ADD CONSTRAINT "roles_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_roles" ADD CONSTRAINT "user_roles_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_roles" ADD CONSTRAINT "user_roles_role_id_fkey" FOREIGN KEY ("role_id") REFERENCES "roles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "user_permissions" ADD CONSTRAINT "user_permissions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- System role names are unique among the system roles (NULLs are distinct in the unique index above),
-- and no organization's custom role may take one.
CREATE UNIQUE INDEX "roles_system_name_key" ON "roles"("name") WHERE "organization_id" IS NULL;
ALTER TABLE "roles" ADD CONSTRAINT "roles_system_rows" CHECK (("organization_id" IS NULL) = "is_system");
ALTER TABLE "roles" ADD CONSTRAINT "roles_custom_names" CHECK (
  "is_system" OR "name" NOT IN ('owner', 'admin', 'manager', 'agent', 'analyst', 'support', 'viewer', 'integration'));

-- The platform's system roles and their permission sets (packages/domain/src/permissions.ts; a test
-- proves these rows equal that data). A change to the catalog comes with a migration that updates them.
INSERT INTO "roles" ("id", "name", "description", "permissions", "is_system", "updated_at") VALUES
  ('a2ab1423-3143-42d4-a02a-e7dd19849b9c', 'owner', 'Owns the organization: every permission, including suspending or cancelling it.', ARRAY['organizations:read', 'organizations:update', 'organizations:manage_status', 'organizations:manage_clients', 'users:read', 'users:invite', 'users:update', 'users:manage_status', 'roles:read', 'roles:manage', 'api_keys:read', 'api_keys:manage', 'audit:read', 'audit:export', 'contacts:read', 'contacts:read_pii', 'contacts:write', 'contacts:delete', 'contacts:export', 'conversations:read', 'conversations:write', 'workflows:read', 'workflows:write', 'billing:read', 'billing:manage']::text[], true, CURRENT_TIMESTAMP),
  ('571f17d4-948d-4082-a9b0-e40b25bd26ad', 'admin', 'Full administrative access, except the organization’s status.', ARRAY['organizations:read', 'organizations:update', 'organizations:manage_clients', 'users:read', 'users:invite', 'users:update', 'users:manage_status', 'roles:read', 'roles:manage', 'api_keys:read', 'api_keys:manage', 'audit:read', 'audit:export', 'contacts:read', 'contacts:read_pii', 'contacts:write', 'contacts:delete', 'contacts:export', 'conversations:read', 'conversations:write', 'workflows:read', 'workflows:write', 'billing:read', 'billing:manage']::text[], true, CURRENT_TIMESTAMP),
  ('d3941131-81d5-44af-acbc-8e53de005070', 'manager', 'Manages a team: invites and manages users, works every record, reads the audit trail.', ARRAY['organizations:read', 'users:read', 'roles:read', 'contacts:read', 'conversations:read', 'workflows:read', 'billing:read', 'users:invite', 'users:update', 'users:manage_status', 'audit:read', 'contacts:read_pii', 'contacts:write', 'contacts:delete', 'contacts:export', 'conversations:write', 'workflows:write']::text[], true, CURRENT_TIMESTAMP),
  ('4b184270-903c-4972-a4fa-607acde326f3', 'agent', 'Standard user: works contacts and conversations.', ARRAY['organizations:read', 'users:read', 'roles:read', 'contacts:read', 'conversations:read', 'workflows:read', 'billing:read', 'contacts:read_pii', 'contacts:write', 'conversations:write']::text[], true, CURRENT_TIMESTAMP),
  ('9f3096e8-ddc3-4ac2-affd-94fa2f62af69', 'analyst', 'Read-only access for analytics: no personal data of contacts.', ARRAY['organizations:read', 'users:read', 'roles:read', 'contacts:read', 'conversations:read', 'workflows:read', 'billing:read']::text[], true, CURRENT_TIMESTAMP),
  ('30edf257-7e17-45b5-818a-727b6086966f', 'support', 'Support staff: reads contacts with their personal data and answers conversations.', ARRAY['organizations:read', 'users:read', 'contacts:read', 'contacts:read_pii', 'conversations:read', 'conversations:write']::text[], true, CURRENT_TIMESTAMP),
  ('99b2160c-b5e7-4d5b-93ed-953a63bafa53', 'viewer', 'Read-only: sees records without contacts’ personal data and changes nothing.', ARRAY['organizations:read', 'users:read', 'contacts:read', 'conversations:read', 'workflows:read']::text[], true, CURRENT_TIMESTAMP),
  ('01c4e108-0c4b-49ef-aa97-a9a31466ee17', 'integration', 'An external system: reads and writes contacts and conversations, reads workflows.', ARRAY['organizations:read', 'users:read', 'contacts:read', 'contacts:read_pii', 'contacts:write', 'conversations:read', 'conversations:write', 'workflows:read']::text[], true, CURRENT_TIMESTAMP);

-- The roles users held in users.roles become assignments (a role name no system role has is dropped:
-- none existed before custom roles).
INSERT INTO "user_roles" ("user_id", "role_id", "organization_id")
SELECT u."id", r."id", u."organization_id"
FROM "users" u CROSS JOIN LATERAL unnest(u."roles") AS held(name)
JOIN "roles" r ON r."name" = held.name AND r."organization_id" IS NULL;

ALTER TABLE "users" DROP COLUMN "roles";

-- Row-level security. Roles: every organization reads the system rows (organization_id NULL) and its
-- own custom ones, and writes only its own (system rows are read-only to the application).
ALTER TABLE "roles" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "roles" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_read ON "roles" FOR SELECT
  USING ("organization_id" IS NULL OR "organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);
CREATE POLICY tenant_isolation ON "roles"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);

ALTER TABLE "user_roles" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "user_roles" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "user_roles"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);

ALTER TABLE "user_permissions" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "user_permissions" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "user_permissions"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);

-- Signing in reads the user's roles before the organization is known (like users, read only).
CREATE POLICY auth_lookup ON "roles" FOR SELECT
  USING (current_setting('app.auth_lookup', true) = 'on');
CREATE POLICY auth_lookup ON "user_roles" FOR SELECT
  USING (current_setting('app.auth_lookup', true) = 'on');
CREATE POLICY auth_lookup ON "user_permissions" FOR SELECT
  USING (current_setting('app.auth_lookup', true) = 'on');
