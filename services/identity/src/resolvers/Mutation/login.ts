import { parseInput } from '@platform/service-kit';
import { z } from 'zod';
import type { IdentityContext } from '../../context';
import { authPayload } from '../authPayload';

const LoginInput = z.object({
  email: z.string(),
  password: z.string(),
  organizationSlug: z.string().nullish(),
});

export async function login(_parent: unknown, args: { input: unknown }, context: IdentityContext) {
  const session = await context.authentication.login(parseInput(LoginInput, args.input));
  return authPayload(session);
}
