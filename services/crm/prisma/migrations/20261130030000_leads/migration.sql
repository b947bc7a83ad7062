-- CreateEnum
CREATE TYPE "LeadTemperature" AS ENUM ('hot', 'warm', 'cold');

-- AlterTable
ALTER TABLE "contacts" ADD COLUMN     "lead_scored_at" TIMESTAMPTZ(3),
ADD COLUMN     "lead_signals" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "lead_temperature" "LeadTemperature";

-- CreateTable
CREATE TABLE "lead_conversations" (
    "organization_id" UUID NOT NULL,
    "conversation_id" UUID NOT NULL,
    "contact_id" UUID,
    "platform" VARCHAR(20) NOT NULL,
    "outcome" VARCHAR(10),
    "matched_by" VARCHAR(20),
    "pending_temperature" "LeadTemperature",
    "pending_signals" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "pending_scored_at" TIMESTAMPTZ(3),
    "linked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lead_conversations_pkey" PRIMARY KEY ("organization_id","conversation_id")
);

-- CreateTable
CREATE TABLE "contact_channel_identities" (
    "organization_id" UUID NOT NULL,
    "platform" VARCHAR(20) NOT NULL,
    "blind_index" CHAR(64) NOT NULL,
    "contact_id" UUID NOT NULL,

    CONSTRAINT "contact_channel_identities_pkey" PRIMARY KEY ("organization_id","platform","blind_index")
);

-- CreateTable
CREATE TABLE "lead_message_interactions" (
    "organization_id" UUID NOT NULL,
    "message_id" UUID NOT NULL,
    "interaction_id" UUID NOT NULL,

    CONSTRAINT "lead_message_interactions_pkey" PRIMARY KEY ("organization_id","message_id")
);

-- CreateTable
CREATE TABLE "parked_lead_events" (
    "event_id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "conversation_id" UUID NOT NULL,
    "reason" VARCHAR(40) NOT NULL,
    "data" JSONB NOT NULL,
    "parked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "parked_lead_events_pkey" PRIMARY KEY ("event_id")
);

-- CreateIndex
CREATE INDEX "lead_conversations_contact_id_idx" ON "lead_conversations"("contact_id");

-- CreateIndex
CREATE INDEX "contact_channel_identities_contact_id_idx" ON "contact_channel_identities"("contact_id");

-- CreateIndex
CREATE INDEX "parked_lead_events_organization_id_parked_at_idx" ON "parked_lead_events"("organization_id", "parked_at");

-- AddForeignKey
ALTER TABLE "lead_conversations" ADD CONSTRAINT "lead_conversations_contact_id_fkey" FOREIGN KEY ("contact_id") REFERENCES "contacts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "contact_channel_identities" ADD CONSTRAINT "contact_channel_identities_contact_id_fkey" FOREIGN KEY ("contact_id") REFERENCES "contacts"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Row-level security: every row is bound to the transaction's organization (app.organization_id,
-- set_config(..., true)). ENABLE + FORCE: the policy binds the table owner too. nullif: after a
-- transaction-local setting ends, the setting reads as ''.
ALTER TABLE "lead_conversations" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "lead_conversations" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "lead_conversations"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);

ALTER TABLE "contact_channel_identities" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "contact_channel_identities" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "contact_channel_identities"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);

ALTER TABLE "lead_message_interactions" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "lead_message_interactions" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "lead_message_interactions"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);

ALTER TABLE "parked_lead_events" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "parked_lead_events" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "parked_lead_events"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);
