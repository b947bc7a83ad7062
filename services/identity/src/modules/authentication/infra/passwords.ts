import { hash, verify } from '@node-rs/argon2';
import type { PasswordHasher } from '../domain/credentials';

/**
 * argon2id with OWASP's recommended parameters (19 MiB memory, 2 iterations, 1 lane). The PHC string
 * keeps the parameters, so raising them later still verifies old hashes.
 */
export function createArgon2idHasher(
  options: { memoryCost?: number; timeCost?: number } = {},
): PasswordHasher {
  const parameters = {
    // Algorithm.Argon2id: the package declares the enum `const`, which isolated modules cannot inline.
    algorithm: 2,
    memoryCost: options.memoryCost ?? 19_456,
    timeCost: options.timeCost ?? 2,
    parallelism: 1,
  };
  return {
    hash: (password) => hash(password, parameters),
    async verify(stored, password) {
      try {
        return await verify(stored, password);
      } catch {
        // A malformed stored hash never authenticates.
        return false;
      }
    },
  };
}
