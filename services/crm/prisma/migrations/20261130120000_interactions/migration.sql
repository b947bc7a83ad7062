-- CreateEnum
CREATE TYPE "InteractionType" AS ENUM ('Email', 'Call', 'Meeting', 'Sms', 'Chat', 'Form', 'WebVisit', 'Social', 'Document', 'System', 'Note', 'Task');

-- CreateEnum
CREATE TYPE "InteractionDirection" AS ENUM ('Inbound', 'Outbound', 'SystemGenerated');

-- CreateEnum
CREATE TYPE "InteractionStatus" AS ENUM ('Draft', 'Pending', 'InProgress', 'Completed', 'Failed', 'Cancelled', 'Snoozed');

-- CreateEnum
CREATE TYPE "InteractionPriority" AS ENUM ('Low', 'Normal', 'High', 'Urgent');

-- CreateEnum
CREATE TYPE "InteractionChannel" AS ENUM ('Email', 'Phone', 'SMS', 'WhatsApp', 'Web', 'MobileApp', 'InPerson', 'Mail', 'Social', 'Other');

-- CreateEnum
CREATE TYPE "SentimentLabel" AS ENUM ('VeryNegative', 'Negative', 'Neutral', 'Positive', 'VeryPositive');

-- CreateEnum
CREATE TYPE "Confidentiality" AS ENUM ('Standard', 'Sensitive', 'HighlySensitive');

-- CreateTable
CREATE TABLE "interactions" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "contact_id" UUID NOT NULL,
    "parent_interaction_id" UUID,
    "thread_id" UUID NOT NULL,
    "type" "InteractionType" NOT NULL,
    "direction" "InteractionDirection" NOT NULL,
    "status" "InteractionStatus" NOT NULL,
    "priority" "InteractionPriority" NOT NULL DEFAULT 'Normal',
    "channel" "InteractionChannel" NOT NULL,
    "subject" TEXT,
    "content" TEXT,
    "pii_key_id" VARCHAR(32) NOT NULL,
    "summary" TEXT,
    "vector_embedding" DOUBLE PRECISION[] DEFAULT ARRAY[]::DOUBLE PRECISION[],
    "sentiment_score" DOUBLE PRECISION,
    "sentiment_label" "SentimentLabel",
    "privacy_level" "PrivacyLevel" NOT NULL DEFAULT 'Internal',
    "confidentiality" "Confidentiality",
    "retention_policy" VARCHAR(100),
    "channel_data" JSONB,
    "participants" JSONB NOT NULL DEFAULT '[]',
    "related_entities" JSONB NOT NULL DEFAULT '[]',
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "started_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),
    "scheduled_for" TIMESTAMPTZ(3),
    "duration_seconds" INTEGER,
    "location" JSONB,
    "attachments" JSONB NOT NULL DEFAULT '[]',
    "ai_metadata" JSONB,
    "action_items" JSONB NOT NULL DEFAULT '[]',
    "follow_up_required" BOOLEAN NOT NULL DEFAULT false,
    "follow_up_by" TIMESTAMPTZ(3),
    "is_read" BOOLEAN NOT NULL DEFAULT false,
    "is_starred" BOOLEAN NOT NULL DEFAULT false,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "custom_fields" JSONB NOT NULL DEFAULT '{}',
    "external_ids" JSONB NOT NULL DEFAULT '{}',
    "metadata" JSONB,
    "company_id" UUID,
    "deal_id" UUID,
    "assigned_to_id" UUID,
    "created_by_id" UUID NOT NULL,
    "updated_by_id" UUID,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "interactions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "interactions_organization_id_contact_id_occurred_at_id_idx" ON "interactions"("organization_id", "contact_id", "occurred_at", "id");

-- CreateIndex
CREATE INDEX "interactions_organization_id_occurred_at_id_idx" ON "interactions"("organization_id", "occurred_at", "id");

-- CreateIndex
CREATE INDEX "interactions_organization_id_thread_id_idx" ON "interactions"("organization_id", "thread_id");

-- CreateIndex
CREATE INDEX "interactions_organization_id_parent_interaction_id_occurred_idx" ON "interactions"("organization_id", "parent_interaction_id", "occurred_at", "id");

-- CreateIndex
CREATE INDEX "interactions_tags_idx" ON "interactions" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "interactions_pii_key_id_idx" ON "interactions"("pii_key_id");

-- AddForeignKey
ALTER TABLE "interactions" ADD CONSTRAINT "interactions_contact_id_fkey" FOREIGN KEY ("contact_id") REFERENCES "contacts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "interactions" ADD CONSTRAINT "interactions_parent_interaction_id_fkey" FOREIGN KEY ("parent_interaction_id") REFERENCES "interactions"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- Rules the domain also checks, kept by the table whatever writes to it.
ALTER TABLE "interactions" ADD CONSTRAINT "interactions_sentiment_score_range" CHECK ("sentiment_score" BETWEEN -1 AND 1);
ALTER TABLE "interactions" ADD CONSTRAINT "interactions_duration_not_negative" CHECK ("duration_seconds" >= 0);
ALTER TABLE "interactions" ADD CONSTRAINT "interactions_version_positive" CHECK ("version" >= 1);
ALTER TABLE "interactions" ADD CONSTRAINT "interactions_timed_in_order" CHECK ("ended_at" >= "started_at");
-- A reply is never its own parent; a thread's first interaction is its own thread.
ALTER TABLE "interactions" ADD CONSTRAINT "interactions_not_own_parent" CHECK ("parent_interaction_id" <> "id");
ALTER TABLE "interactions" ADD CONSTRAINT "interactions_thread_root" CHECK (("parent_interaction_id" IS NULL) <= ("thread_id" = "id"));

-- Row-level security: interactions are visible only inside a transaction that set app.organization_id
-- (set_config(..., true)). ENABLE + FORCE: the policy binds the table owner too. nullif: after a
-- transaction-local setting ends, the setting reads as ''.
ALTER TABLE "interactions" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "interactions" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "interactions"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);

-- The key-rotation job finds the rows still sealed with an old key across organizations (ids and key
-- ids only: it reads and rewrites each row inside that row's organization).
CREATE POLICY key_rotation_scan ON "interactions" FOR SELECT
  USING (current_setting('app.key_rotation', true) = 'on');
