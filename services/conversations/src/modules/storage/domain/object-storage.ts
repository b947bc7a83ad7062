/**
 * Where conversations keeps bytes (issue #11): uploaded documents and retention archives. Local disk by
 * default; an S3-compatible bucket when configured. Keys are `/`-separated and always begin with the
 * organization's id, so one organization's objects are one prefix.
 */
export interface ObjectStorage {
  /** `local-disk` or `s3`. */
  readonly kind: string;
  /** Stores (or replaces) the object. */
  put(key: string, body: Buffer, options?: { contentType?: string }): Promise<void>;
  /** The object's bytes, or null when there is none. */
  get(key: string): Promise<Buffer | null>;
  /** Removes the object; removing a missing one is not an error. */
  delete(key: string): Promise<void>;
  /** Keys under a prefix, sorted. */
  list(prefix: string): Promise<string[]>;
}

const KEY = /^[0-9a-f-]{36}(\/[A-Za-z0-9._=-]+)+$/;

/** Refuses keys that could leave the organization's prefix (`..`, empty segments, odd characters). */
export function assertObjectKey(key: string): void {
  if (!KEY.test(key) || key.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new Error(`invalid object key: ${JSON.stringify(key)}`);
  }
}
