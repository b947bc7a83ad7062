-- CreateTable
CREATE TABLE "user_references" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "status" VARCHAR(20) NOT NULL,
    "deleted" BOOLEAN NOT NULL DEFAULT false,
    "changed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "user_references_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "user_references_organization_id_idx" ON "user_references"("organization_id");



ALTER TABLE "user_references" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "user_references" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "user_references"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);
