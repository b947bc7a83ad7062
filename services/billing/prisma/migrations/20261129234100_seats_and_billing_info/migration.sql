-- CreateEnum
CREATE TYPE "SeatReleaseCause" AS ENUM ('unassigned', 'user_deactivated', 'user_suspended', 'user_deleted', 'subscription_ended');

-- CreateTable
CREATE TABLE "user_references" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "deleted" BOOLEAN NOT NULL DEFAULT false,
    "changed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "user_references_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "seat_ledgers" (
    "organization_id" UUID NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "seat_ledgers_pkey" PRIMARY KEY ("organization_id")
);

-- CreateTable
CREATE TABLE "seat_assignments" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "organization_subscription_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "assigned_by" UUID,
    "assigned_at" TIMESTAMPTZ(3) NOT NULL,
    "start_date" TIMESTAMPTZ(3) NOT NULL,
    "end_date" TIMESTAMPTZ(3),
    "is_active" BOOLEAN NOT NULL,
    "deactivated_at" TIMESTAMPTZ(3),
    "deactivated_by" UUID,
    "deactivation_cause" "SeatReleaseCause",
    "deactivation_reason" TEXT,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "seat_assignments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "billing_info" (
    "organization_id" UUID NOT NULL,
    "personal_data" TEXT,
    "pii_key_id" TEXT,
    "country" TEXT,
    "tax_ids" JSONB NOT NULL DEFAULT '[]',
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "currency_fixed_at" TIMESTAMPTZ(3),
    "updated_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "billing_info_pkey" PRIMARY KEY ("organization_id")
);

-- CreateIndex
CREATE INDEX "user_references_organization_id_idx" ON "user_references"("organization_id");

-- CreateIndex
CREATE INDEX "seat_assignments_organization_id_is_active_created_at_idx" ON "seat_assignments"("organization_id", "is_active", "created_at");

-- CreateIndex
CREATE INDEX "seat_assignments_organization_id_user_id_idx" ON "seat_assignments"("organization_id", "user_id");


-- A user holds at most one active seat of an organization (Prisma models no partial index). The seat
-- module checks it under the organization's seat ledger lock; this index is the last word.
CREATE UNIQUE INDEX "seat_assignments_one_active_per_user" ON "seat_assignments"("organization_id", "user_id") WHERE "is_active";

-- Row-level security: every row is its organization's alone.
ALTER TABLE "user_references" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "user_references" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "user_references" USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);
ALTER TABLE "seat_ledgers" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "seat_ledgers" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "seat_ledgers" USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);
ALTER TABLE "seat_assignments" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "seat_assignments" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "seat_assignments" USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);
ALTER TABLE "billing_info" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "billing_info" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "billing_info" USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);
