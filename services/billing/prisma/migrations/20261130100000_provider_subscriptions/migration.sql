-- AlterTable
ALTER TABLE "organization_subscriptions" ADD COLUMN     "external_canceled_at" TIMESTAMPTZ(3),
ADD COLUMN     "external_provider" TEXT;


-- The provider subscription sync (the payment dispatcher's) looks for subscriptions whose provider-side
-- subscription is missing (live, paid, none there yet, or the last one canceled) or is to be canceled
-- (billing's is over or costs nothing now), whatever the organization; then handles each in its
-- organization's tenant transaction. These partial indexes keep that look on the few rows concerned.
CREATE INDEX "organization_subscriptions_provider_create_idx" ON "organization_subscriptions" ("updated_at")
  WHERE "status" IN ('pending', 'active', 'past_due') AND "seat_price_monthly_cents" > 0
    AND ("external_reference" IS NULL OR "external_canceled_at" IS NOT NULL);
CREATE INDEX "organization_subscriptions_provider_cancel_idx" ON "organization_subscriptions" ("updated_at")
  WHERE "external_reference" IS NOT NULL AND "external_canceled_at" IS NULL
    AND ("status" IN ('canceled', 'expired') OR "seat_price_monthly_cents" = 0);

-- A transaction that set app.provider_subscription_sync may read (never write) every organization's
-- subscriptions and which of them have a customer at the provider; each change is then made in the
-- organization's own tenant transaction.
CREATE POLICY provider_subscription_sync ON "organization_subscriptions" FOR SELECT
  USING (current_setting('app.provider_subscription_sync', true) = 'on');
CREATE POLICY provider_subscription_sync ON "payment_customers" FOR SELECT
  USING (current_setting('app.provider_subscription_sync', true) = 'on');
