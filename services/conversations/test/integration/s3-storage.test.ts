import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ObjectStorage } from '../../src/modules/storage/domain/object-storage';
import { localDiskStorage } from '../../src/modules/storage/infra/local-disk-storage';
import { s3Storage } from '../../src/modules/storage/infra/s3-storage';
import { startLocalS3Server, type LocalS3Server } from './s3-server';

// The S3-compatible storage over real HTTP against a local S3 server (SigV4 checked), and the same
// contract on local disk: put, get, replace, delete, list under a prefix, missing objects, bad keys.

describe('object storage', () => {
  let server: LocalS3Server;
  let directory: string;
  const closers: Array<() => void> = [];

  beforeAll(async () => {
    server = await startLocalS3Server({ pageSize: 2 });
    directory = await mkdtemp(join(tmpdir(), 'conversations-storage-'));
  });
  afterAll(async () => {
    for (const close of closers) close();
    await server.close();
    await rm(directory, { recursive: true, force: true });
  });

  const s3 = (overrides: Partial<{ secretAccessKey: string; bucket: string }> = {}) => {
    const storage = s3Storage({
      endpoint: server.endpoint,
      region: server.region,
      bucket: overrides.bucket ?? server.bucket,
      accessKeyId: server.accessKeyId,
      secretAccessKey: overrides.secretAccessKey ?? server.secretAccessKey,
    });
    closers.push(() => storage.close());
    return storage;
  };

  const contract = (name: string, storage: () => ObjectStorage) => {
    it(`${name}: stores, replaces, reads, lists by prefix (sorted) and deletes objects`, async () => {
      const store = storage();
      const organization = randomUUID();
      const other = randomUUID();
      const key = (path: string) => `${organization}/${path}`;
      await store.put(key('archives/messages/2019-07.jsonl.gz'), Buffer.from('first'), {
        contentType: 'application/gzip',
      });
      await store.put(key('archives/messages/2019-07.jsonl.gz'), Buffer.from('second'));
      await store.put(key('archives/messages/2019-08.jsonl.gz'), Buffer.from([0, 1, 2, 255]));
      await store.put(key('documents/a.txt'), Buffer.from('doc'));
      await store.put(`${other}/archives/messages/2019-07.jsonl.gz`, Buffer.from('theirs'));

      expect((await store.get(key('archives/messages/2019-07.jsonl.gz')))?.toString()).toBe('second');
      expect(await store.get(key('archives/messages/2019-08.jsonl.gz'))).toEqual(Buffer.from([0, 1, 2, 255]));
      expect(await store.get(key('archives/messages/2019-09.jsonl.gz'))).toBeNull();
      expect(await store.list(`${organization}/archives/`)).toEqual([
        key('archives/messages/2019-07.jsonl.gz'),
        key('archives/messages/2019-08.jsonl.gz'),
      ]);
      expect(await store.list(`${organization}/`)).toHaveLength(3);

      await store.delete(key('archives/messages/2019-07.jsonl.gz'));
      await store.delete(key('archives/messages/2019-07.jsonl.gz'));
      expect(await store.get(key('archives/messages/2019-07.jsonl.gz'))).toBeNull();
      expect(await store.list(`${organization}/archives/`)).toEqual([
        key('archives/messages/2019-08.jsonl.gz'),
      ]);
      expect(await store.list(`${other}/`)).toEqual([`${other}/archives/messages/2019-07.jsonl.gz`]);
    });

    it(`${name}: refuses keys outside an organization's prefix`, async () => {
      const store = storage();
      await expect(store.put('../etc/passwd', Buffer.from('x'))).rejects.toThrow('invalid object key');
      await expect(store.get(`${randomUUID()}/../x`)).rejects.toThrow('invalid object key');
    });
  };

  contract('local disk', () => localDiskStorage(directory));
  contract('S3-compatible', () => s3());

  it('S3-compatible: signs every request (a wrong secret is refused) and pages through long listings', async () => {
    const store = s3();
    const organization = randomUUID();
    const keys = Array.from(
      { length: 5 },
      (_, i) => `${organization}/archives/messages/2019-0${i + 1}.jsonl.gz`,
    );
    for (const key of keys) await store.put(key, Buffer.from(key));
    expect(server.objects.get(keys[0] ?? '')?.toString()).toBe(keys[0]);
    const before = server.requests.length;
    expect(await store.list(`${organization}/`)).toEqual(keys);
    // pageSize 2: three ListObjectsV2 calls, each path-style on the bucket.
    const listings = server.requests.slice(before);
    expect(listings).toHaveLength(3);
    expect(
      listings.every(
        (r) => r.method === 'GET' && r.path === `/${server.bucket}/` && r.query.includes('list-type=2'),
      ),
    ).toBe(true);

    await expect(s3({ secretAccessKey: 'wrong' }).get(keys[0] ?? '')).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
    });
    await expect(s3({ bucket: 'missing' }).get(keys[0] ?? '')).rejects.toMatchObject({
      name: 'NoSuchBucket',
    });
  });
});
