import { parseInput } from '@platform/service-kit';
import { z } from 'zod';
import type { IdentityContext } from '../../context';
import { VERTICALS } from '../../domain/organization';
import { authPayload } from '../authPayload';

const SignUpInput = z.object({
  organizationName: z.string(),
  organizationSlug: z.string().nullish(),
  vertical: z.enum(VERTICALS).nullish(),
  email: z.string(),
  password: z.string(),
  givenName: z.string().nullish(),
  familyName: z.string().nullish(),
});

export async function signUp(_parent: unknown, args: { input: unknown }, context: IdentityContext) {
  const input = parseInput(SignUpInput, args.input);
  const session = await context.authentication.signUp(input);
  context.logger.info(
    { organizationId: session.organization.id, userId: session.user.id },
    'organization signed up',
  );
  return authPayload(session);
}
