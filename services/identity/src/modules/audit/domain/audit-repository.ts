import type { Page, PageRequest } from '@platform/domain';
import type { AuditEntry, AuditFilter } from './audit-entry';

/** What the audit trail needs of storage (infra/audit-repository.ts implements it). */
export interface AuditRepository {
  /** Newest first, filtered. */
  page(organizationId: string, filter: AuditFilter, page: PageRequest): Promise<Page<AuditEntry>>;
  /** Up to `limit` entries matching `filter`, newest first, and whether more matched. */
  list(
    organizationId: string,
    filter: AuditFilter,
    limit: number,
  ): Promise<{ entries: AuditEntry[]; truncated: boolean }>;
  /** The chain in order: up to `limit` entries after sequence `after`. */
  chainAfter(organizationId: string, after: number, limit: number): Promise<AuditEntry[]>;
}
