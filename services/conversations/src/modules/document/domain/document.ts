/**
 * Documents the assistant retrieves from (004's DOCUMENT): what an upload must be, where a document
 * stands in the index, and the events its storage and indexing imply. No Prisma, GraphQL or Kafka.
 */
import { createHash } from 'node:crypto';
import { enumObject, InputIssues, isUuid } from '@platform/domain';
import { createEvent, type CloudEvent, type EventData } from '@platform/events/catalog';

export const EVENT_SOURCE = '/services/conversations';

export const DOCUMENT_INDEX_STATUSES = ['pending', 'indexing', 'indexed', 'failed'] as const;
export const DocumentIndexStatus = enumObject(DOCUMENT_INDEX_STATUSES);
export type DocumentIndexStatus = (typeof DOCUMENT_INDEX_STATUSES)[number];

/** 004's document categories (a document may have several). */
export const DOCUMENT_CATEGORIES = ['installation', 'tech', 'support', 'process', 'client_specific'] as const;
export const DocumentCategory = enumObject(DOCUMENT_CATEGORIES);
export type DocumentCategory = (typeof DOCUMENT_CATEGORIES)[number];

/** The types the index extracts text from; anything else is refused at upload. */
export const DOCUMENT_CONTENT_TYPES = [
  'text/plain',
  'text/markdown',
  'text/html',
  'application/pdf',
] as const;
export type DocumentContentType = (typeof DOCUMENT_CONTENT_TYPES)[number];

/**
 * The default upload limit: 700 KiB. An upload travels base64 in a GraphQL body (4/3 of its size), and
 * the gateway and every subgraph refuse bodies over 1 MiB (DEFAULT_MAX_BODY_BYTES): 700 KiB is 933 KiB of
 * base64, with room for the rest of the request. A larger configured limit needs larger body limits.
 */
export const DEFAULT_MAX_DOCUMENT_BYTES = 700 * 1024;
export const MAX_TITLE_LENGTH = 200;
export const MAX_FILENAME_LENGTH = 200;
export const MAX_CATEGORIES = 5;

export interface Document {
  id: string;
  organizationId: string;
  companyId: string | null;
  title: string;
  filename: string;
  contentType: DocumentContentType;
  sizeBytes: number;
  storageKey: string;
  checksum: string;
  categories: DocumentCategory[];
  indexStatus: DocumentIndexStatus;
  failureReason: string | null;
  chunkCount: number;
  pageCount: number | null;
  wordCount: number | null;
  uploadedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  indexedAt: Date | null;
}

/** A passage of a document, as a citation shows it. */
export interface DocumentChunk {
  id: string;
  documentId: string;
  ordinal: number;
  text: string;
  tokenCount: number;
}

export interface UploadDocumentInput {
  title: string;
  filename: string;
  /** What the client says it is; the bytes decide (`sniffContentType`). */
  contentType: string;
  contentBase64: string;
  categories?: readonly string[] | null;
  companyId?: string | null;
}

/** An upload that passed every check: the bytes and what the document row starts as. */
export interface AcceptedUpload {
  bytes: Buffer;
  title: string;
  filename: string;
  contentType: DocumentContentType;
  categories: DocumentCategory[];
  companyId: string | null;
  checksum: string;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const PDF_MAGIC = Buffer.from('%PDF-');
const HTML_START = /^\s*(<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])/i;

/** Decodes UTF-8 strictly: null when the bytes are not text. */
function utf8(bytes: Buffer): string | null {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    // NUL and other C0 controls (but tab, newline, vertical tab, form feed, carriage return) mean a
    // binary file.
    for (let index = 0; index < text.length; index += 1) {
      const code = text.charCodeAt(index);
      if (code < 0x20 && (code < 0x09 || code > 0x0d)) return null;
    }
    return text;
  } catch {
    return null;
  }
}

/**
 * The document's real type from its bytes and the declared one: a PDF must start with `%PDF-` (and
 * a declared text type must not be a PDF); text types must be UTF-8 text; text/html and text/markdown
 * are taken as declared once the bytes are text, except that an HTML document declared text/plain stays
 * plain (shown as its source). Null: the bytes are not what was declared.
 */
export function sniffContentType(declared: DocumentContentType, bytes: Buffer): DocumentContentType | null {
  const isPdf = bytes.subarray(0, PDF_MAGIC.length).equals(PDF_MAGIC);
  if (declared === 'application/pdf') return isPdf ? declared : null;
  if (isPdf) return null;
  const text = utf8(bytes);
  if (text === null) return null;
  if (declared === 'text/html' && !HTML_START.test(text) && !/<[a-z][^>]*>/i.test(text)) return null;
  return declared;
}

/** The last segment of a path a browser may send (`C:\\docs\\a.pdf`), trimmed. */
function baseName(filename: string): string {
  return (filename.split(/[\\/]/).pop() ?? '').trim();
}

