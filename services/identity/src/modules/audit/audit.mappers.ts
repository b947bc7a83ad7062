// What the generated resolver types use as parents (see @platform/codegen).
import type { AuditEntry, AuditActor } from './domain/audit-entry';
import type { AuditExport } from './domain/audit-operations';

export type AuditEventMapper = AuditEntry;
export type AuditActorMapper = AuditActor;
export type AuditExportMapper = AuditExport;
export { AuditActorType, AuditExportFormat, AuditOutcome } from './domain/audit-entry';
