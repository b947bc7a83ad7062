-- AlterTable
ALTER TABLE "organization_entitlements" ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 0;


-- Rows written from billing.subscription.activated.v1 (before billing versioned entitlements) keep
-- their limits as version 0: billing's first billing.entitlements.changed.v1 (version 1 or more) for
-- the organization replaces them. Nothing else changes; the table keeps its row-level security.
