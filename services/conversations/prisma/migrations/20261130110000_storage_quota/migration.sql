-- AlterTable
ALTER TABLE "organization_entitlements" ADD COLUMN     "storage_gb" INTEGER;

-- Rows kept before this migration came from events whose storageGb was not copied; NULL would read as
-- unlimited. They get their plan's quota from billing's plan data (free 1, basic 10, pro 100 GB,
-- enterprise unlimited); billing's next billing.entitlements.changed.v1 replaces it as usual. The rows
-- belong to many organizations: row-level security is lifted for the owner meanwhile.
ALTER TABLE "organization_entitlements" NO FORCE ROW LEVEL SECURITY;
UPDATE "organization_entitlements" SET "storage_gb" = CASE "plan_id"
  WHEN 'enterprise' THEN NULL
  WHEN 'pro' THEN 100
  WHEN 'basic' THEN 10
  ELSE 1
END;
ALTER TABLE "organization_entitlements" FORCE ROW LEVEL SECURITY;
