-- CreateEnum
CREATE TYPE "ApiAccessLevel" AS ENUM ('read_only', 'full');

-- CreateTable
CREATE TABLE "organization_api_access" (
    "organization_id" UUID NOT NULL,
    "plan_id" VARCHAR(20) NOT NULL,
    "api_access" "ApiAccessLevel" NOT NULL,
    "version" INTEGER NOT NULL,
    "changed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "organization_api_access_pkey" PRIMARY KEY ("organization_id")
);


-- Row-level security: an organization's row is visible only inside a transaction that set
-- app.organization_id (set_config(..., true)). ENABLE + FORCE: the policy binds the table owner too.
-- nullif: after a transaction-local setting ends, the setting reads as ''.
ALTER TABLE "organization_api_access" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "organization_api_access" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "organization_api_access"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);
