-- CreateEnum
CREATE TYPE "ConsentPurpose" AS ENUM ('marketing', 'email_marketing', 'sms_marketing', 'phone_marketing', 'whatsapp_marketing', 'social_marketing', 'mail_marketing', 'ai_processing', 'data_sharing', 'privacy_policy');

-- CreateEnum
CREATE TYPE "ConsentStatus" AS ENUM ('unknown', 'pending', 'granted', 'denied', 'withdrawn');

-- CreateEnum
CREATE TYPE "ConsentSource" AS ENUM ('form', 'double_opt_in', 'preference_center', 'inbound_message', 'user', 'import', 'api', 'unsubscribe_link');

-- CreateEnum
CREATE TYPE "ContactChannel" AS ENUM ('email', 'sms', 'phone', 'whatsapp', 'social', 'mail');

-- CreateEnum
CREATE TYPE "Weekday" AS ENUM ('monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday');

-- CreateEnum
CREATE TYPE "FrequencyPeriod" AS ENUM ('day', 'week', 'month');

-- CreateTable
CREATE TABLE "contact_consents" (
    "organization_id" UUID NOT NULL,
    "contact_id" UUID NOT NULL,
    "purpose" "ConsentPurpose" NOT NULL,
    "status" "ConsentStatus" NOT NULL,
    "source" "ConsentSource" NOT NULL,
    "source_details" JSONB NOT NULL DEFAULT '{}',
    "captured_at" TIMESTAMPTZ(3) NOT NULL,
    "policy_version" VARCHAR(32),
    "ip_hash" CHAR(64),
    "recorded_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "contact_consents_pkey" PRIMARY KEY ("organization_id","contact_id","purpose")
);

-- CreateTable
CREATE TABLE "contact_consent_history" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "contact_id" UUID NOT NULL,
    "purpose" "ConsentPurpose" NOT NULL,
    "from_status" "ConsentStatus",
    "to_status" "ConsentStatus" NOT NULL,
    "source" "ConsentSource" NOT NULL,
    "source_details" JSONB NOT NULL DEFAULT '{}',
    "captured_at" TIMESTAMPTZ(3) NOT NULL,
    "policy_version" VARCHAR(32),
    "ip_hash" CHAR(64),
    "changed_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "contact_consent_history_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "contact_preferences" (
    "contact_id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "blocked_channels" "ContactChannel"[] DEFAULT ARRAY[]::"ContactChannel"[],
    "preferred_channel" "ContactChannel",
    "language" VARCHAR(35),
    "hours_start_minute" SMALLINT,
    "hours_end_minute" SMALLINT,
    "hours_days" "Weekday"[] DEFAULT ARRAY[]::"Weekday"[],
    "frequency_cap_messages" SMALLINT,
    "frequency_cap_period" "FrequencyPeriod",
    "do_not_contact" BOOLEAN NOT NULL DEFAULT false,
    "updated_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "contact_preferences_pkey" PRIMARY KEY ("contact_id")
);

-- CreateIndex
CREATE INDEX "contact_consents_contact_id_idx" ON "contact_consents"("contact_id");

-- CreateIndex
CREATE INDEX "contact_consent_history_organization_id_contact_id_created__idx" ON "contact_consent_history"("organization_id", "contact_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "contact_consent_history_contact_id_idx" ON "contact_consent_history"("contact_id");

-- CreateIndex
CREATE INDEX "contact_preferences_organization_id_idx" ON "contact_preferences"("organization_id");

-- AddForeignKey
ALTER TABLE "contact_consents" ADD CONSTRAINT "contact_consents_contact_id_fkey" FOREIGN KEY ("contact_id") REFERENCES "contacts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "contact_consent_history" ADD CONSTRAINT "contact_consent_history_contact_id_fkey" FOREIGN KEY ("contact_id") REFERENCES "contacts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "contact_preferences" ADD CONSTRAINT "contact_preferences_contact_id_fkey" FOREIGN KEY ("contact_id") REFERENCES "contacts"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Rules the domain also checks, kept by the tables whatever writes to them. Communication hours are
-- whole (start, end and at least one day) or absent, start and end are minutes of a day and differ (end
-- before start spans midnight); a frequency cap has both its count (1–100) and its period, or neither.
ALTER TABLE "contact_preferences" ADD CONSTRAINT "contact_preferences_hours" CHECK (
  ("hours_start_minute" IS NULL AND "hours_end_minute" IS NULL AND cardinality(coalesce("hours_days", ARRAY[]::"Weekday"[])) = 0)
  OR ("hours_start_minute" BETWEEN 0 AND 1439 AND "hours_end_minute" BETWEEN 0 AND 1439
      AND "hours_start_minute" <> "hours_end_minute" AND cardinality("hours_days") > 0)
);
ALTER TABLE "contact_preferences" ADD CONSTRAINT "contact_preferences_frequency_cap" CHECK (
  ("frequency_cap_messages" IS NULL) = ("frequency_cap_period" IS NULL)
  AND coalesce("frequency_cap_messages" BETWEEN 1 AND 100, true)
);

-- The history is append-only: every change of a contact's consents is kept as it was recorded (the
-- proof of consent GDPR, CASL and TCPA ask for). The service's role may read and insert, nothing else
-- (provisioning keeps tables commented 'append-only: …' so). Deleting the contact row itself still
-- cascades: the cascade runs as the table owner.
COMMENT ON TABLE "contact_consent_history" IS 'append-only: every change of a contact''s consents';
REVOKE UPDATE, DELETE, TRUNCATE ON "contact_consent_history" FROM crm_app;

-- Row-level security: rows are visible only inside a transaction that set app.organization_id
-- (set_config(..., true)). ENABLE + FORCE: the policy binds the table owner too. nullif: after a
-- transaction-local setting ends, the setting reads as ''.
ALTER TABLE "contact_consents" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "contact_consents" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "contact_consents"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);

ALTER TABLE "contact_consent_history" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "contact_consent_history" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "contact_consent_history"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);

ALTER TABLE "contact_preferences" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "contact_preferences" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "contact_preferences"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);
