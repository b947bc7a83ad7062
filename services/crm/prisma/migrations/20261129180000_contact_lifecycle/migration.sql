-- CreateEnum
CREATE TYPE "LifecycleStage" AS ENUM ('lead', 'mql', 'sql', 'opportunity', 'customer');

-- CreateEnum
CREATE TYPE "LeadStatus" AS ENUM ('new', 'contacted', 'qualified', 'converted', 'lost');

-- CreateEnum
CREATE TYPE "ContactStatus" AS ENUM ('active', 'inactive', 'unsubscribed');

-- CreateEnum
CREATE TYPE "OrganizationRole" AS ENUM ('Buyer', 'Seller', 'Both', 'None');

-- AlterTable
ALTER TABLE "contacts" ADD COLUMN     "created_by_id" UUID,
ADD COLUMN     "last_interaction_at" TIMESTAMPTZ(3),
ADD COLUMN     "lead_status" "LeadStatus",
ADD COLUMN     "lifecycle_stage" "LifecycleStage",
ADD COLUMN     "locale" VARCHAR(35),
ADD COLUMN     "next_follow_up_at" TIMESTAMPTZ(3),
ADD COLUMN     "organization_role" "OrganizationRole",
ADD COLUMN     "status" "ContactStatus" NOT NULL DEFAULT 'active',
ADD COLUMN     "timezone" VARCHAR(64),
ADD COLUMN     "updated_by_id" UUID,
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1;


