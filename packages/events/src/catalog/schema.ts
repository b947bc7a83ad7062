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
}

export function entry<const TType extends string, const TTopic extends string, TData extends z.ZodType>(
  type: TType,
  topic: TTopic,
  description: string,
  data: TData,
): { type: TType; topic: TTopic; description: string; data: TData } {
  return { type, topic, description, data };
}
