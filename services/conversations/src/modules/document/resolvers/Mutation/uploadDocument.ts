import { parseInput } from '@platform/service-kit';
import { z } from 'zod';
import type { MutationResolvers } from '../../../../generated/graphql';

const UploadDocumentInput = z.object({
  title: z.string(),
  filename: z.string(),
  contentType: z.string(),
  contentBase64: z.string(),
  categories: z.array(z.string()).nullish(),
  companyId: z.string().nullish(),
});

export const uploadDocument: NonNullable<MutationResolvers['uploadDocument']> = (
  _parent,
  { input },
  { auth, documents },
) => documents.upload(auth, parseInput(UploadDocumentInput, input));
