import PDFDocument from 'pdfkit';

/** A real PDF written with PDFKit: one page per entry, each page's paragraphs as text. */
export function pdfOf(pages: string[][]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const document = new PDFDocument({ autoFirstPage: false, info: { Title: 'fixture' } });
    const parts: Buffer[] = [];
    document.on('data', (part: Buffer) => parts.push(part));
    document.on('end', () => resolve(Buffer.concat(parts)));
    document.on('error', reject);
    for (const paragraphs of pages) {
      document.addPage();
      for (const paragraph of paragraphs) document.text(paragraph).moveDown();
    }
    document.end();
  });
}

export const REFUND_MARKDOWN = `# Returns handbook

## Refunds

Customers may request a **refund** within 30 days of purchase. Refunds are paid to the original
payment method within five business days.

## Exchanges

- Exchanges are free for unused items.
- Bring the receipt to any store.
`;

export const WARRANTY_PDF_PAGES = [
  ['Espresso machine manual', 'Descale the boiler every two months with citric acid.'],
  ['Warranty', 'Every espresso machine carries a two-year warranty covering the pump and the boiler.'],
];

export const base64 = (bytes: Buffer | string) => Buffer.from(bytes).toString('base64');
