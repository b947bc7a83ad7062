-- AlterTable
-- Rows written before encryption are marked 'plaintext': the key-rotation job seals them with the
-- active key (and indexes their email and phone) the first time it runs.
ALTER TABLE "contacts" ADD COLUMN     "pii_key_id" VARCHAR(32) NOT NULL DEFAULT 'plaintext',
ALTER COLUMN "given_name" SET DATA TYPE TEXT,
ALTER COLUMN "family_name" SET DATA TYPE TEXT,
ALTER COLUMN "email" SET DATA TYPE TEXT,
ALTER COLUMN "phone" SET DATA TYPE TEXT;

-- CreateTable
CREATE TABLE "contact_identifiers" (
    "organization_id" UUID NOT NULL,
    "contact_id" UUID NOT NULL,
    "kind" VARCHAR(10) NOT NULL,
    "blind_index" CHAR(64) NOT NULL,

    CONSTRAINT "contact_identifiers_pkey" PRIMARY KEY ("organization_id","kind","blind_index")
);

-- CreateIndex
CREATE INDEX "contact_identifiers_contact_id_idx" ON "contact_identifiers"("contact_id");

-- CreateIndex
CREATE INDEX "contacts_pii_key_id_idx" ON "contacts"("pii_key_id");

-- AddForeignKey
ALTER TABLE "contact_identifiers" ADD CONSTRAINT "contact_identifiers_contact_id_fkey" FOREIGN KEY ("contact_id") REFERENCES "contacts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "contacts" ALTER COLUMN "pii_key_id" DROP DEFAULT;

ALTER TABLE "contact_identifiers" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "contact_identifiers" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "contact_identifiers"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);

-- The key-rotation job finds the rows still sealed with an old key across organizations (ids and key
-- ids only: it reads and rewrites each row inside that row's organization).
CREATE POLICY key_rotation_scan ON "contacts" FOR SELECT
  USING (current_setting('app.key_rotation', true) = 'on');
