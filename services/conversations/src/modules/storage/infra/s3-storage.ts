import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { assertObjectKey, type ObjectStorage } from '../domain/object-storage';

/** Where an S3-compatible bucket is and how to sign requests to it (CONVERSATIONS_S3_*). */
export interface S3StorageConfiguration {
  /** The service's base URL, e.g. `http://127.0.0.1:9000` (MinIO, Ceph, SeaweedFS…) or a cloud endpoint. */
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * Objects in an S3-compatible bucket (AWS SDK v3), path-style (`<endpoint>/<bucket>/<key>`, which every
 * S3-compatible server answers). The client is given its endpoint, region and credentials outright, so
 * it never looks for others (no instance metadata, no profile files): no call goes anywhere nobody
 * configured. Checksums are sent only where S3 requires them, which keeps servers that predate the
 * SDK's default CRC headers working; the archive's own SHA-256 guards its bytes end to end anyway.
 */
export function s3Storage(configuration: S3StorageConfiguration): ObjectStorage & { close(): void } {
  const client = new S3Client({
    endpoint: configuration.endpoint,
    region: configuration.region,
    forcePathStyle: true,
    credentials: {
      accessKeyId: configuration.accessKeyId,
      secretAccessKey: configuration.secretAccessKey,
    },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
  });
  const Bucket = configuration.bucket;
  return {
    kind: 's3',
    async put(key, body, options) {
      assertObjectKey(key);
      await client.send(
        new PutObjectCommand({
          Bucket,
          Key: key,
          Body: body,
          ContentLength: body.length,
          ContentType: options?.contentType ?? 'application/octet-stream',
        }),
      );
    },
    async get(key) {
      assertObjectKey(key);
      try {
        const answer = await client.send(new GetObjectCommand({ Bucket, Key: key }));
        if (!answer.Body) return Buffer.alloc(0);
        return Buffer.from(await answer.Body.transformToByteArray());
      } catch (error) {
        if (error instanceof NoSuchKey) return null;
        // Some S3-compatible servers answer a missing key with a bare 404 (no NoSuchKey body).
        if (
          error instanceof S3ServiceException &&
          error.$metadata.httpStatusCode === 404 &&
          error.name !== 'NoSuchBucket'
        ) {
          return null;
        }
        throw error;
      }
    },
    async delete(key) {
      assertObjectKey(key);
      // S3 answers 204 whether or not the key existed.
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },
    async list(prefix) {
      const keys: string[] = [];
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken }),
        );
        for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
      return keys.sort();
    },
    close() {
      client.destroy();
    },
  };
}
