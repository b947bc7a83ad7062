import { convert } from 'html-to-text';
import MarkdownIt from 'markdown-it';
import type { DocumentContentType } from '../domain/document';
import { ExtractionError, type ExtractedText, type TextExtractor } from '../domain/text-extraction';
import { pdfText, type PdfTextOptions } from './pdf-text';

// Markdown is rendered to HTML (markdown-it, CommonMark) and HTML to text (html-to-text): headings,
// lists and tables come out as readable lines, links as their text, images and scripts not at all.
const markdown = new MarkdownIt({ html: false, linkify: false });

const HTML_OPTIONS = {
  wordwrap: false as const,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'script', format: 'skip' },
    { selector: 'style', format: 'skip' },
    { selector: 'nav', format: 'skip' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'h4', options: { uppercase: false } },
    { selector: 'h5', options: { uppercase: false } },
    { selector: 'h6', options: { uppercase: false } },
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
  ],
};

const htmlToText = (html: string) => convert(html, HTML_OPTIONS);

/** The extractor the index uses: plain text as is, markdown and HTML to text, PDFs through pdf.js. */
export function textExtractor(pdf: PdfTextOptions = {}): TextExtractor {
  return {
    async extract(contentType: DocumentContentType, bytes: Buffer): Promise<ExtractedText> {
      switch (contentType) {
        case 'text/plain':
          return { text: bytes.toString('utf8'), pageCount: null };
        case 'text/markdown':
          return { text: htmlToText(markdown.render(bytes.toString('utf8'))), pageCount: null };
        case 'text/html':
          return { text: htmlToText(bytes.toString('utf8')), pageCount: null };
        case 'application/pdf':
          return pdfText(bytes, pdf);
        default: {
          const unexpected: never = contentType;
          throw new ExtractionError('unsupported_type', `no text extraction for ${String(unexpected)}`);
        }
      }
    },
  };
}
