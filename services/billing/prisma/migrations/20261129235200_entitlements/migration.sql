-- CreateTable
CREATE TABLE "organization_entitlements" (
    "organization_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "subscription_id" UUID NOT NULL,
    "plan_id" TEXT NOT NULL,
    "status" "SubscriptionStatus" NOT NULL,
    "contact_limit" INTEGER,
    "custom_field_limit" INTEGER,
    "storage_gb" INTEGER,
    "ai_insights" "AiInsightsLevel" NOT NULL,
    "api_access" "ApiAccessLevel" NOT NULL,
    "interaction_tracking" "InteractionTrackingLevel" NOT NULL,
    "support" "SupportLevel" NOT NULL,
    "seats" INTEGER,
    "changed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "organization_entitlements_pkey" PRIMARY KEY ("organization_id")
);


-- Row-level security: an organization's entitlements are visible only inside a transaction that set
-- app.organization_id (set_config(..., true)). ENABLE + FORCE: the policy binds the table owner too.
-- nullif: after a transaction-local setting ends, the setting reads as ''.
ALTER TABLE "organization_entitlements" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "organization_entitlements" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "organization_entitlements"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);
