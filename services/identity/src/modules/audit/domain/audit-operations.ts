import { organizationOf, pageRequest, type Actor, type Page } from '@platform/domain';
import { stringify } from 'csv-stringify/sync';
import {
  ChainVerifier,
  checkedFilter,
  EXPORT_COLUMNS,
  exportLimit,
  exportRecord,
  type AuditEntry,
  type AuditExportFormat,
  type AuditFilter,
  type ChainVerification,
} from './audit-entry';
import type { AuditRepository } from './audit-repository';

/** Entries read per query while verifying (the chain is walked in batches, never loaded whole). */
const VERIFY_BATCH = 1000;

export interface AuditExport {
  format: AuditExportFormat;
  contentType: string;
  filename: string;
  rowCount: number;
  truncated: boolean;
  content: string;
}

/** Reading, verifying and exporting the organization's audit trail. */
export function auditOperations(repository: AuditRepository, now: () => Date = () => new Date()) {
  return {
    list(
      actor: Actor,
      filter: AuditFilter | null | undefined,
      first: number | null | undefined,
      after: string | null | undefined,
    ): Promise<Page<AuditEntry>> {
      return repository.page(organizationOf(actor), checkedFilter(filter), pageRequest(first, after));
    },

    async verify(actor: Actor): Promise<ChainVerification & { verifiedAt: Date }> {
      const organizationId = organizationOf(actor);
      const verifier = new ChainVerifier();
      for (;;) {
        const after = verifier.result.head?.sequence ?? 0;
        const batch = await repository.chainAfter(organizationId, after, VERIFY_BATCH);
        if (!verifier.next(batch) || batch.length < VERIFY_BATCH) break;
      }
      return { ...verifier.result, verifiedAt: now() };
    },

    async export(
      actor: Actor,
      filter: AuditFilter | null | undefined,
      format: AuditExportFormat,
      limit: number | null | undefined,
    ): Promise<AuditExport> {
      const organizationId = organizationOf(actor);
      const { entries, truncated } = await repository.list(
        organizationId,
        checkedFilter(filter),
        exportLimit(limit),
      );
      const records = entries.map(exportRecord);
      const stamp = now().toISOString().replace(/[:.]/g, '-');
      const csv = format === 'CSV';
      return {
        format,
        contentType: csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
        filename: `audit-${organizationId}-${stamp}.${csv ? 'csv' : 'jsonl'}`,
        rowCount: records.length,
        truncated,
        content: csv
          ? stringify(records, { header: true, columns: [...EXPORT_COLUMNS] })
          : records.map((record) => JSON.stringify(record)).join('\n') + (records.length > 0 ? '\n' : ''),
      };
    },
  };
}

export type AuditOperations = ReturnType<typeof auditOperations>;
