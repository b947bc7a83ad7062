/*
  Warnings:

  - Added the required column `ai_insights` to the `plans` table without a default value. This is not possible if the table is not empty.
  - Added the required column `api_access` to the `plans` table without a default value. This is not possible if the table is not empty.
  - Added the required column `description` to the `plans` table without a default value. This is not possible if the table is not empty.
  - Added the required column `interaction_tracking` to the `plans` table without a default value. This is not possible if the table is not empty.
  - Added the required column `sort_order` to the `plans` table without a default value. This is not possible if the table is not empty.
  - Added the required column `support` to the `plans` table without a default value. This is not possible if the table is not empty.

*/
-- CreateEnum
CREATE TYPE "AiInsightsLevel" AS ENUM ('none', 'basic', 'advanced', 'custom');

-- CreateEnum
CREATE TYPE "ApiAccessLevel" AS ENUM ('read_only', 'full');

-- CreateEnum
CREATE TYPE "InteractionTrackingLevel" AS ENUM ('limited', 'full');

-- CreateEnum
CREATE TYPE "SupportLevel" AS ENUM ('community', 'email', 'priority', 'dedicated');

-- CreateEnum
CREATE TYPE "SubscriptionStatus" AS ENUM ('pending', 'active', 'past_due', 'canceled', 'expired');

-- CreateEnum
CREATE TYPE "BillingCycle" AS ENUM ('monthly', 'annual');

-- AlterTable
ALTER TABLE "plans" ADD COLUMN     "ai_insights" "AiInsightsLevel" NOT NULL,
ADD COLUMN     "api_access" "ApiAccessLevel" NOT NULL,
ADD COLUMN     "contact_limit" INTEGER,
ADD COLUMN     "custom_field_limit" INTEGER,
ADD COLUMN     "default_seats" INTEGER,
ADD COLUMN     "description" TEXT NOT NULL,
ADD COLUMN     "interaction_tracking" "InteractionTrackingLevel" NOT NULL,
ADD COLUMN     "seat_price_monthly_cents" INTEGER,
ADD COLUMN     "sort_order" INTEGER NOT NULL,
ADD COLUMN     "storage_gb" INTEGER,
ADD COLUMN     "support" "SupportLevel" NOT NULL;

-- CreateTable
CREATE TABLE "organization_subscriptions" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "plan_id" TEXT NOT NULL,
    "status" "SubscriptionStatus" NOT NULL,
    "billing_cycle" "BillingCycle" NOT NULL DEFAULT 'monthly',
    "seats_limit" INTEGER,
    "start_date" TIMESTAMPTZ(3) NOT NULL,
    "end_date" TIMESTAMPTZ(3),
    "external_reference" TEXT,
    "created_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "organization_subscriptions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outbox_events" (
    "seq" BIGSERIAL NOT NULL,
    "id" UUID NOT NULL,
    "topic" TEXT NOT NULL,
    "partition_key" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,

    CONSTRAINT "outbox_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "processed_events" (
    "consumer_group" TEXT NOT NULL,
    "event_id" UUID NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_events_pkey" PRIMARY KEY ("consumer_group","event_id")
);

-- CreateIndex
CREATE INDEX "organization_subscriptions_organization_id_status_idx" ON "organization_subscriptions"("organization_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_events_seq_key" ON "outbox_events"("seq");

-- CreateIndex
CREATE INDEX "outbox_events_published_at_seq_idx" ON "outbox_events"("published_at", "seq");

-- AddForeignKey
ALTER TABLE "organization_subscriptions" ADD CONSTRAINT "organization_subscriptions_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The plans and their feature matrix (EMMA's subscription plans). Limits of NULL mean unlimited;
-- a NULL seat price means custom pricing. Seat counts per plan are the platform's choice
-- (docs/decisions.md).
INSERT INTO "plans" ("id", "name", "description", "seat_price_monthly_cents", "default_seats",
  "contact_limit", "custom_field_limit", "storage_gb", "ai_insights", "api_access",
  "interaction_tracking", "support", "sort_order", "updated_at")
VALUES
  ('free', 'Free', 'Limited access for small teams', 0, 3,
    100, 5, 1, 'none', 'read_only', 'limited', 'community', 1, CURRENT_TIMESTAMP),
  ('basic', 'Basic', 'For growing teams', 2900, 10,
    1000, 20, 10, 'basic', 'full', 'full', 'email', 2, CURRENT_TIMESTAMP),
  ('pro', 'Professional', 'For established businesses', 9900, 50,
    10000, 100, 100, 'advanced', 'full', 'full', 'priority', 3, CURRENT_TIMESTAMP),
  ('enterprise', 'Enterprise', 'For large organizations', NULL, NULL,
    NULL, NULL, NULL, 'custom', 'full', 'full', 'dedicated', 4, CURRENT_TIMESTAMP);

-- Row-level security: subscriptions are visible only inside a transaction that set
-- app.organization_id. Plans are global (no tenant column) and stay readable to all.
ALTER TABLE "organization_subscriptions" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "organization_subscriptions" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "organization_subscriptions"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);
