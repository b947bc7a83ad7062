import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small S3-compatible server for tests (node:http): path-style PUT, GET and DELETE of objects and
 * ListObjectsV2 (prefix, max-keys, continuation tokens), with AWS Signature Version 4 checked on every
 * request (a wrong secret is 403 SignatureDoesNotMatch, as S3 answers). Objects live in memory.
 */
export interface LocalS3Server {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The stored objects by key. */
  objects: Map<string, Buffer>;
  /** Each request's method, path and query, in order. */
  requests: Array<{ method: string; path: string; query: string }>;
  close(): Promise<void>;
}

const ENCODE = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();
const xml = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function signatureProblem(
  request: IncomingMessage,
  body: Buffer,
  credentials: { accessKeyId: string; secretAccessKey: string; region: string },
): string | null {
  const authorization = request.headers.authorization ?? '';
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  if (!match) return 'AccessDenied';
  const [, accessKeyId, date, region, signedHeaders, signature] = match as unknown as string[];
  if (accessKeyId !== credentials.accessKeyId || region !== credentials.region) return 'InvalidAccessKeyId';
  const payloadHash = String(request.headers['x-amz-content-sha256'] ?? '');
  if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== sha256(body)) return 'XAmzContentSHA256Mismatch';
  const [path = '/', query = ''] = (request.url ?? '/').split('?');
  const canonicalQuery = query
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const [name = '', value = ''] = pair.split('=');
      return [ENCODE(decodeURIComponent(name)), ENCODE(decodeURIComponent(value))] as const;
    })
    .sort(([a, x], [b, y]) => (a === b ? (x < y ? -1 : 1) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const headerNames = (signedHeaders ?? '').split(';');
  const canonicalHeaders = headerNames
    .map(
      (name) =>
        `${name}:${String(request.headers[name] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const canonicalRequest = [
    request.method,
    path,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join('\n');
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  const scope = `${date}/${region}/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(
    hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, date ?? ''), region ?? ''), 's3'),
    'aws4_request',
  );
  const expected = createHmac('sha256', key).update(toSign).digest();
  const given = Buffer.from(signature ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected)
    ? null
    : 'SignatureDoesNotMatch';
}

export async function startLocalS3Server(
  options: { bucket?: string; pageSize?: number; accessKeyId?: string; secretAccessKey?: string } = {},
): Promise<LocalS3Server> {
  const bucket = options.bucket ?? 'conversations-test';
  const credentials = {
    accessKeyId: options.accessKeyId ?? 'LOCALKEY',
    secretAccessKey: options.secretAccessKey ?? 'local-secret-key',
    region: 'us-east-1',
  };
  const pageSize = options.pageSize ?? 1000;
  const objects = new Map<string, Buffer>();
  const requests: LocalS3Server['requests'] = [];

  const error = (response: ServerResponse, status: number, code: string) => {
    response.writeHead(status, { 'content-type': 'application/xml' });
    response.end(
      `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`,
    );
  };

  const handle = (request: IncomingMessage, response: ServerResponse, body: Buffer) => {
    const [rawPath = '/', query = ''] = (request.url ?? '/').split('?');
    requests.push({ method: request.method ?? '', path: rawPath, query });
    const problem = signatureProblem(request, body, credentials);
    if (problem) return error(response, 403, problem);
    const segments = rawPath.split('/').slice(1).map(decodeURIComponent);
    const [bucketName, ...keyParts] = segments;
    if (bucketName !== bucket) return error(response, 404, 'NoSuchBucket');
    const key = keyParts.join('/');
    const params = new URLSearchParams(query);
    if (!key) {
      if (request.method !== 'GET' || params.get('list-type') !== '2')
        return error(response, 400, 'NotImplemented');
      const prefix = params.get('prefix') ?? '';
      const max = Math.min(Number(params.get('max-keys') ?? pageSize), pageSize);
      const start = params.get('continuation-token') ?? '';
      const keys = [...objects.keys()].filter((k) => k.startsWith(prefix) && k > start).sort();
      const page = keys.slice(0, max);
      const truncated = keys.length > page.length;
      const contents = page
        .map((k) => {
          const value = objects.get(k) ?? Buffer.alloc(0);
          return `<Contents><Key>${xml(k)}</Key><LastModified>${new Date().toISOString()}</LastModified><ETag>"${createHash('md5').update(value).digest('hex')}"</ETag><Size>${value.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
        })
        .join('');
      response.writeHead(200, { 'content-type': 'application/xml' });
      return response.end(
        `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${bucket}</Name><Prefix>${xml(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${max}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${contents}${truncated ? `<NextContinuationToken>${xml(page[page.length - 1] ?? '')}</NextContinuationToken>` : ''}</ListBucketResult>`,
      );
    }
    switch (request.method ?? '') {
      case 'PUT': {
        objects.set(key, body);
        response.writeHead(200, { etag: `"${createHash('md5').update(body).digest('hex')}"` });
        return response.end();
      }
      case 'GET': {
        const value = objects.get(key);
        if (!value) return error(response, 404, 'NoSuchKey');
        response.writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-length': value.length,
        });
        return response.end(value);
      }
      case 'DELETE': {
        objects.delete(key);
        response.writeHead(204);
        return response.end();
      }
      default:
        return error(response, 405, 'MethodNotAllowed');
    }
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handle(request, response, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region: credentials.region,
    bucket,
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    objects,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((failure) => (failure ? reject(failure) : resolve()));
      }),
  };
}
