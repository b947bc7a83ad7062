-- CreateTable
CREATE TABLE "conversation_settings" (
    "organization_id" UUID NOT NULL,
    "message_retention_days" INTEGER NOT NULL DEFAULT 90,
    "auto_send_threshold" DECIMAL(3,2),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" UUID,

    CONSTRAINT "conversation_settings_pkey" PRIMARY KEY ("organization_id")
);

-- CreateTable
CREATE TABLE "message_archives" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "period" DATE NOT NULL,
    "message_count" INTEGER NOT NULL,
    "size_bytes" INTEGER NOT NULL,
    "storage_key" VARCHAR(500) NOT NULL,
    "checksum" CHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "message_archives_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "job_leases" (
    "name" VARCHAR(100) NOT NULL,
    "holder" UUID NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "job_leases_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE UNIQUE INDEX "message_archives_organization_id_period_key" ON "message_archives"("organization_id", "period");


-- Settings in range (the graph validates first; these keep a hand-written row honest too).
ALTER TABLE "conversation_settings" ADD CONSTRAINT "conversation_settings_retention_range"
  CHECK ("message_retention_days" BETWEEN 1 AND 3650);
ALTER TABLE "conversation_settings" ADD CONSTRAINT "conversation_settings_threshold_range"
  CHECK ("auto_send_threshold" IS NULL OR "auto_send_threshold" BETWEEN 0 AND 1);

-- Row-level security: tenant rows are visible only inside a transaction that set app.organization_id.
ALTER TABLE "conversation_settings" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "conversation_settings" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "conversation_settings" USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);
ALTER TABLE "message_archives" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "message_archives" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "message_archives" USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);

-- The retention job must learn which organizations have messages past their retention, and whether a
-- month's partition is empty for every organization: cross-tenant questions. Their only door is the two
-- SECURITY DEFINER functions below. They turn app.retention_scan on for their own statements, and the
-- policies that open to it are granted to the role that owns the functions (the migrating role, named
-- here as it runs), never to the application role: the application role setting the flag sees nothing,
-- and what crosses tenants is aggregates (organization, month, count), never a message.
DO $$
BEGIN
  EXECUTE format(
    'CREATE POLICY retention_scan ON "messages" FOR SELECT TO %I USING (current_setting(''app.retention_scan'', true) = ''on'')',
    current_user
  );
  EXECUTE format(
    'CREATE POLICY retention_scan ON "conversation_settings" FOR SELECT TO %I USING (current_setting(''app.retention_scan'', true) = ''on'')',
    current_user
  );
END;
$$;

-- The longest message retention any organization has (90 days, 001's default, for those without
-- settings): no partition newer than that may go.
CREATE FUNCTION longest_message_retention()
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public
AS $$
DECLARE
  longest integer;
BEGIN
  PERFORM set_config('app.retention_scan', 'on', true);
  SELECT greatest(90, coalesce(max(message_retention_days), 90)) INTO longest FROM conversation_settings;
  PERFORM set_config('app.retention_scan', '', true);
  RETURN longest;
END;
$$;

-- Per organization and month (UTC), how many messages are past the organization's retention at `at`:
-- sent before the start of at's UTC day minus the retention in days (90 without settings). Counts
-- only; the job then reads and archives each organization's messages in its own tenant transaction.
CREATE FUNCTION message_retention_due(at timestamptz)
RETURNS TABLE (due_organization_id uuid, due_period date, due_retention_days integer, due_count bigint)
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public
AS $$
DECLARE
  day_start timestamptz := date_trunc('day', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
  shortest integer;
BEGIN
  PERFORM set_config('app.retention_scan', 'on', true);
  SELECT least(90, coalesce(min(message_retention_days), 90)) INTO shortest FROM conversation_settings;
  RETURN QUERY
    SELECT m.organization_id,
           (date_trunc('month', m.sent_at AT TIME ZONE 'UTC'))::date,
           coalesce(s.message_retention_days, 90),
           count(*)
    FROM messages m
    LEFT JOIN conversation_settings s ON s.organization_id = m.organization_id
    -- The first bound is the same for every row: it prunes the months no retention has reached yet.
    WHERE m.sent_at < day_start - make_interval(days => shortest)
      AND m.sent_at < day_start - make_interval(days => coalesce(s.message_retention_days, 90))
    GROUP BY 1, 2, 3
    ORDER BY 1, 2;
  PERFORM set_config('app.retention_scan', '', true);
END;
$$;

-- Drops the month's partition messages_yyyy_mm when no organization has a row in it and the whole month
-- lies before `at` (never later than the server's clock) minus the longest retention in use. Answers
-- whether it dropped one (false: no such partition, or it is not empty); a month too recent is refused
-- with an error. The partition is locked before it is checked, so a message stored meanwhile either
-- lands before the check (and the partition stays) or waits and then finds no partition (the recorder
-- makes its month again).
CREATE FUNCTION drop_message_partition(month date, at timestamptz)
RETURNS boolean
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public
AS $$
DECLARE
  month_start date := date_trunc('month', month)::date;
  month_end timestamptz;
  partition_name text;
  bound timestamptz;
  occupied boolean;
BEGIN
  month_end := (month_start + interval '1 month')::timestamp AT TIME ZONE 'UTC';
  partition_name := format('messages_%s', to_char(month_start, 'YYYY_MM'));
  bound := (date_trunc('day', least(at, now()) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')
    - make_interval(days => longest_message_retention());
  IF month_end > bound THEN
    RAISE EXCEPTION 'partition % is within the longest retention (ends %, bound %)', partition_name, month_end, bound;
  END IF;
  IF NOT EXISTS (
    SELECT 1 FROM pg_catalog.pg_inherits i
    JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'public.messages'::regclass AND c.relname = partition_name
  ) THEN
    RETURN false;
  END IF;
  EXECUTE format('LOCK TABLE %I IN ACCESS EXCLUSIVE MODE', partition_name);
  PERFORM set_config('app.retention_scan', 'on', true);
  SELECT EXISTS (
    SELECT 1 FROM messages WHERE sent_at >= month_start::timestamp AT TIME ZONE 'UTC' AND sent_at < month_end
  ) INTO occupied;
  PERFORM set_config('app.retention_scan', '', true);
  IF occupied THEN
    RETURN false;
  END IF;
  EXECUTE format('DROP TABLE %I', partition_name);
  RETURN true;
END;
$$;
