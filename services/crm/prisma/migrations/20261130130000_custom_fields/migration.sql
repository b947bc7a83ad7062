-- CreateEnum
CREATE TYPE "CustomFieldEntityType" AS ENUM ('contact', 'company', 'deal', 'interaction');

-- CreateEnum
CREATE TYPE "CustomFieldDataType" AS ENUM ('text', 'long_text', 'number', 'decimal', 'currency', 'boolean', 'date', 'datetime', 'select', 'multiselect', 'email', 'phone', 'url');

-- CreateTable
CREATE TABLE "custom_field_definitions" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "entity_type" "CustomFieldEntityType" NOT NULL,
    "key" VARCHAR(63) NOT NULL,
    "label" VARCHAR(200) NOT NULL,
    "description" TEXT,
    "data_type" "CustomFieldDataType" NOT NULL,
    "is_array" BOOLEAN NOT NULL DEFAULT false,
    "currency_code" CHAR(3),
    "validation" JSONB NOT NULL DEFAULT '{}',
    "options" JSONB NOT NULL DEFAULT '[]',
    "default_value" JSONB,
    "position" INTEGER NOT NULL,
    "created_by" UUID NOT NULL,
    "updated_by" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "archived_at" TIMESTAMPTZ(3),
    "archived_by" UUID,

    CONSTRAINT "custom_field_definitions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "organization_entitlements" (
    "organization_id" UUID NOT NULL,
    "plan_id" VARCHAR(20) NOT NULL,
    "contact_limit" INTEGER,
    "custom_field_limit" INTEGER,
    "subscription_id" UUID NOT NULL,
    "effective_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "organization_entitlements_pkey" PRIMARY KEY ("organization_id")
);

-- CreateIndex
CREATE INDEX "custom_field_definitions_organization_id_entity_type_positi_idx" ON "custom_field_definitions"("organization_id", "entity_type", "position");

-- CreateIndex
CREATE INDEX "custom_field_definitions_organization_id_entity_type_key_idx" ON "custom_field_definitions"("organization_id", "entity_type", "key");


-- A key names one live field per organization and entity type; archived definitions keep theirs, so a
-- new field may take the key of an archived one (the domain allows it only with the same data type,
-- array-ness and currency, as records may still hold values under the key). Prisma models no partial
-- unique index: this one lives here only.
CREATE UNIQUE INDEX "custom_field_definitions_live_key" ON "custom_field_definitions"("organization_id", "entity_type", "key") WHERE "archived_at" IS NULL;

-- Row-level security: both tables are visible only inside a transaction that set app.organization_id
-- (set_config(..., true)). ENABLE + FORCE: the policy binds the table owner too. nullif: after a
-- transaction-local setting ends, the setting reads as ''.
ALTER TABLE "custom_field_definitions" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "custom_field_definitions" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "custom_field_definitions"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);

ALTER TABLE "organization_entitlements" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "organization_entitlements" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "organization_entitlements"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);
