import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

export interface KeyPair {
  privateJwk: JWK;
  publicJwk: JWK;
}

async function ed25519(kid: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: 'EdDSA', use: 'sig' },
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' },
  };
}

/**
 * The local platform's keys, made once and kept in .local/keys (gitignored, readable by the owner
 * only): the gateway's internal-context key pair, identity's access-token signing key and identity's
 * key for secrets at rest (TOTP secrets; 32 random bytes, base64). Real deployments pass their own
 * through the services' environment.
 */
export interface PlatformKeys {
  internalContext: KeyPair;
  identitySigning: KeyPair;
  identitySecrets: string;
}

export async function localPlatformKeys(root: string): Promise<PlatformKeys> {
  const dir = path.join(root, '.local', 'keys');
  const file = path.join(dir, 'platform-keys.json');
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Omit<PlatformKeys, 'identitySecrets'> &
      Partial<Pick<PlatformKeys, 'identitySecrets'>>;
    if (stored.identitySecrets) return { ...stored, identitySecrets: stored.identitySecrets };
    // Keys made before identity kept secrets: add the missing one, keep the others.
    const completed = { ...stored, identitySecrets: randomBytes(32).toString('base64') };
    writeFileSync(file, JSON.stringify(completed, null, 2), { mode: 0o600 });
    return completed;
  }
  const keys: PlatformKeys = {
    internalContext: await ed25519(`gateway-${randomUUID()}`),
    identitySigning: await ed25519(`identity-${randomUUID()}`),
    identitySecrets: randomBytes(32).toString('base64'),
  };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}