/** Checks an upload, every field at once (BAD_USER_INPUT with each field's problem). */
export function acceptUpload(input: UploadDocumentInput, maxBytes: number): AcceptedUpload {
  const issues = new InputIssues();
  const title = input.title.trim();
  if (title.length === 0 || title.length > MAX_TITLE_LENGTH) {
    issues.add('title', `must be 1–${MAX_TITLE_LENGTH} characters`);
  }
  const filename = baseName(input.filename);
  if (filename.length === 0 || filename.length > MAX_FILENAME_LENGTH) {
    issues.add('filename', `must be 1–${MAX_FILENAME_LENGTH} characters`);
  }
  const declared = (DOCUMENT_CONTENT_TYPES as readonly string[]).includes(input.contentType.toLowerCase())
    ? (input.contentType.toLowerCase() as DocumentContentType)
    : null;
  if (!declared) {
    issues.add('contentType', `must be one of ${DOCUMENT_CONTENT_TYPES.join(', ')}`, 'unsupported_type');
  }
  const categories = [...new Set(input.categories ?? [])];
  if (categories.length > MAX_CATEGORIES) issues.add('categories', `at most ${MAX_CATEGORIES}`);
  categories.forEach((category, index) => {
    if (!(DOCUMENT_CATEGORIES as readonly string[]).includes(category)) {
      issues.add(`categories.${index}`, `must be one of ${DOCUMENT_CATEGORIES.join(', ')}`);
    }
  });
  const companyId = input.companyId ?? null;
  if (companyId !== null && !isUuid(companyId)) issues.add('companyId', 'must be a company id (UUID)');
  // Decoded length first: a body over the limit is refused before it is decoded.
  const encoded = input.contentBase64.replace(/\s+/g, '');
  let bytes = Buffer.alloc(0);
  if (!BASE64.test(encoded) || encoded.length % 4 !== 0) {
    issues.add('contentBase64', 'must be base64');
  } else if (Math.floor((encoded.length * 3) / 4) - (encoded.match(/=+$/)?.[0].length ?? 0) > maxBytes) {
    issues.add('contentBase64', `the document is larger than ${maxBytes} bytes`, 'too_large');
  } else {
    bytes = Buffer.from(encoded, 'base64');
    if (bytes.length === 0) issues.add('contentBase64', 'the document is empty', 'empty');
  }
  let contentType: DocumentContentType | null = null;
  if (declared && bytes.length > 0) {
    contentType = sniffContentType(declared, bytes);
    if (!contentType) {
      issues.add(
        'contentType',
        declared === 'application/pdf'
          ? 'the bytes are not a PDF (a PDF starts with %PDF-)'
          : `the bytes are not ${declared} (UTF-8 text${declared === 'text/html' ? ' with HTML markup' : ''})`,
        'type_mismatch',
      );
    }
  }
  issues.throwIfAny();
  return {
    bytes,
    title,
    filename,
    // Checked above: throwIfAny returned, so the type was sniffed.
    contentType: contentType ?? 'text/plain',
    categories: categories as DocumentCategory[],
    companyId,
    checksum: createHash('sha256').update(bytes).digest('hex'),
  };
}

/** Where a document's bytes live: one prefix per organization (the storage's rule). */
export function storageKeyOf(organizationId: string, documentId: string): string {
  return `${organizationId}/documents/${documentId}`;
}

export type StorageObjectChanged = CloudEvent<
  'conversations.storage_object.changed.v1',
  EventData<'conversations.storage_object.changed.v1'>
>;

/** The document's bytes now count (stored) or no longer do (deleted): billing meters storage. */
export function documentStorageChanged(
  document: Pick<Document, 'id' | 'organizationId' | 'sizeBytes'>,
  deleted: boolean,
  now: Date,
): StorageObjectChanged {
  return createEvent('conversations.storage_object.changed.v1', {
    source: EVENT_SOURCE,
    subject: document.id,
    tenantId: document.organizationId,
    time: now,
    data: {
      objectId: document.id,
      organizationId: document.organizationId,
      kind: 'document',
      sizeBytes: deleted ? 0 : document.sizeBytes,
      deleted,
      changedAt: now.toISOString(),
    },
  });
}

export type AiUsageRecorded = CloudEvent<
  'conversations.ai_usage.recorded.v1',
  EventData<'conversations.ai_usage.recorded.v1'>
>;

/** What one AI task (an indexing run's embeddings, a chat answer) used: one event per task id. */
export function aiUsageRecorded(usage: {
  aiTaskId: string;
  organizationId: string;
  taskKind: 'chat' | 'embed';
  outcome: 'completed' | 'failed';
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  requestedById: string | null;
  finishedAt: Date;
}): AiUsageRecorded {
  return createEvent('conversations.ai_usage.recorded.v1', {
    source: EVENT_SOURCE,
    subject: usage.aiTaskId,
    tenantId: usage.organizationId,
    time: usage.finishedAt,
    data: { ...usage, finishedAt: usage.finishedAt.toISOString() },
  });
}
