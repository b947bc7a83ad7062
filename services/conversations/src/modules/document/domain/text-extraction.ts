import type { DocumentContentType } from './document';

/** A document's text, as the index chunks it. */
export interface ExtractedText {
  text: string;
  /** PDFs: their pages; null for other types. */
  pageCount: number | null;
}

/** Turns a document's bytes into text (plain, markdown, HTML, PDF). */
export interface TextExtractor {
  /** Throws `ExtractionError` when the bytes cannot be read as their type (a corrupt PDF). */
  extract(contentType: DocumentContentType, bytes: Buffer): Promise<ExtractedText>;
}

/**
 * The document cannot be read: the indexing run ends `failed` with `code` and the message as its
 * reason (`corrupt_pdf`, `encrypted_pdf`, `timeout`, `too_complex`, `no_text`).
 */
export class ExtractionError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ExtractionError';
  }
}
