-- CreateEnum
CREATE TYPE "ChannelAccountPlatform" AS ENUM ('facebook', 'instagram', 'twitter', 'linkedin', 'whatsapp', 'email', 'gmail', 'slack', 'sms', 'chat');

-- CreateEnum
CREATE TYPE "ChannelAccountStatus" AS ENUM ('connected', 'disconnected', 'refresh_failed');

-- CreateTable
CREATE TABLE "channel_accounts" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "platform" "ChannelAccountPlatform" NOT NULL,
    "platform_account_id" VARCHAR(200) NOT NULL,
    "display_name" VARCHAR(200) NOT NULL,
    "status" "ChannelAccountStatus" NOT NULL DEFAULT 'connected',
    "access_token" TEXT,
    "refresh_token" TEXT,
    "token_key_id" VARCHAR(32) NOT NULL,
    "token_expires_at" TIMESTAMPTZ(3),
    "scopes" TEXT[],
    "webhook_id" UUID NOT NULL,
    "webhook_secret" TEXT NOT NULL,
    "connected_at" TIMESTAMPTZ(3) NOT NULL,
    "connected_by" UUID,
    "disconnected_at" TIMESTAMPTZ(3),
    "disconnected_by" UUID,
    "disconnect_reason" VARCHAR(500),
    "last_refresh_at" TIMESTAMPTZ(3),
    "last_refresh_error" VARCHAR(100),
    "refresh_failures" INTEGER NOT NULL DEFAULT 0,
    "refresh_not_before" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "channel_accounts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "channel_accounts_webhook_id_key" ON "channel_accounts"("webhook_id");

-- CreateIndex
CREATE INDEX "channel_accounts_status_token_expires_at_idx" ON "channel_accounts"("status", "token_expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "channel_accounts_organization_id_platform_platform_account__key" ON "channel_accounts"("organization_id", "platform", "platform_account_id");


-- Row-level security: tenant rows are visible only inside a transaction that set app.organization_id.
ALTER TABLE "channel_accounts" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "channel_accounts" FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON "channel_accounts"
  USING ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid)
  WITH CHECK ("organization_id" = nullif(current_setting('app.organization_id', true), '')::uuid);

-- The narrow cross-tenant door of the token refresh job (which accounts expire soon) and of webhook
-- ingestion (which account a webhook id names): a transaction that turned app.channel_accounts on may
-- read, never write; changes still run in the account's tenant transaction.
CREATE POLICY channel_accounts ON "channel_accounts" FOR SELECT
  USING (current_setting('app.channel_accounts', true) = 'on');
