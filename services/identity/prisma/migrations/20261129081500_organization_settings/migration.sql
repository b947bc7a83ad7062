-- CreateEnum
CREATE TYPE "SuspendedBy" AS ENUM ('owner', 'agency', 'platform');

-- CreateEnum
CREATE TYPE "ConfigurationValueType" AS ENUM ('string', 'number', 'boolean', 'json');

-- AlterTable
ALTER TABLE "organizations" ADD COLUMN     "business_hours" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "domain" VARCHAR(100),
ADD COLUMN     "health_red_days" INTEGER NOT NULL DEFAULT 14,
ADD COLUMN     "health_yellow_days" INTEGER NOT NULL DEFAULT 7,
ADD COLUMN     "logo_url" VARCHAR(500),
ADD COLUMN     "pipeline_stages" TEXT[] DEFAULT ARRAY['Onboarding', 'Installation', 'Audit', 'Live', 'Needs Support', 'Off-Boarding']::TEXT[],
ADD COLUMN     "status_changed_at" TIMESTAMPTZ(3),
ADD COLUMN     "status_reason" VARCHAR(500),
ADD COLUMN     "suspended_by" "SuspendedBy",
ADD COLUMN     "timezone" VARCHAR(50) NOT NULL DEFAULT 'UTC';

-- CreateTable
CREATE TABLE "organization_configuration" (
    "organization_id" UUID NOT NULL,
    "key" VARCHAR(100) NOT NULL,
    "value" JSONB NOT NULL,
    "value_type" "ConfigurationValueType" NOT NULL,
    "updated_by_id" UUID,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "organization_configuration_pkey" PRIMARY KEY ("organization_id","key")
);

-- CreateIndex
CREATE UNIQUE INDEX "organizations_domain_key" ON "organizations"("domain");

-- AddForeignKey
ALTER TABLE "organization_configuration" ADD CONSTRAINT "organization_configuration_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;


ALTER TABLE "organization_configuration" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "organization_configuration" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "organization_configuration"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);

-- An agency reads the organization rows of the client organizations it manages (their names, status
-- and settings: what listing and switching into them needs), never their data. Writes to a client's row
-- run in the client's own tenant transaction.
CREATE POLICY agency_clients ON "organizations" FOR SELECT
  USING ("parent_organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);
