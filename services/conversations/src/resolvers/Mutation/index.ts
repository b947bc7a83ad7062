import { startConversation } from './startConversation';

export const Mutation = { startConversation };
