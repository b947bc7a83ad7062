// What the generated resolver types use as parents (see @platform/codegen).
import type { PaymentAttempt } from './domain/payment-attempt';
import type { PaymentMethod } from './domain/payment-method';

export type PaymentMethodMapper = PaymentMethod;
export type PaymentAttemptMapper = PaymentAttempt;
export { PaymentAttemptStatus } from './domain/payment-attempt';
