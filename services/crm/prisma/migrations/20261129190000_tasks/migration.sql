-- CreateEnum
CREATE TYPE "TaskPriority" AS ENUM ('low', 'medium', 'high', 'urgent');

-- CreateEnum
CREATE TYPE "TaskStatus" AS ENUM ('open', 'completed');

-- CreateTable
CREATE TABLE "tasks" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "title" VARCHAR(200) NOT NULL,
    "description" TEXT,
    "contact_id" UUID,
    "company_id" UUID,
    "deal_id" UUID,
    "assignee_id" UUID,
    "due_at" TIMESTAMPTZ(3),
    "priority" "TaskPriority" NOT NULL DEFAULT 'medium',
    "status" "TaskStatus" NOT NULL DEFAULT 'open',
    "completed_by" UUID,
    "completed_at" TIMESTAMPTZ(3),
    "stage" VARCHAR(64),
    "sort_order" INTEGER,
    "created_by" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "tasks_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "tasks_organization_id_created_at_id_idx" ON "tasks"("organization_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "tasks_organization_id_assignee_id_status_due_at_id_idx" ON "tasks"("organization_id", "assignee_id", "status", "due_at", "id");

-- CreateIndex
CREATE INDEX "tasks_organization_id_contact_id_idx" ON "tasks"("organization_id", "contact_id");

-- CreateIndex
CREATE INDEX "tasks_organization_id_stage_company_id_sort_order_idx" ON "tasks"("organization_id", "stage", "company_id", "sort_order");

-- AddForeignKey
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_contact_id_fkey" FOREIGN KEY ("contact_id") REFERENCES "contacts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Rules the domain also checks, kept by the table whatever writes to it. A task is in a checklist
-- exactly when it has a stage, and then it has a place; completion is recorded with who and when.
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_sort_order_not_negative" CHECK ("sort_order" >= 0);
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_checklist_place" CHECK (("stage" IS NULL) = ("sort_order" IS NULL));
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_completion" CHECK (
  ("status" = 'completed') = ("completed_at" IS NOT NULL) AND ("completed_at" IS NULL) = ("completed_by" IS NULL)
);

-- No two tasks of one checklist share a place. Checked at commit (DEFERRABLE INITIALLY DEFERRED):
-- renumbering a checklist in one UPDATE passes through duplicates that an immediate unique check would
-- refuse. An exclusion constraint, as a unique constraint cannot be both deferrable and partial (tasks
-- in no checklist have no place); coalesce makes the company-less checklists one checklist each. The
-- per-checklist lock every write takes keeps the order dense (docs/decisions.md); this is the backstop.
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_checklist_place_unique" EXCLUDE USING btree (
  "organization_id" WITH =,
  "stage" WITH =,
  (coalesce("company_id", '00000000-0000-0000-0000-000000000000'::uuid)) WITH =,
  "sort_order" WITH =
) WHERE ("stage" IS NOT NULL) DEFERRABLE INITIALLY DEFERRED;

-- Row-level security: tasks are visible only inside a transaction that set app.organization_id
-- (set_config(..., true)). ENABLE + FORCE: the policy binds the table owner too. nullif: after a
-- transaction-local setting ends, the setting reads as ''.
ALTER TABLE "tasks" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "tasks" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "tasks"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);
