import {
  anonymousContext,
  generateInternalContextKeys,
  importInternalContextPrivateKey,
  importInternalContextPublicKey,
  InvalidInternalContextError,
  signInternalContext,
  verifyInternalContext,
} from '../src';

describe('internal context tokens', () => {
  it('round-trips the context and the request id, and lives 60 seconds', async () => {
    const keys = await generateInternalContextKeys();
    const privateKey = await importInternalContextPrivateKey(JSON.stringify(keys.privateJwk));
    const publicKey = await importInternalContextPublicKey(JSON.stringify(keys.publicJwk));
    const now = new Date();
    const token = await signInternalContext(
      privateKey,
      {
        ...anonymousContext({ clientAddress: '203.0.113.7', userAgent: 'test-agent/1.0' }),
        organizationId: 'org-1',
        userId: 'user-1',
        apiKeyId: 'key-1',
        actingFromOrganizationId: 'agency-1',
        sessionId: 'session-1',
        roles: ['member'],
        permissions: ['contacts:read'],
        organizationStatus: 'suspended',
      },
      { requestId: 'r-1', now },
    );
    const verified = await verifyInternalContext(publicKey, token);
    expect(verified.context).toEqual({
      organizationId: 'org-1',
      userId: 'user-1',
      apiKeyId: 'key-1',
      actingFromOrganizationId: 'agency-1',
      sessionId: 'session-1',
      roles: ['member'],
      permissions: ['contacts:read'],
      organizationStatus: 'suspended',
      clientAddress: '203.0.113.7',
      userAgent: 'test-agent/1.0',
    });
    expect(verified.requestId).toBe('r-1');
    expect(verified.expiresAt.getTime()).toBe(Math.floor(now.getTime() / 1000) * 1000 + 60_000);
    await expect(
      verifyInternalContext(publicKey, token, { now: new Date(now.getTime() + 70_000) }),
    ).rejects.toBeInstanceOf(InvalidInternalContextError);
  });

  it('refuses a private key where the public key belongs, and the reverse', async () => {
    const keys = await generateInternalContextKeys();
    await expect(importInternalContextPublicKey(keys.privateJwk)).rejects.toThrow('private part');
    await expect(importInternalContextPrivateKey(keys.publicJwk)).rejects.toThrow('no private part');
    await expect(importInternalContextPublicKey('{"kty":"RSA"}')).rejects.toThrow('not an Ed25519 JWK');
  });
});
