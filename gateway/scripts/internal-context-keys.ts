/**
 * Prints a fresh Ed25519 key pair for internal contexts as environment lines: the private JWK for the
 * gateway, the public JWK for every subgraph. For local runs; production keys come from a secret store.
 *   pnpm --filter @platform/gateway internal-context-keys
 */
import { generateInternalContextKeys } from '@platform/service-kit';

generateInternalContextKeys().then(
  ({ privateJwk, publicJwk }) => {
    process.stdout.write(`INTERNAL_CONTEXT_PRIVATE_JWK='${JSON.stringify(privateJwk)}'\n`);
    process.stdout.write(`INTERNAL_CONTEXT_PUBLIC_JWK='${JSON.stringify(publicJwk)}'\n`);
  },
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
