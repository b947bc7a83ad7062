-- CreateEnum
CREATE TYPE "PipelineStageKind" AS ENUM ('open', 'won', 'lost');

-- CreateEnum
CREATE TYPE "DealStatus" AS ENUM ('open', 'won', 'lost');

-- CreateTable
CREATE TABLE "pipelines" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "is_default" BOOLEAN NOT NULL DEFAULT false,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_by" UUID NOT NULL,
    "updated_by" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "pipelines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pipeline_stages" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "pipeline_id" UUID NOT NULL,
    "name" VARCHAR(64) NOT NULL,
    "position" INTEGER NOT NULL,
    "probability" INTEGER NOT NULL,
    "kind" "PipelineStageKind" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "removed_at" TIMESTAMPTZ(3),

    CONSTRAINT "pipeline_stages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "deals" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "pipeline_id" UUID NOT NULL,
    "stage_id" UUID NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "description" TEXT,
    "amount" DECIMAL(19,4),
    "currency" CHAR(3) NOT NULL,
    "probability" INTEGER NOT NULL,
    "expected_close_date" DATE,
    "actual_close_date" DATE,
    "status" "DealStatus" NOT NULL DEFAULT 'open',
    "lost_reason" VARCHAR(1000),
    "contact_id" UUID,
    "company_id" UUID,
    "owner_id" UUID,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "custom_fields" JSONB NOT NULL DEFAULT '{}',
    "version" INTEGER NOT NULL DEFAULT 1,
    "stage_entered_at" TIMESTAMPTZ(3) NOT NULL,
    "created_by" UUID NOT NULL,
    "updated_by" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "deals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "deal_stage_history" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "deal_id" UUID NOT NULL,
    "from_stage_id" UUID,
    "to_stage_id" UUID NOT NULL,
    "moved_by" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "deal_stage_history_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "pipelines_organization_id_created_at_id_idx" ON "pipelines"("organization_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "pipeline_stages_organization_id_pipeline_id_position_idx" ON "pipeline_stages"("organization_id", "pipeline_id", "position");

