import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { ExtractionError, type ExtractedText } from '../domain/text-extraction';

/**
 * PDF text with Mozilla's pdf.js (pdfjs-dist, legacy build for Node), in a worker thread of its own:
 *
 * - a hostile or broken PDF cannot take the service down: the worker has a heap limit and a deadline,
 *   and is terminated when it passes either (`too_complex`, `timeout`);
 * - parsing is CPU work that would otherwise stall the event loop serving the graph;
 * - pdf.js is an ES module that sets up its own fake worker with a dynamic import: a worker thread is
 *   plain Node whatever runs the service (tsx, jest's CommonJS module system).
 *
 * The worker's source is the short script below: it only loads pdf.js (by the path resolved here),
 * reads every page's text items, and posts `{ ok, pages }` or `{ ok: false, name, message }`.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  try {
    const pdfjs = await import(workerData.pdfjsUrl);
    const task = pdfjs.getDocument({
      data: workerData.bytes,
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      stopAtErrors: true,
      verbosity: 0,
    });
    const document = await task.promise;
    const pages = [];
    for (let number = 1; number <= document.numPages; number += 1) {
      const page = await document.getPage(number);
      const content = await page.getTextContent();
      let text = '';
      for (const item of content.items) {
        if (typeof item.str !== 'string') continue;
        text += item.str + (item.hasEOL ? '\\n' : '');
      }
      pages.push(text);
      page.cleanup();
    }
    await document.destroy();
    parentPort.postMessage({ ok: true, pages });
  } catch (error) {
    parentPort.postMessage({
      ok: false,
      name: String((error && error.name) || 'Error'),
      message: String((error && error.message) || error),
    });
  }
})();
`;

type WorkerAnswer = { ok: true; pages: string[] } | { ok: false; name: string; message: string };

export interface PdfTextOptions {
  /** The worker's deadline (default 30 s). */
  timeoutMs?: number;
  /** The worker's heap (default 256 MB). */
  maxHeapMb?: number;
}

let pdfjsUrl: string | null = null;

function isAnswer(value: unknown): value is WorkerAnswer {
  return typeof value === 'object' && value !== null && 'ok' in value;
}

/** The PDF's text, pages separated by a blank line; ExtractionError when pdf.js cannot read it. */
export function pdfText(bytes: Buffer, options: PdfTextOptions = {}): Promise<ExtractedText> {
  pdfjsUrl ??= pathToFileURL(require.resolve('pdfjs-dist/legacy/build/pdf.mjs')).href;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { pdfjsUrl, bytes: new Uint8Array(bytes) },
    resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? 256 },
    stdout: true,
    stderr: true,
  });
  return new Promise<ExtractedText>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      outcome();
    };
    const timer = setTimeout(
      () => settle(() => reject(new ExtractionError('timeout', 'reading the PDF took too long'))),
      options.timeoutMs ?? 30_000,
    );
    worker.once('message', (answer: unknown) =>
      settle(() => {
        if (!isAnswer(answer)) {
          reject(new ExtractionError('corrupt_pdf', 'the PDF reader gave no answer'));
        } else if (answer.ok) {
          resolve({ text: answer.pages.join('\n\n'), pageCount: answer.pages.length });
        } else if (answer.name === 'PasswordException') {
          reject(new ExtractionError('encrypted_pdf', 'the PDF is password-protected'));
        } else {
          reject(
            new ExtractionError('corrupt_pdf', `the PDF cannot be read: ${answer.message}`.slice(0, 400)),
          );
        }
      }),
    );
    worker.once('error', (error: Error) =>
      settle(() =>
        reject(
          (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new ExtractionError('too_complex', 'the PDF needs more memory than allowed to read')
            : new ExtractionError('corrupt_pdf', `the PDF cannot be read: ${error.message}`.slice(0, 400)),
        ),
      ),
    );
    worker.once('exit', (code) =>
      settle(() => reject(new ExtractionError('corrupt_pdf', `the PDF reader stopped (exit ${code})`))),
    );
  });
}
