-- CreateEnum
CREATE TYPE "LeadScore" AS ENUM ('hot', 'warm', 'cold');

-- CreateEnum
CREATE TYPE "AiTaskKind" AS ENUM ('classify', 'score', 'reply');

-- CreateEnum
CREATE TYPE "AiTaskStatus" AS ENUM ('queued', 'processing', 'completed', 'failed');

-- CreateEnum
CREATE TYPE "ReplyStatus" AS ENUM ('pending', 'approved', 'rejected', 'sent', 'failed');

-- AlterTable
ALTER TABLE "conversations" ADD COLUMN     "lead_reasoning" TEXT,
ADD COLUMN     "lead_score" "LeadScore",
ADD COLUMN     "lead_scored_at" TIMESTAMPTZ(3),
ADD COLUMN     "lead_signals" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "messages" ADD COLUMN     "delivery_error" VARCHAR(200);

-- CreateTable
CREATE TABLE "organization_entitlements" (
    "organization_id" UUID NOT NULL,
    "plan_id" VARCHAR(50) NOT NULL,
    "ai_insights" VARCHAR(20) NOT NULL,
    "version" INTEGER NOT NULL,
    "changed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "organization_entitlements_pkey" PRIMARY KEY ("organization_id")
);

-- CreateTable
CREATE TABLE "ai_tasks" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "conversation_id" UUID NOT NULL,
    "message_id" UUID NOT NULL,
    "message_sent_at" TIMESTAMPTZ(3) NOT NULL,
    "kind" "AiTaskKind" NOT NULL,
    "status" "AiTaskStatus" NOT NULL DEFAULT 'queued',
    "retry_count" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "provider" VARCHAR(50),
    "model" VARCHAR(100),
    "input_tokens" INTEGER NOT NULL DEFAULT 0,
    "output_tokens" INTEGER NOT NULL DEFAULT 0,
    "result" JSONB,
    "error" VARCHAR(200),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "ai_tasks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reply_drafts" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "conversation_id" UUID NOT NULL,
    "in_reply_to_message_id" UUID NOT NULL,
    "ai_task_id" UUID NOT NULL,
    "text" TEXT NOT NULL,
    "confidence" DOUBLE PRECISION NOT NULL,
    "status" "ReplyStatus" NOT NULL DEFAULT 'pending',
    "auto_approved" BOOLEAN NOT NULL DEFAULT false,
    "decided_by" UUID,
    "decided_at" TIMESTAMPTZ(3),
    "reject_reason" VARCHAR(500),
    "message_id" UUID,
    "error" VARCHAR(200),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "reply_drafts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outbound_deliveries" (
    "message_id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "conversation_id" UUID NOT NULL,
    "message_sent_at" TIMESTAMPTZ(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" VARCHAR(200),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outbound_deliveries_pkey" PRIMARY KEY ("message_id")
);

-- CreateIndex
CREATE INDEX "ai_tasks_status_next_attempt_at_idx" ON "ai_tasks"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "ai_tasks_organization_id_conversation_id_created_at_idx" ON "ai_tasks"("organization_id", "conversation_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "ai_tasks_message_id_kind_key" ON "ai_tasks"("message_id", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "reply_drafts_ai_task_id_key" ON "reply_drafts"("ai_task_id");

-- CreateIndex
CREATE UNIQUE INDEX "reply_drafts_message_id_key" ON "reply_drafts"("message_id");

-- CreateIndex
CREATE INDEX "reply_drafts_organization_id_status_created_at_idx" ON "reply_drafts"("organization_id", "status", "created_at");

-- CreateIndex
CREATE INDEX "reply_drafts_organization_id_conversation_id_created_at_idx" ON "reply_drafts"("organization_id", "conversation_id", "created_at");

-- CreateIndex
CREATE INDEX "outbound_deliveries_next_attempt_at_idx" ON "outbound_deliveries"("next_attempt_at");

-- Row-level security: tenant rows are visible only inside a transaction that set app.organization_id.
ALTER TABLE "organization_entitlements" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "organization_entitlements" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "organization_entitlements"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);

-- Row-level security: tenant rows are visible only inside a transaction that set app.organization_id.
ALTER TABLE "ai_tasks" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ai_tasks" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "ai_tasks"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);

-- Row-level security: tenant rows are visible only inside a transaction that set app.organization_id.
ALTER TABLE "reply_drafts" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "reply_drafts" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "reply_drafts"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);

-- Row-level security: tenant rows are visible only inside a transaction that set app.organization_id.
ALTER TABLE "outbound_deliveries" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "outbound_deliveries" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "outbound_deliveries"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);

-- The workers' narrow cross-tenant doors: which AI tasks and which sends are due, across organizations.
-- A transaction that turned the flag on may read, never write; claims and results run in the row's
-- tenant transaction.
CREATE POLICY ai_tasks_due ON "ai_tasks" FOR SELECT
  USING (current_setting('app.ai_tasks', true) = 'on');
CREATE POLICY outbound_deliveries_due ON "outbound_deliveries" FOR SELECT
  USING (current_setting('app.outbound_deliveries', true) = 'on');
