/**
 * Splits a document's text into the passages retrieval scores and citations quote.
 *
 * Paragraph-aware: paragraphs (blank-line separated) are packed whole into chunks of at most
 * `targetChars` (800); a paragraph longer than that is cut at sentence ends, a sentence longer than
 * that at word boundaries. Each chunk after the first begins with the last `overlapChars` (about 150)
 * of the previous one, cut at a word boundary, so a fact that straddles two chunks is whole in one of
 * them. 800 characters is about 200 tokens: small enough that a citation points at the passage that
 * answers, large enough to hold a paragraph with its context.
 */
export interface ChunkingOptions {
  targetChars: number;
  overlapChars: number;
}

export const DEFAULT_CHUNKING: ChunkingOptions = { targetChars: 800, overlapChars: 150 };

export interface TextChunk {
  ordinal: number;
  text: string;
  /** Estimated tokens (one per four characters, as the providers' tokenizers average on English). */
  tokenCount: number;
}

/** Whitespace tidied: lines trimmed, runs of spaces one space, at most one blank line in a row. */
export function normalizeText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t\f\v\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Pieces of at most `limit` characters: sentences, then words, then hard cuts for endless tokens. */
function splitLong(paragraph: string, limit: number): string[] {
  if (paragraph.length <= limit) return [paragraph];
  const sentences = paragraph.split(/(?<=[.!?;:])\s+/);
  const pieces: string[] = [];
  let current = '';
  const flush = () => {
    if (current) pieces.push(current);
    current = '';
  };
  for (const sentence of sentences) {
    if (sentence.length > limit) {
      flush();
      for (const word of sentence.split(/\s+/)) {
        if (word.length > limit) {
          flush();
          for (let start = 0; start < word.length; start += limit)
            pieces.push(word.slice(start, start + limit));
        } else if (current.length + word.length + 1 > limit) {
          flush();
          current = word;
        } else {
          current = current ? `${current} ${word}` : word;
        }
      }
      flush();
    } else if (current.length + sentence.length + 1 > limit) {
      flush();
      current = sentence;
    } else {
      current = current ? `${current} ${sentence}` : sentence;
    }
  }
  flush();
  return pieces;
}

/** The last `size` characters of `text`, starting at a word boundary. */
function tail(text: string, size: number): string {
  if (text.length <= size) return text;
  const cut = text.slice(text.length - size);
  const space = cut.indexOf(' ');
  return space === -1 ? cut : cut.slice(space + 1);
}

export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

export function chunkText(text: string, options: ChunkingOptions = DEFAULT_CHUNKING): TextChunk[] {
  const { targetChars, overlapChars } = options;
  const body = Math.max(1, targetChars - overlapChars);
  const paragraphs = normalizeText(text)
    .split(/\n\n/)
    .flatMap((paragraph) => splitLong(paragraph, body))
    .filter((paragraph) => paragraph.length > 0);
  const texts: string[] = [];
  let current = '';
  for (const paragraph of paragraphs) {
    if (current && current.length + paragraph.length + 2 > body) {
      texts.push(current);
      current = '';
    }
    current = current ? `${current}\n\n${paragraph}` : paragraph;
  }
  if (current) texts.push(current);
  return texts.map((chunk, ordinal) => {
    const previous = ordinal > 0 ? texts[ordinal - 1] : undefined;
    const withOverlap = previous && overlapChars > 0 ? `${tail(previous, overlapChars)}\n\n${chunk}` : chunk;
    return { ordinal, text: withOverlap, tokenCount: estimateTokens(withOverlap) };
  });
}

export const countWords = (text: string): number => text.match(/\S+/g)?.length ?? 0;