-- CreateIndex
CREATE INDEX "deals_organization_id_created_at_id_idx" ON "deals"("organization_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "deals_organization_id_pipeline_id_stage_id_idx" ON "deals"("organization_id", "pipeline_id", "stage_id");

-- CreateIndex
CREATE INDEX "deals_organization_id_owner_id_idx" ON "deals"("organization_id", "owner_id");

-- CreateIndex
CREATE INDEX "deals_organization_id_contact_id_idx" ON "deals"("organization_id", "contact_id");

-- CreateIndex
CREATE INDEX "deals_organization_id_company_id_idx" ON "deals"("organization_id", "company_id");

-- CreateIndex
CREATE INDEX "deals_organization_id_expected_close_date_idx" ON "deals"("organization_id", "expected_close_date");

-- CreateIndex
CREATE INDEX "deal_stage_history_organization_id_deal_id_created_at_id_idx" ON "deal_stage_history"("organization_id", "deal_id", "created_at", "id");

-- AddForeignKey
ALTER TABLE "pipeline_stages" ADD CONSTRAINT "pipeline_stages_pipeline_id_fkey" FOREIGN KEY ("pipeline_id") REFERENCES "pipelines"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deals" ADD CONSTRAINT "deals_pipeline_id_fkey" FOREIGN KEY ("pipeline_id") REFERENCES "pipelines"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deals" ADD CONSTRAINT "deals_stage_id_fkey" FOREIGN KEY ("stage_id") REFERENCES "pipeline_stages"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deals" ADD CONSTRAINT "deals_contact_id_fkey" FOREIGN KEY ("contact_id") REFERENCES "contacts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deal_stage_history" ADD CONSTRAINT "deal_stage_history_deal_id_fkey" FOREIGN KEY ("deal_id") REFERENCES "deals"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deal_stage_history" ADD CONSTRAINT "deal_stage_history_from_stage_id_fkey" FOREIGN KEY ("from_stage_id") REFERENCES "pipeline_stages"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deal_stage_history" ADD CONSTRAINT "deal_stage_history_to_stage_id_fkey" FOREIGN KEY ("to_stage_id") REFERENCES "pipeline_stages"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Rules the domain also checks, kept by the tables whatever writes to them.
ALTER TABLE "pipelines" ADD CONSTRAINT "pipelines_currency_iso" CHECK ("currency" ~ '^[A-Z]{3}$');
ALTER TABLE "pipelines" ADD CONSTRAINT "pipelines_version_positive" CHECK ("version" >= 1);
-- A won stage wins (100 %), a lost stage loses (0 %).
ALTER TABLE "pipeline_stages" ADD CONSTRAINT "pipeline_stages_probability" CHECK (
  "probability" BETWEEN 0 AND 100
  AND ("kind" <> 'won' OR "probability" = 100)
  AND ("kind" <> 'lost' OR "probability" = 0)
);
ALTER TABLE "pipeline_stages" ADD CONSTRAINT "pipeline_stages_position_not_negative" CHECK ("position" >= 0);
ALTER TABLE "deals" ADD CONSTRAINT "deals_amount_not_negative" CHECK ("amount" >= 0);
ALTER TABLE "deals" ADD CONSTRAINT "deals_currency_iso" CHECK ("currency" ~ '^[A-Z]{3}$');
ALTER TABLE "deals" ADD CONSTRAINT "deals_probability" CHECK ("probability" BETWEEN 0 AND 100);
ALTER TABLE "deals" ADD CONSTRAINT "deals_version_positive" CHECK ("version" >= 1);
-- A deal has a close date exactly while it is won or lost, and a lost reason only while lost.
ALTER TABLE "deals" ADD CONSTRAINT "deals_closing" CHECK (
  ("status" = 'open') = ("actual_close_date" IS NULL) AND ("lost_reason" IS NULL OR "status" = 'lost')
);

-- Uniqueness among live rows only, as exclusion constraints (a plain unique index cannot ignore deleted
-- rows, and Prisma leaves exclusion constraints alone in later diffs). Every pipeline write takes the
-- organization's pipeline lock and checks these first (docs/decisions.md); these are the backstop.
-- One live pipeline per name (case-insensitive) and one live default pipeline per organization.
ALTER TABLE "pipelines" ADD CONSTRAINT "pipelines_live_name_unique" EXCLUDE USING btree (
  "organization_id" WITH =,
  (lower("name")) WITH =
) WHERE ("deleted_at" IS NULL);
ALTER TABLE "pipelines" ADD CONSTRAINT "pipelines_one_default" EXCLUDE USING btree (
  "organization_id" WITH =
) WHERE ("is_default" AND "deleted_at" IS NULL);
-- A pipeline's live stages: one per place and one per name. Checked at commit (DEFERRABLE INITIALLY
-- DEFERRED): reordering or swapping names writes stage by stage and passes through duplicates.
ALTER TABLE "pipeline_stages" ADD CONSTRAINT "pipeline_stages_live_position_unique" EXCLUDE USING btree (
  "pipeline_id" WITH =,
  "position" WITH =
) WHERE ("removed_at" IS NULL) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE "pipeline_stages" ADD CONSTRAINT "pipeline_stages_live_name_unique" EXCLUDE USING btree (
  "pipeline_id" WITH =,
  (lower("name")) WITH =
) WHERE ("removed_at" IS NULL) DEFERRABLE INITIALLY DEFERRED;

-- Row-level security: these rows are visible only inside a transaction that set app.organization_id
-- (set_config(..., true)). ENABLE + FORCE: the policy binds the table owner too. nullif: after a
-- transaction-local setting ends, the setting reads as ''.
ALTER TABLE "pipelines" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "pipelines" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "pipelines"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);

ALTER TABLE "pipeline_stages" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "pipeline_stages" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "pipeline_stages"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);

ALTER TABLE "deals" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "deals" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "deals"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);

ALTER TABLE "deal_stage_history" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "deal_stage_history" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "deal_stage_history"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);
