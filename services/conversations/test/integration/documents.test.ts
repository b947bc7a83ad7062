import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { generateFieldKeyring, parseFieldKeyring } from '@platform/service-kit';
import { newTenant, serviceUnderTest, type TestTenant } from '@platform/service-kit/testing';
import { startConversationsService } from '../../src/service';
import { base64, pdfOf, REFUND_MARKDOWN, WARRANTY_PDF_PAGES } from './documents-fixtures';

// Documents through conversations' subgraph against real PostgreSQL and a local-disk storage of this
// file's own: upload limits and type sniffing, indexing states (a corrupt PDF ends failed), reindex,
// delete, tenant isolation, and the storage and AI usage events billing meters.

const FIELDS = `id title filename contentType sizeBytes checksum categories companyId indexStatus failureReason
  chunkCount pageCount wordCount uploadedBy indexedAt`;
const UPLOAD = `mutation ($input: UploadDocumentInput!) { uploadDocument(input: $input) { ${FIELDS} } }`;
const DOCUMENT = `query ($id: ID!) { document(id: $id) { ${FIELDS} } }`;
const DOCUMENTS = `query ($status: DocumentIndexStatus, $companyId: ID) {
  documents(indexStatus: $status, companyId: $companyId) { totalCount edges { node { id } } } }`;
const DELETE = `mutation ($id: ID!) { deleteDocument(id: $id) { id } }`;
const REINDEX = `mutation ($id: ID!) { reindexDocument(id: $id) { id indexStatus } }`;

interface DocumentView {
  id: string;
  title: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
  checksum: string;
  categories: string[];
  companyId: string | null;
  indexStatus: string;
  failureReason: string | null;
  chunkCount: number;
  pageCount: number | null;
  wordCount: number | null;
  uploadedBy: string | null;
  indexedAt: string | null;
}

const MAX_BYTES = 64 * 1024;

