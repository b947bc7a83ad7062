import type { Plan, PlanId } from '../../plan/domain/plan';
import type { Subscription } from './subscription';

/** What the subscription operations need of storage (infra/subscription-repository.ts implements it). */
export interface SubscriptionRepository {
  /** The organization's current subscription: the newest one that is not over (null if none). */
  current(organizationId: string): Promise<Subscription | null>;
}

/**
 * The same storage inside a transaction that is already open (the provisioning consumer's), so the
 * check, the insert it guards, the consumer's idempotency mark and the outbox rows commit together.
 */
export interface SubscriptionTransaction {
  current(organizationId: string): Promise<Subscription | null>;
  plan(id: PlanId): Promise<Plan>;
  add(subscription: Subscription): Promise<void>;
}
