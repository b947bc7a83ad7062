/*
  Warnings:

  - Changed the type of `platform` on the `conversations` table. No cast exists, the column would be dropped and recreated, which cannot be done if there is data, since the column is required.

*/
-- CreateEnum
CREATE TYPE "ConversationPlatform" AS ENUM ('facebook', 'instagram', 'twitter', 'linkedin', 'email', 'gmail', 'slack', 'sms', 'chat');

-- CreateEnum
CREATE TYPE "ConversationStatus" AS ENUM ('active', 'closed', 'archived');

-- DropIndex
DROP INDEX "conversations_organization_id_contact_id_idx";

-- AlterTable
ALTER TABLE "conversations" ADD COLUMN     "message_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "needs_reply" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "status" "ConversationStatus" NOT NULL DEFAULT 'active',
ADD COLUMN     "subject" VARCHAR(500),
DROP COLUMN "platform",
ADD COLUMN     "platform" "ConversationPlatform" NOT NULL;

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
CREATE UNIQUE INDEX "outbox_events_seq_key" ON "outbox_events"("seq");

-- CreateIndex
CREATE INDEX "outbox_events_published_at_seq_idx" ON "outbox_events"("published_at", "seq");

-- CreateIndex
CREATE INDEX "conversations_organization_id_contact_id_created_at_idx" ON "conversations"("organization_id", "contact_id", "created_at");

-- Row-level security: tenant rows are visible only inside a transaction that set
-- app.organization_id (set_config(..., true)). ENABLE + FORCE: the policies bind the table owner too.
-- nullif: after a transaction-local setting ends, the setting reads as '' on that connection.

ALTER TABLE "conversations" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "conversations" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "conversations"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);
