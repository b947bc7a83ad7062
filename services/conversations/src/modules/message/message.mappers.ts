// What the generated resolver types use as parents (see @platform/codegen).
import type { Message } from './domain/message';

export type MessageMapper = Message;
export { MessageDeliveryStatus, MessageDirection } from './domain/message';
