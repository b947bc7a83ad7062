import { createHash } from 'node:crypto';
import { chunkText, normalizeText } from '../../src/modules/document/domain/chunking';
import { acceptUpload, sniffContentType } from '../../src/modules/document/domain/document';
import { DomainError } from '@platform/domain';

// Document rules without I/O: chunking, type sniffing and the upload checks.

describe('chunkText', () => {
  const paragraph = (label: string, sentences: number) =>
    Array.from(
      { length: sentences },
      (_, index) => `${label} sentence number ${index} says something useful.`,
    ).join(' ');

  it('keeps a short text as one chunk, whitespace tidied', () => {
    expect(chunkText('  Hello   world.\r\n\r\n\r\n\r\nSecond\tpart.  ')).toEqual([
      { ordinal: 0, text: 'Hello world.\n\nSecond part.', tokenCount: 7 },
    ]);
    expect(chunkText('   \n\n  ')).toEqual([]);
  });

  it('packs whole paragraphs up to the target and overlaps the next chunk with the previous tail', () => {
    const text = [paragraph('alpha', 6), paragraph('beta', 6), paragraph('gamma', 6)].join('\n\n');
    const chunks = chunkText(text, { targetChars: 800, overlapChars: 150 });
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(800);
    // Paragraphs are not cut when they fit: each begins a chunk's own part whole.
    expect(chunks[0]?.text.startsWith('alpha sentence number 0')).toBe(true);
    const second = chunks[1]?.text ?? '';
    // The overlap: the second chunk starts with words that end the first one.
    const overlap = second.split('\n\n')[0] ?? '';
    expect(chunks[0]?.text.endsWith(overlap)).toBe(true);
    expect(overlap.length).toBeLessThanOrEqual(150);
    // Every sentence is in some chunk.
    for (const label of ['alpha', 'beta', 'gamma']) {
      for (let index = 0; index < 6; index += 1) {
        const sentence = `${label} sentence number ${index} says something useful.`;
        expect(chunks.some((chunk) => chunk.text.includes(sentence))).toBe(true);
      }
    }
  });

  it('cuts a paragraph longer than the target at sentence ends, and an endless word hard', () => {
    const chunks = chunkText(paragraph('long', 40), { targetChars: 400, overlapChars: 50 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(400);
    const word = chunkText('x'.repeat(1000), { targetChars: 300, overlapChars: 0 });
    expect(word.map((chunk) => chunk.text.length)).toEqual([300, 300, 300, 100]);
  });

  it('normalizes line endings and blank runs', () => {
    expect(normalizeText('a\r\nb\rc\n\n\n\nd')).toBe('a\nb\nc\n\nd');
  });
});

describe('document type sniffing', () => {
  it('trusts the bytes, not the declared type', () => {
    expect(sniffContentType('application/pdf', Buffer.from('%PDF-1.7\n…'))).toBe('application/pdf');
    expect(sniffContentType('application/pdf', Buffer.from('hello'))).toBeNull();
    expect(sniffContentType('text/plain', Buffer.from('%PDF-1.4'))).toBeNull();
    expect(sniffContentType('text/markdown', Buffer.from('# Title\n\nBody'))).toBe('text/markdown');
    expect(sniffContentType('text/plain', Buffer.from([0xff, 0xfe, 0x00]))).toBeNull();
    expect(sniffContentType('text/plain', Buffer.from('a\u0000b'))).toBeNull();
    expect(sniffContentType('text/html', Buffer.from('<p>Hi</p>'))).toBe('text/html');
    expect(sniffContentType('text/html', Buffer.from('plain words'))).toBeNull();
  });

  it('lists every problem of an upload at once', () => {
    let caught: unknown;
    try {
      acceptUpload(
        { title: '', filename: 'a/b/', contentType: 'image/png', contentBase64: '@@', categories: ['x'] },
        100,
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DomainError);
    const issues = ((caught as DomainError).details?.issues ?? []) as Array<{ path: string }>;
    expect(issues.map((issue) => issue.path).sort()).toEqual(
      ['categories.0', 'contentBase64', 'contentType', 'filename', 'title'].sort(),
    );
  });

  it('accepts a good upload with its checksum and cleaned file name', () => {
    const accepted = acceptUpload(
      {
        title: ' Handbook ',
        filename: '/home/me/handbook.md',
        contentType: 'TEXT/MARKDOWN',
        contentBase64: Buffer.from('# Hi').toString('base64'),
        categories: ['support', 'support'],
      },
      100,
    );
    expect(accepted).toMatchObject({
      title: 'Handbook',
      filename: 'handbook.md',
      contentType: 'text/markdown',
      categories: ['support'],
      companyId: null,
      checksum: createHash('sha256').update('# Hi').digest('hex'),
    });
  });
});
