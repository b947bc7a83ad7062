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
 * only): the gateway's internal-context key pair, identity's access-token signing key, identity's
 * key for secrets at rest (TOTP secrets; 32 random bytes, base64), crm's keyring for contacts'
 * personal data (CRM_PII_KEYRING's JSON), billing's for billing contacts and addresses
 * (BILLING_PII_KEYRING's) and conversations' for channel accounts' OAuth tokens
 * (CONVERSATIONS_PII_KEYRING's), and the keyring leads travel from conversations to crm sealed with
 * (LEADS_TRANSIT_KEYRING's, given to both). Real deployments pass their own through the services' environment.
 */
export interface PlatformKeys {
  internalContext: KeyPair;
  identitySigning: KeyPair;
  identitySecrets: string;
  crmPiiKeyring: string;
  billingPiiKeyring: string;
  conversationsPiiKeyring: string;
  leadsTransitKeyring: string;
}

/** A keyring in the format crm, billing and conversations read (`parseFieldKeyring` in the service kit): one key and an index key. */
function newPiiKeyring(): string {
  return JSON.stringify({
    active: 'k1',
    keys: { k1: randomBytes(32).toString('base64') },
    blindIndexKey: randomBytes(32).toString('base64'),
  });
}

export async function localPlatformKeys(root: string): Promise<PlatformKeys> {
  const dir = path.join(root, '.local', 'keys');
  const file = path.join(dir, 'platform-keys.json');
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Omit<
      PlatformKeys,
      | 'identitySecrets'
      | 'crmPiiKeyring'
      | 'billingPiiKeyring'
      | 'conversationsPiiKeyring'
      | 'leadsTransitKeyring'
    > &
      Partial<
        Pick<
          PlatformKeys,
          | 'identitySecrets'
          | 'crmPiiKeyring'
          | 'billingPiiKeyring'
          | 'conversationsPiiKeyring'
          | 'leadsTransitKeyring'
        >
      >;
    if (
      stored.identitySecrets &&
      stored.crmPiiKeyring &&
      stored.billingPiiKeyring &&
      stored.conversationsPiiKeyring &&
      stored.leadsTransitKeyring
    ) {
      return {
        ...stored,
        identitySecrets: stored.identitySecrets,
        crmPiiKeyring: stored.crmPiiKeyring,
        billingPiiKeyring: stored.billingPiiKeyring,
        conversationsPiiKeyring: stored.conversationsPiiKeyring,
        leadsTransitKeyring: stored.leadsTransitKeyring,
      };
    }
    // Keys made before a service kept keys of its own: add the missing ones, keep the others.
    const completed: PlatformKeys = {
      ...stored,
      identitySecrets: stored.identitySecrets ?? randomBytes(32).toString('base64'),
      crmPiiKeyring: stored.crmPiiKeyring ?? newPiiKeyring(),
      billingPiiKeyring: stored.billingPiiKeyring ?? newPiiKeyring(),
      conversationsPiiKeyring: stored.conversationsPiiKeyring ?? newPiiKeyring(),
      leadsTransitKeyring: stored.leadsTransitKeyring ?? newPiiKeyring(),
    };
    writeFileSync(file, JSON.stringify(completed, null, 2), { mode: 0o600 });
    return completed;
  }
  const keys: PlatformKeys = {
    internalContext: await ed25519(`gateway-${randomUUID()}`),
    identitySigning: await ed25519(`identity-${randomUUID()}`),
    identitySecrets: randomBytes(32).toString('base64'),
    crmPiiKeyring: newPiiKeyring(),
    billingPiiKeyring: newPiiKeyring(),
    conversationsPiiKeyring: newPiiKeyring(),
    leadsTransitKeyring: newPiiKeyring(),
  };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}
