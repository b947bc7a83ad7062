import { appendToOutbox } from '@platform/events';
import type { Prisma } from '../generated/prisma/client';
import {
  organizationAccessChanged,
  type OrganizationAccessCause,
} from '../modules/organization/domain/access-changed';

/** Tells the gateway (and anyone) that principals of the organization changed, once they are stored. */
export async function accessChanged(
  tx: Prisma.TransactionClient,
  change: { organizationId: string; cause: OrganizationAccessCause; userId: string | null; version: number },
): Promise<void> {
  await appendToOutbox(tx, [organizationAccessChanged({ ...change, at: new Date() })]);
}
