import type { Page, PageRequest } from '@platform/domain';
import type { SeatAssignment, SeatCandidate, SeatEvent, SeatSubscription } from './seat';

/**
 * Seats inside an open tenant transaction (infra/seat-repository.ts implements it). Every change starts
 * with `lock`, which holds the organization's seat ledger row until the transaction ends: concurrent
 * changes of one organization's seats take turns, and each reads what the previous one committed.
 */
export interface SeatStore {
  /** Takes the organization's seat lock; answers the version of its last seat change (0 at first). */
  lock(organizationId: string): Promise<number>;
  /** Records the version of the change being made (under the lock). */
  setVersion(organizationId: string, version: number): Promise<void>;
  /** The organization's current subscription, or null. */
  subscription(organizationId: string): Promise<SeatSubscription | null>;
  /** billing's projection of the user (from identity's events), or null when unknown. */
  user(organizationId: string, userId: string): Promise<SeatCandidate | null>;
  activeAssignmentOf(organizationId: string, userId: string): Promise<SeatAssignment | null>;
  activeAssignments(organizationId: string): Promise<SeatAssignment[]>;
  assignedCount(organizationId: string): Promise<number>;
  add(assignment: SeatAssignment): Promise<void>;
  /** Stores a released assignment (its isActive, endDate and deactivation fields). */
  release(assignment: SeatAssignment): Promise<void>;
}

/** Reads and transactional changes for the seat use cases. */
export interface SeatRepository {
  /** Runs `work` in the organization's tenant transaction and stores its events with it. */
  change<T>(
    organizationId: string,
    work: (store: SeatStore) => Promise<{ value: T; events: readonly SeatEvent[] }>,
  ): Promise<T>;
  /** A page of the organization's assignments, newest first; active ones only unless `includeInactive`. */
  page(organizationId: string, includeInactive: boolean, request: PageRequest): Promise<Page<SeatAssignment>>;
  /** Active assignments of the organization. */
  assignedCount(organizationId: string): Promise<number>;
}
