import { z } from 'zod';
import type { Prisma } from '../../../generated/prisma/client';
import type { Message, MessageAttachment } from '../domain/message';

type MessageRow = Prisma.MessageGetPayload<object>;

const Attachments = z.array(
  z.object({
    contentType: z.string(),
    name: z.string().nullish(),
    sizeBytes: z.number().nullish(),
    url: z.string().nullish(),
  }),
);

/** Stored attachments JSON as metadata; a malformed column reads as no attachments. */
function attachmentsOf(value: Prisma.JsonValue): MessageAttachment[] {
  const parsed = Attachments.safeParse(value);
  return parsed.success ? parsed.data : [];
}

export const toMessage = (row: MessageRow): Message => ({
  ...row,
  attachments: attachmentsOf(row.attachments),
});
