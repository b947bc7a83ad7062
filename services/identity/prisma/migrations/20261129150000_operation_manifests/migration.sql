-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN     "operation_manifest_id" UUID;

-- CreateTable
CREATE TABLE "operation_manifests" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "hash" VARCHAR(64) NOT NULL,
    "operations" JSONB NOT NULL,
    "operation_count" INTEGER NOT NULL,
    "created_by_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "operation_manifests_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "operation_manifests_organization_id_created_at_idx" ON "operation_manifests"("organization_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "operation_manifests_organization_id_hash_key" ON "operation_manifests"("organization_id", "hash");

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_operation_manifest_id_fkey" FOREIGN KEY ("operation_manifest_id") REFERENCES "operation_manifests"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


ALTER TABLE "operation_manifests" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "operation_manifests" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "operation_manifests"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);
