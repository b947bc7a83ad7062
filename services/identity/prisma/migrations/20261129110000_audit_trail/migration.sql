-- CreateTable
CREATE TABLE "audit_events" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "sequence" INTEGER NOT NULL,
    "service" VARCHAR(32) NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "actor_type" VARCHAR(16) NOT NULL,
    "actor_user_id" UUID,
    "actor_api_key_id" UUID,
    "acting_from_organization_id" UUID,
    "actor_session_id" UUID,
    "action" VARCHAR(200) NOT NULL,
    "operation" VARCHAR(200),
    "entity_type" VARCHAR(100),
    "entity_id" VARCHAR(200),
    "changes" JSONB,
    "details" JSONB,
    "request_id" VARCHAR(200),
    "client_address" VARCHAR(64),
    "user_agent" VARCHAR(512),
    "outcome" VARCHAR(16) NOT NULL,
    "error_code" VARCHAR(64),
    "previous_hash" CHAR(64) NOT NULL,
    "hash" CHAR(64) NOT NULL,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "audit_events_organization_id_recorded_at_id_idx" ON "audit_events"("organization_id", "recorded_at", "id");

-- CreateIndex
CREATE INDEX "audit_events_organization_id_occurred_at_idx" ON "audit_events"("organization_id", "occurred_at");

-- CreateIndex
CREATE INDEX "audit_events_organization_id_actor_user_id_occurred_at_idx" ON "audit_events"("organization_id", "actor_user_id", "occurred_at");

-- CreateIndex
CREATE INDEX "audit_events_organization_id_entity_type_entity_id_sequence_idx" ON "audit_events"("organization_id", "entity_type", "entity_id", "sequence");

-- CreateIndex
CREATE INDEX "audit_events_organization_id_action_occurred_at_idx" ON "audit_events"("organization_id", "action", "occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "audit_events_organization_id_sequence_key" ON "audit_events"("organization_id", "sequence");


ALTER TABLE "audit_events" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "audit_events" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "audit_events"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);

-- Append-only for the application: it may read and add entries, never change or remove one. (The
-- comment's prefix is what infra's grants look for when they re-grant DML on every table.)
COMMENT ON TABLE "audit_events" IS 'append-only: the audit trail, hash-chained per organization';
REVOKE UPDATE, DELETE, TRUNCATE ON "audit_events" FROM identity_app;
