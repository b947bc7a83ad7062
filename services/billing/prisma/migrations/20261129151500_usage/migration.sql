-- CreateEnum
CREATE TYPE "UsageMetric" AS ENUM ('contacts', 'custom_fields', 'storage_bytes', 'api_calls', 'ai_tokens', 'ai_tasks');

-- CreateTable
CREATE TABLE "usage_sources" (
    "organization_id" UUID NOT NULL,
    "metric" "UsageMetric" NOT NULL,
    "source_key" VARCHAR(200) NOT NULL,
    "amount" BIGINT NOT NULL,
    "measured_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "usage_sources_pkey" PRIMARY KEY ("organization_id","metric","source_key")
);

-- CreateTable
CREATE TABLE "usage_records" (
    "organization_id" UUID NOT NULL,
    "metric" "UsageMetric" NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "quantity" BIGINT NOT NULL,
    "peak" BIGINT,

    CONSTRAINT "usage_records_pkey" PRIMARY KEY ("organization_id","metric","hour")
);

-- CreateTable
CREATE TABLE "usage_gauges" (
    "organization_id" UUID NOT NULL,
    "metric" "UsageMetric" NOT NULL,
    "value" BIGINT NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "usage_gauges_pkey" PRIMARY KEY ("organization_id","metric")
);

-- CreateTable
CREATE TABLE "usage_alerts" (
    "organization_id" UUID NOT NULL,
    "metric" "UsageMetric" NOT NULL,
    "threshold" INTEGER NOT NULL,
    "limit_value" BIGINT NOT NULL,
    "used" BIGINT NOT NULL,
    "reached_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "usage_alerts_pkey" PRIMARY KEY ("organization_id","metric","threshold")
);


-- Row-level security: usage is visible only inside a transaction that set app.organization_id.
ALTER TABLE "usage_sources" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "usage_sources" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "usage_sources" USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);
ALTER TABLE "usage_records" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "usage_records" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "usage_records" USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);
ALTER TABLE "usage_gauges" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "usage_gauges" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "usage_gauges" USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);
ALTER TABLE "usage_alerts" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "usage_alerts" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "usage_alerts" USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);
