import type { Page } from '@platform/domain';
import { DataLoader, pageLoader, defineModule, type PageKey } from '@platform/service-kit';
import type { BillingDependencies } from '../../service';
import type { SeatAssignment as SeatAssignmentModel } from './domain/seat';
import { seatOperations, type SeatOperations } from './domain/seat-operations';
import { seatRepository } from './infra/seat-repository';
import { assignSeat } from './resolvers/Mutation/assignSeat';
import { unassignSeat } from './resolvers/Mutation/unassignSeat';
import { Organization } from './resolvers/Organization';
import { OrganizationSubscription } from './resolvers/OrganizationSubscription';
import { SeatAssignment } from './resolvers/SeatAssignment';

export interface SeatModuleContext {
  seats: SeatOperations;
  /** Seats held in these organizations (the caller's own; 0 for any other): one query per batch. */
  assignedSeatsByOrganizationId: DataLoader<string, number>;
  /** Pages of active assignments by organization (only the caller's own has any). */
  activeSeatAssignments: DataLoader<PageKey, Page<SeatAssignmentModel>, string>;
  /** Pages of all assignments, released ones too, by organization. */
  allSeatAssignments: DataLoader<PageKey, Page<SeatAssignmentModel>, string>;
}

export const seatModule = defineModule<BillingDependencies, SeatModuleContext>({
  resolvers: {
    Mutation: { assignSeat, unassignSeat },
    Organization,
    OrganizationSubscription,
    SeatAssignment,
  },
  context: ({ tenants, clock }) => {
    const seats = seatOperations(seatRepository(tenants), () => clock.now());
    return ({ auth }) => ({
      seats,
      assignedSeatsByOrganizationId: new DataLoader((organizationIds: readonly string[]) =>
        seats.assignedCountOf(auth, organizationIds),
      ),
      activeSeatAssignments: pageLoader((organizationIds, request) =>
        seats.assignmentsOf(auth, organizationIds, false, request),
      ),
      allSeatAssignments: pageLoader((organizationIds, request) =>
        seats.assignmentsOf(auth, organizationIds, true, request),
      ),
    });
  },
});
