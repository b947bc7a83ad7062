import { Client } from 'pg';
import { eventually } from '@platform/testing';
import { startTestPlatform, type TestPlatform } from './platform';
import { seeds, type Member } from './seed';

// The assistant's acceptance story through the gateway (issue #11): an organization uploads a markdown
// and a PDF document, the index job indexes both, a question whose answer is in the PDF is answered with
// a citation of that PDF's chunk; another organization asking the same question in its own session
// gets no citation of the first organization's documents.

/**
 * A one-page PDF written by hand (no PDF library in the gateway's tests): catalog, pages, a page whose
 * content stream shows each line in Helvetica, and a cross-reference table with the objects' byte
 * offsets, as readers expect them.
 */
function handMadePdf(lines: string[]): Buffer {
  const escape = (text: string) => text.replace(/[\\()]/g, (character) => `\\${character}`);
  const stream = [
    'BT',
    '/F1 12 Tf',
    '14 TL',
    '72 720 Td',
    ...lines.map((line) => `(${escape(line)}) Tj T*`),
    'ET',
  ].join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  body += offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

const HANDBOOK = `# Returns handbook

## Refunds

Customers may request a **refund** within 30 days of purchase.

## Exchanges

- Exchanges are free for unused items.
`;

const UPLOAD = /* GraphQL */ `
  mutation Upload($input: UploadDocumentInput!) {
    uploadDocument(input: $input) {
      id
      indexStatus
      contentType
    }
  }
`;
const DOCUMENT = /* GraphQL */ `
  query Document($id: ID!) {
    document(id: $id) {
      id
      indexStatus
      chunkCount
      pageCount
      failureReason
    }
  }
`;
const START = /* GraphQL */ `
  mutation Start($input: StartChatSessionInput) {
    startChatSession(input: $input) {
      id
    }
  }
`;
const ASK = /* GraphQL */ `
  mutation Ask($sessionId: ID!, $content: String!) {
    sendChatMessage(sessionId: $sessionId, content: $content) {
      id
      role
      content
      routeUsed
      tokensUsed
      model
      citations {
        documentId
        score
        document {
          id
          title
        }
        chunk {
          id
          text
        }
      }
    }
  }
`;
const DOCUMENTS = /* GraphQL */ `
  query Documents {
    documents {
      totalCount
    }
  }
`;

interface Answer {
  id: string;
  role: string;
  content: string;
  routeUsed: string;
  tokensUsed: number;
  model: string | null;
  citations: Array<{
    documentId: string;
    score: number;
    document: { id: string; title: string } | null;
    chunk: { id: string; text: string } | null;
  }>;
}

const QUESTION = 'How long is the warranty on the espresso grinder?';

describe('the assistant through the gateway', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform();
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
  });

  async function upload(member: Member, input: Record<string, unknown>): Promise<string> {
    const { uploadDocument } = await member.run<{ uploadDocument: { id: string; indexStatus: string } }>(
      UPLOAD,
      {
        input,
      },
    );
    return uploadDocument.id;
  }
  const indexed = (member: Member, id: string) =>
    eventually(`document ${id} indexed`, async () => {
      const { document } = await member.run<{
        document: {
          indexStatus: string;
          chunkCount: number;
          pageCount: number | null;
          failureReason: string | null;
        };
      }>(DOCUMENT, { id });
      if (document.indexStatus === 'failed') throw new Error(`indexing failed: ${document.failureReason}`);
      return document.indexStatus === 'indexed' && document;
    });
  async function ask(member: Member, content: string): Promise<Answer> {
    const { startChatSession } = await member.run<{ startChatSession: { id: string } }>(START, {
      input: { title: 'Questions' },
    });
    const { sendChatMessage } = await member.run<{ sendChatMessage: Answer }>(ASK, {
      sessionId: startChatSession.id,
      content,
    });
    return sendChatMessage;
  }

  it("answers from the PDF that holds the answer, citing its chunk; another organization's session cannot retrieve it", async () => {
    const seed = seeds(platform);
    const { admin: alice } = await seed.organization('AssistantA');
    const { admin: bob } = await seed.organization('AssistantB');
    // Both on Basic (AI insights: basic), as a trial; conversations learns the plan from billing's event.
    for (const admin of [alice, bob]) {
      await admin.run(
        `mutation { startSubscription(input: { planId: "basic", seats: 2, trialDays: 14 }) { status } }`,
      );
    }
    const client = new Client({ connectionString: platform.databases.conversations.superuserUrl });
    await client.connect();
    try {
      await eventually('conversations knows both plans', async () => {
        const { rows } = await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM organization_entitlements WHERE organization_id = ANY($1::uuid[]) AND ai_insights = 'basic'`,
          [[alice.organizationId, bob.organizationId]],
        );
        return rows[0]?.n === 2;
      });
    } finally {
      await client.end();
    }

    const handbook = await upload(alice, {
      title: 'Returns handbook',
      filename: 'returns.md',
      contentType: 'text/markdown',
      contentBase64: Buffer.from(HANDBOOK).toString('base64'),
      categories: ['support'],
    });
    const manual = await upload(alice, {
      title: 'Grinder manual',
      filename: 'grinder.pdf',
      contentType: 'application/pdf',
      contentBase64: handMadePdf([
        'Grinder manual',
        'Clean the burrs every week with a dry brush.',
        'The espresso grinder carries a warranty of three years on the motor.',
      ]).toString('base64'),
      categories: ['tech'],
    });
    expect(await indexed(alice, handbook)).toMatchObject({ chunkCount: 1, pageCount: null });
    expect(await indexed(alice, manual)).toMatchObject({ chunkCount: 1, pageCount: 1 });

    const answer = await ask(alice, QUESTION);
    expect(answer).toMatchObject({ role: 'assistant', routeUsed: 'rag', model: 'local-rules-v1' });
    expect(answer.content).toContain('warranty of three years on the motor');
    expect(answer.tokensUsed).toBeGreaterThan(0);
    expect(answer.citations.map((citation) => citation.documentId)).toEqual([manual]);
    expect(answer.citations[0]?.document).toEqual({ id: manual, title: 'Grinder manual' });
    expect(answer.citations[0]?.chunk?.text).toContain(
      'The espresso grinder carries a warranty of three years',
    );
    expect(answer.citations[0]?.score).toBeGreaterThan(0);
    // The handbook answers its own question.
    const refund = await ask(alice, 'Within how many days may customers request a refund?');
    expect(refund.citations.map((citation) => citation.documentId)).toEqual([handbook]);

    // Organization B: the same question, its own session, nothing of A's.
    const other = await ask(bob, QUESTION);
    expect(other.routeUsed).toBe('rag');
    expect(other.citations).toEqual([]);
    expect(other.content).not.toContain('three years');
    const { documents } = await bob.run<{ documents: { totalCount: number } }>(DOCUMENTS);
    expect(documents.totalCount).toBe(0);
    const peek = await platform.graphql<{ document: unknown }>(DOCUMENT, { id: manual }, bob.accessToken);
    expect(peek.errors).toBeUndefined();
    expect(peek.data?.document).toBeNull();
  });
});
