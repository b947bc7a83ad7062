-- CreateEnum
CREATE TYPE "PaymentAttemptStatus" AS ENUM ('requested', 'processing', 'requires_action', 'succeeded', 'failed');

-- CreateTable
CREATE TABLE "payment_customers" (
    "organization_id" UUID NOT NULL,
    "provider" TEXT NOT NULL,
    "provider_customer_id" TEXT NOT NULL,
    "payment_method_id" TEXT,
    "card_brand" TEXT,
    "card_last4" TEXT,
    "card_exp_month" INTEGER,
    "card_exp_year" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "payment_customers_pkey" PRIMARY KEY ("organization_id")
);

-- CreateTable
CREATE TABLE "payment_attempts" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "invoice_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "amount_cents" BIGINT NOT NULL,
    "currency" TEXT NOT NULL,
    "status" "PaymentAttemptStatus" NOT NULL DEFAULT 'requested',
    "provider" TEXT,
    "provider_payment_id" TEXT,
    "failure_code" TEXT,
    "failure_message" TEXT,
    "next_action_url" TEXT,
    "dispatch_count" INTEGER NOT NULL DEFAULT 0,
    "next_dispatch_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_dispatch_error" TEXT,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settled_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "payment_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment_webhook_events" (
    "provider" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "organization_id" UUID NOT NULL,
    "event_type" TEXT NOT NULL,
    "payment_id" TEXT,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payment_webhook_events_pkey" PRIMARY KEY ("provider","event_id")
);

-- CreateIndex
CREATE INDEX "payment_attempts_organization_id_invoice_id_idx" ON "payment_attempts"("organization_id", "invoice_id");

-- CreateIndex
CREATE INDEX "payment_attempts_status_next_dispatch_at_idx" ON "payment_attempts"("status", "next_dispatch_at");

-- CreateIndex
CREATE UNIQUE INDEX "payment_attempts_invoice_id_attempt_key" ON "payment_attempts"("invoice_id", "attempt");



-- Row-level security: every payment table is visible only inside a transaction that set
-- app.organization_id.
ALTER TABLE "payment_customers" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "payment_customers" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "payment_customers" USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);
ALTER TABLE "payment_attempts" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "payment_attempts" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "payment_attempts" USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);
ALTER TABLE "payment_webhook_events" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "payment_webhook_events" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "payment_webhook_events" USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);

-- The payment dispatcher looks for attempts still to send, whatever the organization, then handles each
-- in its organization's tenant transaction: a transaction that set app.payment_dispatch may read
-- requested attempts (nothing else, and never write).
CREATE POLICY payment_dispatch ON "payment_attempts" FOR SELECT
  USING (current_setting('app.payment_dispatch', true) = 'on' AND "status" = 'requested');

-- A webhook names no organization until its payment is fetched from the provider: a transaction that
-- set app.payment_webhooks may read which events were handled already (a redelivery is answered
-- without calling the provider), never write.
CREATE POLICY payment_webhooks ON "payment_webhook_events" FOR SELECT
  USING (current_setting('app.payment_webhooks', true) = 'on');
