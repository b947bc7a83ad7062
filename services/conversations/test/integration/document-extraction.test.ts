import { ExtractionError } from '../../src/modules/document/domain/text-extraction';
import { textExtractor } from '../../src/modules/document/infra/text-extractor';
import { pdfOf, REFUND_MARKDOWN, WARRANTY_PDF_PAGES } from './documents-fixtures';

// Text extraction with the real libraries: markdown-it and html-to-text in process, pdf.js in its
// worker thread (real PDFs written by PDFKit; broken ones refused, never crashing the caller).

describe('text extraction', () => {
  const extractor = textExtractor({ timeoutMs: 20_000 });

  it('turns markdown into text: headings, emphasis and lists without their markup', async () => {
    const { text, pageCount } = await extractor.extract('text/markdown', Buffer.from(REFUND_MARKDOWN));
    expect(pageCount).toBeNull();
    expect(text).toContain('Refunds');
    expect(text).toContain('Customers may request a refund within 30 days of purchase.');
    expect(text).toMatch(/Exchanges are free for unused items\./);
    expect(text).not.toMatch(/\*\*|^#+ /m);
  });

  it('turns HTML into text: entities decoded, scripts and styles left out, tables kept readable', async () => {
    const html =
      '<html><head><title>x</title><style>.a{}</style></head><body><script>steal()</script>' +
      '<h2>Prices</h2><p>Tea &amp; coffee &euro;3</p><table><tr><th>Size</th><th>Price</th></tr>' +
      '<tr><td>Large</td><td>5</td></tr></table><a href="https://example.com/x">the menu</a></body></html>';
    const { text } = await extractor.extract('text/html', Buffer.from(html));
    expect(text).toContain('Tea & coffee €3');
    expect(text).toMatch(/Large\s+5/);
    expect(text).toContain('the menu');
    expect(text).not.toMatch(/steal|\.a\{|example\.com|<p>/);
  });

  it('reads every page of a PDF', async () => {
    const { text, pageCount } = await extractor.extract('application/pdf', await pdfOf(WARRANTY_PDF_PAGES));
    expect(pageCount).toBe(2);
    expect(text).toContain('Descale the boiler every two months with citric acid.');
    expect(text).toContain('two-year warranty covering the pump and the boiler.');
    expect(text.indexOf('Descale')).toBeLessThan(text.indexOf('Warranty'));
  });

  it('refuses a corrupt or truncated PDF with corrupt_pdf', async () => {
    const whole = await pdfOf(WARRANTY_PDF_PAGES);
    for (const bytes of [Buffer.from('%PDF-1.7\ngarbage'), whole.subarray(0, whole.length / 3)]) {
      const failure = await extractor.extract('application/pdf', bytes).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ExtractionError);
      expect((failure as ExtractionError).code).toBe('corrupt_pdf');
    }
  });

  it('gives up on a PDF that takes longer than its deadline', async () => {
    const slow = textExtractor({ timeoutMs: 1 });
    const failure = await slow
      .extract('application/pdf', await pdfOf(WARRANTY_PDF_PAGES))
      .catch((error: unknown) => error);
    expect((failure as ExtractionError).code).toBe('timeout');
  });
});
