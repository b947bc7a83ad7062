-- CreateEnum
CREATE TYPE "TicketCategory" AS ENUM ('technical', 'billing', 'campaign', 'general', 'escalation');

-- CreateEnum
CREATE TYPE "TicketPriority" AS ENUM ('low', 'medium', 'high', 'critical');

-- CreateEnum
CREATE TYPE "TicketStatus" AS ENUM ('new', 'in_progress', 'waiting_client', 'resolved');

-- CreateTable
CREATE TABLE "tickets" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "company_id" UUID,
    "contact_id" UUID,
    "title" VARCHAR(200) NOT NULL,
    "description" TEXT NOT NULL,
    "category" "TicketCategory" NOT NULL,
    "priority" "TicketPriority" NOT NULL,
    "status" "TicketStatus" NOT NULL DEFAULT 'new',
    "assignee_id" UUID,
    "resolution_notes" TEXT,
    "time_spent_minutes" INTEGER NOT NULL DEFAULT 0,
    "due_date" DATE,
    "created_by" UUID NOT NULL,
    "resolved_by" UUID,
    "resolved_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "tickets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ticket_notes" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "ticket_id" UUID NOT NULL,
    "content" TEXT NOT NULL,
    "is_internal" BOOLEAN NOT NULL,
    "added_by" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ticket_notes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ticket_counters" (
    "organization_id" UUID NOT NULL,
    "last_number" INTEGER NOT NULL,

    CONSTRAINT "ticket_counters_pkey" PRIMARY KEY ("organization_id")
);

-- CreateIndex
CREATE INDEX "tickets_organization_id_created_at_id_idx" ON "tickets"("organization_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "tickets_organization_id_assignee_id_idx" ON "tickets"("organization_id", "assignee_id");

-- CreateIndex
CREATE INDEX "tickets_organization_id_contact_id_idx" ON "tickets"("organization_id", "contact_id");

-- CreateIndex
CREATE UNIQUE INDEX "tickets_organization_id_number_key" ON "tickets"("organization_id", "number");

-- CreateIndex
CREATE INDEX "ticket_notes_organization_id_ticket_id_created_at_id_idx" ON "ticket_notes"("organization_id", "ticket_id", "created_at", "id");

-- AddForeignKey
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_contact_id_fkey" FOREIGN KEY ("contact_id") REFERENCES "contacts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ticket_notes" ADD CONSTRAINT "ticket_notes_ticket_id_fkey" FOREIGN KEY ("ticket_id") REFERENCES "tickets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Rules the domain also checks, kept by the table whatever writes to it.
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_number_positive" CHECK ("number" > 0);
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_time_spent_minutes_not_negative" CHECK ("time_spent_minutes" >= 0);
ALTER TABLE "ticket_counters" ADD CONSTRAINT "ticket_counters_last_number_positive" CHECK ("last_number" > 0);

-- Row-level security: tickets, their notes and the numbering counters are visible only inside a
-- transaction that set app.organization_id (set_config(..., true)). ENABLE + FORCE: the policy binds
-- the table owner too. nullif: after a transaction-local setting ends, the setting reads as ''.
ALTER TABLE "tickets" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "tickets" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "tickets"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);

ALTER TABLE "ticket_notes" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ticket_notes" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "ticket_notes"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);

ALTER TABLE "ticket_counters" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "ticket_counters" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "ticket_counters"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);
