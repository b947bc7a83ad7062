// What the generated resolver types use as parents (see @platform/codegen).
import type { MessageArchive } from './domain/retention';

export type MessageArchiveMapper = MessageArchive;
