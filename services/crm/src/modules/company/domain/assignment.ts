/**
 * Who works a company (spec 004 CLIENT_ASSIGNMENT): users assigned as owner or collaborator, at most
 * once per (company, user, role). No Prisma or GraphQL here.
 */
import { COMPANY_ASSIGNMENT_ROLES, createEvent } from '@platform/events/catalog';
import { enumObject } from '@platform/domain';
import { EVENT_SOURCE, type CompanyEvent } from './company';

export const CompanyAssignmentRole = enumObject(COMPANY_ASSIGNMENT_ROLES);
export type CompanyAssignmentRole = (typeof COMPANY_ASSIGNMENT_ROLES)[number];

export interface CompanyAssignment {
  id: string;
  organizationId: string;
  companyId: string;
  userId: string;
  role: CompanyAssignmentRole;
  assignedById: string;
  /** When the user was assigned. */
  createdAt: Date;
}

/** A new assignment and its event (the repository refuses a second one of the same user and role). */
export function assignUser(
  ids: { id: string; organizationId: string; companyId: string; assignedById: string },
  userId: string,
  role: CompanyAssignmentRole,
  now: Date,
): { assignment: CompanyAssignment; events: CompanyEvent[] } {
  const assignment: CompanyAssignment = { ...ids, userId, role, createdAt: now };
  return {
    assignment,
    events: [
      createEvent('crm.company.assignment_added.v1', {
        source: EVENT_SOURCE,
        subject: ids.companyId,
        tenantId: ids.organizationId,
        time: now,
        data: {
          companyId: ids.companyId,
          organizationId: ids.organizationId,
          assignmentId: ids.id,
          userId,
          role,
          assignedById: ids.assignedById,
          assignedAt: now.toISOString(),
        },
      }),
    ],
  };
}

/** The event of an assignment's removal. */
export function unassignUser(
  assignment: CompanyAssignment,
  removedById: string,
  now: Date,
): { events: CompanyEvent[] } {
  return {
    events: [
      createEvent('crm.company.assignment_removed.v1', {
        source: EVENT_SOURCE,
        subject: assignment.companyId,
        tenantId: assignment.organizationId,
        time: now,
        data: {
          companyId: assignment.companyId,
          organizationId: assignment.organizationId,
          assignmentId: assignment.id,
          userId: assignment.userId,
          role: assignment.role,
          removedById,
          removedAt: now.toISOString(),
        },
      }),
    ],
  };
}
