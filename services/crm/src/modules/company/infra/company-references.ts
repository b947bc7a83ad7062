import { InputIssues } from '@platform/domain';
import type { Prisma } from '../../../generated/prisma/client';

/**
 * Records of other modules that name a company (a contact's, a deal's `companyId`) must name a live
 * company of their own organization: checked inside the writing transaction, so the company cannot be
 * deleted between the check and the write's commit unseen (the share lock holds its row until then).
 * BAD_USER_INPUT at `path` otherwise.
 */
export async function ensureLiveCompany(
  tx: Prisma.TransactionClient,
  organizationId: string,
  companyId: string | null,
  path = 'companyId',
): Promise<void> {
  if (companyId === null) return;
  const found = await tx.$queryRaw<Array<{ id: string }>>`
    SELECT id FROM companies
     WHERE id = ${companyId}::uuid AND organization_id = ${organizationId}::uuid AND deleted_at IS NULL
     FOR SHARE`;
  if (found.length === 0) new InputIssues().add(path, 'is not a company of the organization').throwIfAny();
}
