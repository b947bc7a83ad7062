import { z } from 'zod';

/** Building blocks of the per-service catalog files. */
export const uuid = () => z.uuid();
export const timestamp = () => z.iso.datetime({ offset: true });

export interface CatalogEntry {
  type: string;
  /** Logical topic (one per aggregate family); services and tests may prefix it. */
  topic: string;
  description: string;
  data: z.ZodType;
  /**
   * Data fields that hold personal data (top-level names). Audit entries built from the event show
   * them redacted; everything else the event carries is PII-free by design.
   */
  pii: readonly string[];
}

export function entry<const TType extends string, const TTopic extends string, TData extends z.ZodType>(
  type: TType,
  topic: TTopic,
  description: string,
  data: TData,
  options: { pii?: readonly string[] } = {},
): { type: TType; topic: TTopic; description: string; data: TData; pii: readonly string[] } {
  return { type, topic, description, data, pii: options.pii ?? [] };
}
