-- CreateTable
CREATE TABLE "contact_companies" (
    "organization_id" UUID NOT NULL,
    "contact_id" UUID NOT NULL,
    "company_id" UUID,
    "version" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "contact_companies_pkey" PRIMARY KEY ("organization_id","contact_id")
);

-- CreateIndex
CREATE INDEX "contact_companies_organization_id_company_id_idx" ON "contact_companies"("organization_id", "company_id");


-- Row-level security: tenant rows are visible only inside a transaction that set app.organization_id.
ALTER TABLE "contact_companies" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "contact_companies" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "contact_companies"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);
