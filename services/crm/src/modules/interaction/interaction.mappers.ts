// What the generated resolver types use as parents (see @platform/codegen).
import type { ActionItem, InteractionView } from './domain/interaction';

/** An interaction as the caller may see it (content withheld where its privacy says so). */
export type InteractionMapper = InteractionView;
export type InteractionActionItemMapper = ActionItem;
// PrivacyLevel is the contact module's enum (same values; contact.mappers.ts binds it).
export {
  Confidentiality,
  InteractionChannel,
  InteractionDirection,
  InteractionOrderField,
  InteractionPriority,
  InteractionStatus,
  InteractionType,
  SentimentLabel,
} from './domain/interaction';