describe('documents', () => {
  const storageDir = mkdtempSync(join(tmpdir(), 'documents-test-'));
  afterAll(() => rmSync(storageDir, { recursive: true, force: true }));
  const subject = serviceUnderTest('conversations', (env) =>
    startConversationsService({
      ...env.startOptions(),
      piiKeyring: parseFieldKeyring(generateFieldKeyring()),
      storageDirectory: storageDir,
      documentMaxBytes: MAX_BYTES,
      // Indexing is woken by each upload; no timed pass during the tests.
      documentIndexIntervalMs: 3_600_000,
      tokenRefreshIntervalMs: 3_600_000,
    }),
  );

  async function call<T>(auth: TestTenant & { permissions?: string[] }, query: string, variables = {}) {
    const { env, service } = subject;
    return env.graphql<T>(service.graphqlUrl, query, variables, await env.headersFor(auth));
  }
  async function upload(auth: TestTenant, input: Record<string, unknown>) {
    return call<{ uploadDocument: DocumentView }>(auth, UPLOAD, {
      input: { title: 'Returns handbook', filename: 'returns.md', contentType: 'text/markdown', ...input },
    });
  }
  async function uploaded(auth: TestTenant, input: Record<string, unknown>): Promise<DocumentView> {
    const { data, errors } = await upload(auth, input);
    expect(errors).toBeUndefined();
    if (!data) throw new Error('no document');
    return data.uploadDocument;
  }
  async function read(auth: TestTenant, id: string) {
    const { data, errors } = await call<{ document: DocumentView | null }>(auth, DOCUMENT, { id });
    expect(errors).toBeUndefined();
    return data?.document ?? null;
  }
  /** Polls until the document leaves pending/indexing (the index job runs when an upload wakes it). */
  async function settled(auth: TestTenant, id: string): Promise<DocumentView> {
    for (let attempt = 0; attempt < 150; attempt += 1) {
      const document = await read(auth, id);
      if (document && (document.indexStatus === 'indexed' || document.indexStatus === 'failed'))
        return document;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`document ${id} was not indexed in time`);
  }
  async function superuser<T extends Record<string, unknown>>(sql: string, values: unknown[]): Promise<T[]> {
    const client = new Client({ connectionString: subject.env.database.superuserUrl });
    await client.connect();
    try {
      return (await client.query<T>(sql, values)).rows;
    } finally {
      await client.end();
    }
  }
  const issuesOf = (errors: Array<{ extensions?: Record<string, unknown> }> | undefined) =>
    ((errors?.[0]?.extensions?.details as { issues?: Array<{ path: string; code: string }> } | undefined)
      ?.issues ?? []) as Array<{ path: string; code: string }>;

  it('indexes a markdown document: pending, then indexed with chunks, its storage and embedding usage published', async () => {
    const caller = newTenant();
    const document = await uploaded(caller, {
      contentBase64: base64(REFUND_MARKDOWN),
      categories: ['support', 'process'],
    });
    expect(document).toMatchObject({
      title: 'Returns handbook',
      contentType: 'text/markdown',
      sizeBytes: Buffer.byteLength(REFUND_MARKDOWN),
      categories: ['support', 'process'],
      companyId: null,
      uploadedBy: caller.userId,
      chunkCount: 0,
    });
    expect(['pending', 'indexing']).toContain(document.indexStatus);
    expect(document.checksum).toMatch(/^[0-9a-f]{64}$/);
    const stored = await readdir(join(storageDir, caller.organizationId, 'documents'));
    expect(stored).toEqual([document.id]);

    const indexed = await settled(caller, document.id);
    expect(indexed).toMatchObject({
      indexStatus: 'indexed',
      failureReason: null,
      chunkCount: 1,
      pageCount: null,
    });
    expect(indexed.wordCount).toBeGreaterThan(20);
    expect(indexed.indexedAt).not.toBeNull();
    // Markdown became text: no markup in the chunk.
    const [chunk] = await superuser<{ text: string; embedding: number[]; embedding_model: string }>(
      'SELECT text, embedding, embedding_model FROM document_chunks WHERE document_id = $1',
      [document.id],
    );
    expect(chunk?.text).toContain('Customers may request a refund within 30 days of purchase.');
    expect(chunk?.text).toContain('Exchanges are free for unused items.');
    expect(chunk?.text).not.toMatch(/\*\*|^#/m);
    expect(chunk?.embedding).toHaveLength(256);
    expect(chunk?.embedding_model).toBe('local-rules-v1');

    const events = await superuser<{ event_type: string; payload: { data: Record<string, unknown> } }>(
      `SELECT event_type, payload FROM outbox_events
       WHERE payload->>'tenantid' = $1 AND event_type NOT LIKE '%audit%' ORDER BY seq`,
      [caller.organizationId],
    );
    expect(events.map((event) => event.event_type)).toEqual([
      'conversations.storage_object.changed.v1',
      'conversations.ai_usage.recorded.v1',
    ]);
    expect(events[0]?.payload.data).toMatchObject({
      objectId: document.id,
      kind: 'document',
      sizeBytes: document.sizeBytes,
      deleted: false,
    });
    expect(events[1]?.payload.data).toMatchObject({
      taskKind: 'embed',
      outcome: 'completed',
      provider: 'local',
      model: 'local-rules-v1',
      requestedById: caller.userId,
    });
    expect(events[1]?.payload.data.inputTokens).toBeGreaterThan(0);
  });

  it('extracts a PDF page by page and an HTML page without its markup', async () => {
    const caller = newTenant();
    const pdf = await uploaded(caller, {
      title: 'Espresso manual',
      filename: 'C:\\manuals\\espresso.pdf',
      contentType: 'application/pdf',
      contentBase64: base64(await pdfOf(WARRANTY_PDF_PAGES)),
    });
    expect(pdf.filename).toBe('espresso.pdf');
    const html = await uploaded(caller, {
      title: 'Opening hours',
      filename: 'hours.html',
      contentType: 'text/html',
      contentBase64: base64(
        '<!doctype html><html><head><style>p{color:red}</style><script>alert(1)</script></head>' +
          '<body><h1>Opening hours</h1><p>We open at 9&nbsp;am &amp; close at 6 pm.</p></body></html>',
      ),
    });
    expect(await settled(caller, pdf.id)).toMatchObject({ indexStatus: 'indexed', pageCount: 2 });
    expect(await settled(caller, html.id)).toMatchObject({ indexStatus: 'indexed', pageCount: null });
    const chunks = await superuser<{ document_id: string; text: string }>(
      'SELECT document_id, text FROM document_chunks WHERE document_id = ANY($1::uuid[])',
      [[pdf.id, html.id]],
    );
    const textOf = (id: string) => chunks.find((chunk) => chunk.document_id === id)?.text ?? '';
    expect(textOf(pdf.id)).toContain('Descale the boiler every two months with citric acid.');
    expect(textOf(pdf.id)).toContain('two-year warranty covering the pump and the boiler.');
    expect(textOf(html.id)).toContain('We open at 9 am & close at 6 pm.');
    expect(textOf(html.id)).not.toMatch(/alert|color|<p>/);
  });

  it('ends a corrupt PDF failed with its reason, and goes on indexing the next document', async () => {
    const caller = newTenant();
    const whole = await pdfOf(WARRANTY_PDF_PAGES);
    const corrupt = await uploaded(caller, {
      title: 'Broken',
      filename: 'broken.pdf',
      contentType: 'application/pdf',
      contentBase64: base64(
        Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from('not a pdf at all\n'.repeat(20))]),
      ),
    });
    const truncated = await uploaded(caller, {
      title: 'Truncated',
      filename: 'truncated.pdf',
      contentType: 'application/pdf',
      contentBase64: base64(whole.subarray(0, Math.floor(whole.length / 3))),
    });
    const fine = await uploaded(caller, { contentBase64: base64(REFUND_MARKDOWN) });
    const failed = await settled(caller, corrupt.id);
    expect(failed).toMatchObject({ indexStatus: 'failed', chunkCount: 0 });
    expect(failed.failureReason).toMatch(/^corrupt_pdf: /);
    expect((await settled(caller, truncated.id)).indexStatus).toBe('failed');
    expect((await settled(caller, fine.id)).indexStatus).toBe('indexed');

    // Listing by status; reindexing the corrupt one runs again and fails again, for the same reason.
    const listed = await call<{ documents: { totalCount: number; edges: Array<{ node: { id: string } }> } }>(
      caller,
      DOCUMENTS,
      { status: 'failed' },
    );
    expect(listed.data?.documents.edges.map((edge) => edge.node.id).sort()).toEqual(
      [corrupt.id, truncated.id].sort(),
    );
    const again = await call<{ reindexDocument: { indexStatus: string } }>(caller, REINDEX, {
      id: corrupt.id,
    });
    expect(again.data?.reindexDocument.indexStatus).toBe('pending');
    const failedAgain = await settled(caller, corrupt.id);
    expect(failedAgain.indexStatus).toBe('failed');
    expect(failedAgain.failureReason).toMatch(/^corrupt_pdf: /);
  });

  it('refuses what it cannot index with BAD_USER_INPUT naming each field', async () => {
    const caller = newTenant();
    const refusal = async (input: Record<string, unknown>) => {
      const { data, errors } = await upload(caller, input);
      expect(data?.uploadDocument ?? null).toBeNull();
      expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      return issuesOf(errors).map((issue) => `${issue.path}:${issue.code}`);
    };
    // A type outside the four.
    expect(
      await refusal({ contentType: 'application/msword', filename: 'a.doc', contentBase64: base64('hello') }),
    ).toEqual(['contentType:unsupported_type']);
    // Sniffed, not trusted: a "PDF" without %PDF-, a PDF declared markdown, binary declared text.
    expect(await refusal({ contentType: 'application/pdf', contentBase64: base64('# not a pdf') })).toEqual([
      'contentType:type_mismatch',
    ]);
    expect(await refusal({ contentBase64: base64(await pdfOf([['x']])) })).toEqual([
      'contentType:type_mismatch',
    ]);
    expect(
      await refusal({
        contentType: 'text/plain',
        contentBase64: base64(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1])),
      }),
    ).toEqual(['contentType:type_mismatch']);
    expect(
      await refusal({ contentType: 'text/html', contentBase64: base64('just words, no markup') }),
    ).toEqual(['contentType:type_mismatch']);
    // Over the configured limit (checked before decoding), empty, not base64.
    expect(await refusal({ contentBase64: base64(Buffer.alloc(MAX_BYTES + 1, 'a')) })).toEqual([
      'contentBase64:too_large',
    ]);
    expect(await refusal({ contentBase64: '' })).toEqual(['contentBase64:empty']);
    expect(await refusal({ contentBase64: 'not base64!' })).toEqual(['contentBase64:invalid']);
    // Every field at once.
    expect(
      await refusal({
        title: ' ',
        filename: '',
        categories: ['tech', 'tech'],
        companyId: 'acme',
        contentBase64: base64('fine'),
      }),
    ).toEqual(expect.arrayContaining(['title:invalid', 'filename:invalid', 'companyId:invalid']));
    // Exactly the limit is fine; nothing refused was stored.
    const fits = await uploaded(caller, {
      contentType: 'text/plain',
      contentBase64: base64(Buffer.alloc(MAX_BYTES, 'a')),
    });
    expect(fits.sizeBytes).toBe(MAX_BYTES);
    expect(await readdir(join(storageDir, caller.organizationId, 'documents'))).toEqual([fits.id]);
  });

  it('deletes a document: out of the index, its bytes gone, its storage no longer counted', async () => {
    const caller = newTenant();
    const document = await uploaded(caller, { contentBase64: base64(REFUND_MARKDOWN) });
    await settled(caller, document.id);
    const { data, errors } = await call<{ deleteDocument: { id: string } }>(caller, DELETE, {
      id: document.id,
    });
    expect(errors).toBeUndefined();
    expect(data?.deleteDocument.id).toBe(document.id);
    expect(await read(caller, document.id)).toBeNull();
    expect(await readdir(join(storageDir, caller.organizationId, 'documents'))).toEqual([]);
    const chunks = await superuser('SELECT id FROM document_chunks WHERE document_id = $1', [document.id]);
    expect(chunks).toEqual([]);
    const [deleted] = await superuser<{ payload: { data: Record<string, unknown> } }>(
      `SELECT payload FROM outbox_events WHERE event_type = 'conversations.storage_object.changed.v1'
         AND payload->>'subject' = $1 AND payload->'data'->>'deleted' = 'true'`,
      [document.id],
    );
    expect(deleted?.payload.data).toMatchObject({ objectId: document.id, sizeBytes: 0, deleted: true });
    const twice = await call(caller, DELETE, { id: document.id });
    expect(twice.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const reindex = await call(caller, REINDEX, { id: document.id });
    expect(reindex.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('keeps documents within their organization and needs conversations:write to change them', async () => {
    const owner = newTenant();
    const stranger = newTenant();
    const companyId = randomUUID();
    const document = await uploaded(owner, { contentBase64: base64(REFUND_MARKDOWN), companyId });
    expect(document.companyId).toBe(companyId);
    expect(await read(stranger, document.id)).toBeNull();
    const listed = await call<{ documents: { totalCount: number } }>(stranger, DOCUMENTS);
    expect(listed.data?.documents.totalCount).toBe(0);
    expect((await call(stranger, DELETE, { id: document.id })).errors?.[0]?.extensions?.code).toBe(
      'NOT_FOUND',
    );
    const byCompany = await call<{ documents: { totalCount: number } }>(owner, DOCUMENTS, { companyId });
    expect(byCompany.data?.documents.totalCount).toBe(1);

    const viewer = { ...owner, userId: randomUUID(), roles: ['viewer'], permissions: ['conversations:read'] };
    expect(await read(viewer, document.id)).toMatchObject({ id: document.id });
    const refused = await upload(viewer, { contentBase64: base64(REFUND_MARKDOWN) });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await call(viewer, DELETE, { id: document.id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
