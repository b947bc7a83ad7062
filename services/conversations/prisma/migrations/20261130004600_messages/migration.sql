-- Messages, conversation state and the inbox (issue #11).

-- Conversation status: the new set open / pending / snoozed / closed. The old values map as
--   active   -> open    (a live thread)
--   closed   -> closed
--   archived -> closed  (out of the inbox; "archived" was never more than a closed thread)
ALTER TYPE "ConversationStatus" RENAME TO "ConversationStatus_old";
CREATE TYPE "ConversationStatus" AS ENUM ('open', 'pending', 'snoozed', 'closed');
ALTER TABLE "conversations" ALTER COLUMN "status" DROP DEFAULT;
ALTER TABLE "conversations" ALTER COLUMN "status" TYPE "ConversationStatus" USING (
  CASE "status"::text WHEN 'active' THEN 'open' ELSE 'closed' END
)::"ConversationStatus";
ALTER TABLE "conversations" ALTER COLUMN "status" SET DEFAULT 'open';
DROP TYPE "ConversationStatus_old";

-- CreateEnum
CREATE TYPE "MessageDirection" AS ENUM ('inbound', 'outbound');

-- CreateEnum
CREATE TYPE "MessageDeliveryStatus" AS ENUM ('received', 'queued', 'sent', 'delivered', 'failed');

-- AlterTable
ALTER TABLE "conversations" ADD COLUMN "channel_account_id" UUID,
ADD COLUMN "platform_conversation_id" VARCHAR(255),
ADD COLUMN "participant_platform_user_id" VARCHAR(255),
ADD COLUMN "participant_display_name" VARCHAR(255),
ADD COLUMN "assignee_id" UUID,
ADD COLUMN "snoozed_until" TIMESTAMPTZ(3),
ADD COLUMN "replied_at" TIMESTAMPTZ(3),
ADD COLUMN "replied_by_id" UUID,
ADD COLUMN "last_inbound_at" TIMESTAMPTZ(3),
ADD COLUMN "first_message_at" TIMESTAMPTZ(3),
ADD COLUMN "unread_count" INTEGER NOT NULL DEFAULT 0;

-- One conversation per platform thread of a connected account.
CREATE UNIQUE INDEX "conversations_organization_id_channel_account_id_platform_c_key"
  ON "conversations"("organization_id", "channel_account_id", "platform_conversation_id");

-- The inbox: newest activity first, per organization.
CREATE INDEX "conversations_inbox_idx"
  ON "conversations"("organization_id", (COALESCE("last_message_at", "created_at")) DESC, "id" DESC);

-- Messages: partitioned by month on sent_at. The primary key includes the partition column (PostgreSQL
-- requires it); rows are found by (conversation_id, sent_at, id).
CREATE TABLE "messages" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "conversation_id" UUID NOT NULL,
    "direction" "MessageDirection" NOT NULL,
    "platform_message_id" VARCHAR(255),
    "sender_platform_user_id" VARCHAR(255),
    "sender_display_name" VARCHAR(255),
    "sender_user_id" UUID,
    "text" TEXT NOT NULL,
    "attachments" JSONB NOT NULL DEFAULT '[]',
    "delivery_status" "MessageDeliveryStatus" NOT NULL,
    "sent_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "messages_pkey" PRIMARY KEY ("id", "sent_at")
) PARTITION BY RANGE ("sent_at");

CREATE INDEX "messages_conversation_id_sent_at_id_idx"
  ON "messages"("organization_id", "conversation_id", "sent_at" DESC, "id" DESC);

-- Idempotency of inbound messages: a unique key across partitions needs the partition column, which a
-- redelivery may not repeat exactly; this small non-partitioned table holds the platform's key.
CREATE TABLE "message_keys" (
    "organization_id" UUID NOT NULL,
    "platform" "ConversationPlatform" NOT NULL,
    "platform_message_id" VARCHAR(255) NOT NULL,
    "message_id" UUID NOT NULL,
    "sent_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "message_keys_pkey" PRIMARY KEY ("organization_id", "platform", "platform_message_id")
);

-- Row-level security: tenant rows are visible only inside a transaction that set
-- app.organization_id. On a partitioned table the parent's policy applies to every row read or written
-- through the parent; each partition gets the same policy too (ensure_message_partitions), so a query
-- naming a partition directly is bound as well.
ALTER TABLE "messages" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "messages" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "messages" USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);
ALTER TABLE "message_keys" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "message_keys" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "message_keys" USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);

-- Monthly partitions, created ahead. The service's application role does not own "messages" and so
-- may not create partitions; this function runs as the owner (SECURITY DEFINER) and does only that:
-- for the month of `from_time` and the `months_ahead` months after it, CREATE TABLE IF NOT EXISTS
-- messages_yyyy_mm PARTITION OF messages, with the tenant policy. Answers how many it created.
CREATE FUNCTION ensure_message_partitions(from_time timestamptz, months_ahead integer)
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public
AS $$
DECLARE
  month_start date;
  partition_name text;
  created integer := 0;
  predicate text := 'organization_id = nullif(current_setting(''app.organization_id'', true), '''')::uuid';
BEGIN
  IF months_ahead < 0 OR months_ahead > 24 THEN
    RAISE EXCEPTION 'months_ahead must be 0-24';
  END IF;
  FOR step IN 0..months_ahead LOOP
    month_start := (date_trunc('month', from_time AT TIME ZONE 'UTC') + make_interval(months => step))::date;
    partition_name := format('messages_%s', to_char(month_start, 'YYYY_MM'));
    IF to_regclass(partition_name) IS NULL THEN
      -- Two transactions making the same month (two replicas' jobs, two backfilled messages) take turns;
      -- the second finds the month made once the first committed.
      PERFORM pg_advisory_xact_lock(hashtext('ensure_message_partitions'));
    END IF;
    -- Checked again after the lock with a query of pg_class (a fresh snapshot; to_regclass reads a cache
    -- the advisory lock does not refresh).
    IF NOT EXISTS (
      SELECT 1 FROM pg_catalog.pg_class
      WHERE relname = partition_name AND relnamespace = 'public'::regnamespace
    ) THEN
      EXECUTE format(
        'CREATE TABLE IF NOT EXISTS %I PARTITION OF messages FOR VALUES FROM (%L) TO (%L)',
        partition_name,
        (month_start::timestamp AT TIME ZONE 'UTC'),
        ((month_start + interval '1 month')::timestamp AT TIME ZONE 'UTC')
      );
      EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', partition_name);
      EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', partition_name);
      EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (%s) WITH CHECK (%s)', partition_name, predicate, predicate);
      created := created + 1;
    END IF;
  END LOOP;
  RETURN created;
END;
$$;

-- The first partitions: the month of the migration and the next two. No DEFAULT partition: a message
-- outside every partition is refused (the partition job keeps three months ahead; recordInbound
-- creates the month of an older or later message before it stores it), so rows never pile up in a
-- DEFAULT partition that would block creating the month they belong to.
SELECT ensure_message_partitions(now(), 2);
