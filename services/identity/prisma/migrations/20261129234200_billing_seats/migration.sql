-- CreateTable
CREATE TABLE "seat_policies" (
    "organization_id" UUID NOT NULL,
    "plan_id" TEXT NOT NULL,
    "seats_required" BOOLEAN NOT NULL,
    "version" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "seat_policies_pkey" PRIMARY KEY ("organization_id")
);

-- CreateTable
CREATE TABLE "seat_holders" (
    "organization_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "seated" BOOLEAN NOT NULL,
    "version" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "seat_holders_pkey" PRIMARY KEY ("organization_id","user_id")
);


-- Row-level security: every row is its organization's alone.
ALTER TABLE "seat_policies" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "seat_policies" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "seat_policies" USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);
ALTER TABLE "seat_holders" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "seat_holders" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "seat_holders" USING (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid) WITH CHECK (organization_id = nullif(current_setting('app.organization_id', true), '')::uuid);
