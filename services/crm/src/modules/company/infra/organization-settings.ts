import type { Prisma } from '../../../generated/prisma/client';
import { DEFAULT_ORGANIZATION_SETTINGS, type OrganizationSettings } from '../domain/pipeline';

type Transaction = Prisma.TransactionClient;

/** The organization's settings as crm's projection holds them, or identity's defaults until they arrive. */
export async function readOrganizationSettings(
  tx: Transaction,
  organizationId: string,
): Promise<OrganizationSettings> {
  const row = await tx.organizationSettings.findUnique({ where: { organizationId } });
  if (!row || row.pipelineStages.length === 0) return DEFAULT_ORGANIZATION_SETTINGS;
  return {
    pipelineStages: row.pipelineStages,
    yellowAfterDays: row.healthYellowAfterDays,
    redAfterDays: row.healthRedAfterDays,
    timezone: row.timezone,
  };
}

/**
 * Applies one of identity's organization events inside the consumer's transaction: stores the
 * organization's settings as of `at`, unless settings of a later moment are stored already (events of
 * one organization arrive in order, but a redelivery may bring an old one back). An event without
 * settings (an organization created before identity sent them) stands for identity's defaults.
 */
export async function applyOrganizationSettings(
  tx: Transaction,
  organizationId: string,
  settings: OrganizationSettings | null,
  at: Date,
): Promise<void> {
  const existing = await tx.organizationSettings.findUnique({
    where: { organizationId },
    select: { updatedAt: true },
  });
  if (existing && existing.updatedAt.getTime() > at.getTime()) return;
  const value = settings ?? DEFAULT_ORGANIZATION_SETTINGS;
  const data = {
    pipelineStages: [...value.pipelineStages],
    healthYellowAfterDays: value.yellowAfterDays,
    healthRedAfterDays: value.redAfterDays,
    timezone: value.timezone,
    updatedAt: at,
  };
  await tx.organizationSettings.upsert({
    where: { organizationId },
    create: { organizationId, ...data },
    update: data,
  });
}
