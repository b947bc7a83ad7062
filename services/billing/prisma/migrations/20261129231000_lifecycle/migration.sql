-- CreateEnum
CREATE TYPE "InvoiceStatus" AS ENUM ('draft', 'open', 'paid', 'void', 'uncollectible');

-- CreateEnum
CREATE TYPE "InvoiceKind" AS ENUM ('first_period', 'renewal', 'proration', 'reactivation');

-- CreateEnum
CREATE TYPE "InvoiceLineKind" AS ENUM ('subscription', 'proration_credit', 'proration_charge', 'credit_balance_applied', 'usage');

-- AlterTable: the new columns, filled for the subscriptions that exist (all provisioned Free ones,
-- active, monthly, anchored on their start), then made required.
ALTER TABLE "organization_subscriptions" ADD COLUMN     "cancel_at_period_end" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "canceled_at" TIMESTAMPTZ(3),
ADD COLUMN     "current_period_end" TIMESTAMPTZ(3),
ADD COLUMN     "current_period_start" TIMESTAMPTZ(3),
ADD COLUMN     "metadata" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "next_action_at" TIMESTAMPTZ(3),
ADD COLUMN     "seat_price_monthly_cents" BIGINT,
ADD COLUMN     "state" JSONB,
ADD COLUMN     "trial_ends_at" TIMESTAMPTZ(3);

UPDATE "organization_subscriptions" s SET
  "seat_price_monthly_cents" = COALESCE(p."seat_price_monthly_cents", 0),
  "current_period_start" = s."start_date",
  "current_period_end" = s."start_date" + interval '1 month',
  "next_action_at" = CASE WHEN s."status" IN ('pending', 'active', 'past_due', 'canceled')
                          THEN s."start_date" + interval '1 month' END,
  "state" = jsonb_build_object(
    'status', s."status"::text,
    'plan', jsonb_build_object(
      'id', p."id", 'name', p."name",
      'seatPriceMonthlyCents', COALESCE(p."seat_price_monthly_cents", 0)::text,
      'entitlements', jsonb_build_object(
        'contactLimit', p."contact_limit", 'customFieldLimit', p."custom_field_limit",
        'storageGb', p."storage_gb", 'aiInsights', p."ai_insights"::text,
        'apiAccess', p."api_access"::text, 'interactionTracking', p."interaction_tracking"::text,
        'support', p."support"::text)),
    'seats', COALESCE(s."seats_limit", 1),
    'cycle', s."billing_cycle"::text,
    'anchor', to_char(s."start_date" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'period', jsonb_build_object(
      'start', to_char(s."start_date" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'end', to_char((s."start_date" + interval '1 month') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
    'creditBalanceCents', '0',
    'trialEndsAt', NULL,
    'cancelAtPeriodEnd', false,
    'pendingChange', NULL,
    'openInvoice', NULL)
FROM "plans" p WHERE p."id" = s."plan_id";

ALTER TABLE "organization_subscriptions" ALTER COLUMN "current_period_end" SET NOT NULL,
ALTER COLUMN "current_period_start" SET NOT NULL,
ALTER COLUMN "seat_price_monthly_cents" SET NOT NULL,
ALTER COLUMN "state" SET NOT NULL;

-- CreateTable
CREATE TABLE "invoices" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "subscription_id" UUID NOT NULL,
    "sequence" INTEGER NOT NULL,
    "kind" "InvoiceKind" NOT NULL,
    "status" "InvoiceStatus" NOT NULL,
    "currency" TEXT NOT NULL,
    "subtotal_cents" BIGINT NOT NULL,
    "total_cents" BIGINT NOT NULL,
    "amount_due_cents" BIGINT NOT NULL,
    "amount_paid_cents" BIGINT NOT NULL DEFAULT 0,
    "credit_carried_cents" BIGINT NOT NULL,
    "period_start" TIMESTAMPTZ(3),
    "period_end" TIMESTAMPTZ(3),
    "issued_at" TIMESTAMPTZ(3) NOT NULL,
    "paid_at" TIMESTAMPTZ(3),
    "voided_at" TIMESTAMPTZ(3),
    "void_reason" TEXT,
    "attempt_count" INTEGER NOT NULL DEFAULT 0,
    "document" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "invoices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "invoice_lines" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "invoice_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "kind" "InvoiceLineKind" NOT NULL,
    "description" TEXT NOT NULL,
    "plan_id" TEXT,
    "seats" INTEGER,
    "quantity" BIGINT,
    "period_start" TIMESTAMPTZ(3),
    "period_end" TIMESTAMPTZ(3),
    "amount_cents" BIGINT NOT NULL,

    CONSTRAINT "invoice_lines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "invoice_counters" (
    "organization_id" UUID NOT NULL,
    "last_sequence" INTEGER NOT NULL,

    CONSTRAINT "invoice_counters_pkey" PRIMARY KEY ("organization_id")
);

-- CreateIndex
CREATE INDEX "invoices_organization_id_issued_at_idx" ON "invoices"("organization_id", "issued_at");

-- CreateIndex
CREATE UNIQUE INDEX "invoices_organization_id_sequence_key" ON "invoices"("organization_id", "sequence");

-- CreateIndex
CREATE UNIQUE INDEX "invoice_lines_invoice_id_position_key" ON "invoice_lines"("invoice_id", "position");

-- CreateIndex
CREATE INDEX "organization_subscriptions_next_action_at_idx" ON "organization_subscriptions"("next_action_at");

-- AddForeignKey
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_subscription_id_fkey" FOREIGN KEY ("subscription_id") REFERENCES "organization_subscriptions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invoice_lines" ADD CONSTRAINT "invoice_lines_invoice_id_fkey" FOREIGN KEY ("invoice_id") REFERENCES "invoices"("id") ON DELETE CASCADE ON UPDATE CASCADE;



-- Tenant isolation (packages/service-kit tenantIsolationPolicySql).
ALTER TABLE "invoices" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "invoices" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "invoices" USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);
ALTER TABLE "invoice_lines" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "invoice_lines" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "invoice_lines" USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);
ALTER TABLE "invoice_counters" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "invoice_counters" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "invoice_counters" USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);

-- The scheduler's narrow cross-tenant door: a transaction that turned app.billing_schedule on may read
-- (never write) every organization's subscriptions, to find those whose next timed event is due; it
-- then handles each in that organization's own tenant transaction.
CREATE POLICY billing_schedule ON "organization_subscriptions" FOR SELECT
  USING (current_setting('app.billing_schedule', true) = 'on');
