// What the generated resolver types use as parents (see @platform/codegen).
import type { Document, DocumentChunk } from './domain/document';

export type DocumentMapper = Document;
export type DocumentChunkMapper = DocumentChunk;
export { DocumentCategory, DocumentIndexStatus } from './domain/document';
