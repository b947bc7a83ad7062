-- CreateEnum
CREATE TYPE "PrivacyLevel" AS ENUM ('Public', 'Internal', 'Private', 'Confidential');

-- CreateEnum
CREATE TYPE "LeadScore" AS ENUM ('A', 'B', 'C', 'D', 'F');

-- AlterTable
ALTER TABLE "contacts" ADD COLUMN     "addresses" TEXT,
ADD COLUMN     "assigned_user_id" UUID,
ADD COLUMN     "avatar_url" VARCHAR(2048),
ADD COLUMN     "bio" VARCHAR(2000),
ADD COLUMN     "company_id" UUID,
ADD COLUMN     "date_of_birth" TEXT,
ADD COLUMN     "emails" TEXT,
ADD COLUMN     "external_ids" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "gender" VARCHAR(50),
ADD COLUMN     "lead_score" "LeadScore",
ADD COLUMN     "lead_score_value" INTEGER,
ADD COLUMN     "metadata" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "middle_name" TEXT,
ADD COLUMN     "name_sort_key" VARCHAR(16) NOT NULL DEFAULT '',
ADD COLUMN     "phones" TEXT,
ADD COLUMN     "prefix" VARCHAR(20),
ADD COLUMN     "privacy_level" "PrivacyLevel" NOT NULL DEFAULT 'Internal',
ADD COLUMN     "source" VARCHAR(100),
ADD COLUMN     "source_details" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "suffix" VARCHAR(20);

-- CreateTable
CREATE TABLE "contact_search_tokens" (
    "organization_id" UUID NOT NULL,
    "contact_id" UUID NOT NULL,
    "token" CHAR(64) NOT NULL,

    CONSTRAINT "contact_search_tokens_pkey" PRIMARY KEY ("contact_id","token")
);

-- CreateIndex
CREATE INDEX "contact_search_tokens_organization_id_token_idx" ON "contact_search_tokens"("organization_id", "token");

-- CreateIndex
CREATE INDEX "contacts_organization_id_name_sort_key_id_idx" ON "contacts"("organization_id", "name_sort_key", "id");

-- CreateIndex
CREATE INDEX "contacts_organization_id_updated_at_id_idx" ON "contacts"("organization_id", "updated_at", "id");

-- CreateIndex
CREATE INDEX "contacts_organization_id_last_interaction_at_idx" ON "contacts"("organization_id", "last_interaction_at");

-- CreateIndex
CREATE INDEX "contacts_organization_id_next_follow_up_at_idx" ON "contacts"("organization_id", "next_follow_up_at");

-- CreateIndex
CREATE INDEX "contacts_organization_id_company_id_idx" ON "contacts"("organization_id", "company_id");

-- CreateIndex
CREATE INDEX "contacts_organization_id_assigned_user_id_idx" ON "contacts"("organization_id", "assigned_user_id");

-- CreateIndex
CREATE INDEX "contacts_tags_idx" ON "contacts" USING GIN ("tags");

-- AddForeignKey
ALTER TABLE "contact_search_tokens" ADD CONSTRAINT "contact_search_tokens_contact_id_fkey" FOREIGN KEY ("contact_id") REFERENCES "contacts"("id") ON DELETE CASCADE ON UPDATE CASCADE;



-- Contacts stored before this migration get their name sort key and search tokens from the key-rotation
-- job: marked as sealed with no current key, they are re-sealed and their names indexed on its next
-- pass (every ciphertext names its own key, so they keep opening meanwhile).
UPDATE "contacts" SET "pii_key_id" = 'reindex' WHERE "pii_key_id" <> 'plaintext';

-- Row-level security: search tokens are visible only inside a transaction that set app.organization_id
-- (set_config(..., true)). ENABLE + FORCE: the policy binds the table owner too. nullif: after a
-- transaction-local setting ends, the setting reads as ''.
ALTER TABLE "contact_search_tokens" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "contact_search_tokens" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "contact_search_tokens"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);
