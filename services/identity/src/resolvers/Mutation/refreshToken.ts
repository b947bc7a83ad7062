import { parseInput } from '@platform/service-kit';
import { z } from 'zod';
import type { IdentityContext } from '../../context';
import { authPayload } from '../authPayload';

const RefreshTokenInput = z.object({ refreshToken: z.string().min(1) });

export async function refreshToken(_parent: unknown, args: { input: unknown }, context: IdentityContext) {
  const { refreshToken: token } = parseInput(RefreshTokenInput, args.input);
  return authPayload(await context.authentication.refresh(token));
}
