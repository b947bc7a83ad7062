import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { createAuthenticator, VerifiedTokens } from '../src/authentication';
import { createAccessTokenIssuer } from './support';

// Edge authentication remembers verified access tokens until they expire (the same token comes with
// every request of a client), and only exactly those tokens.

const principal = { organizationId: 'org-1', userId: 'user-1', roles: ['admin'], scopes: ['contacts:read'] };
function request(authorization: string): IncomingMessage {
  const message = new IncomingMessage(new Socket());
  message.headers = { authorization };
  return message;
}

describe('VerifiedTokens', () => {
  it('answers a remembered token until it expires, then forgets it', () => {
    const tokens = new VerifiedTokens(10);
    tokens.set('t1', principal, 2_000);
    expect(tokens.get('t1', 1_999)).toEqual(principal);
    expect(tokens.get('t1', 2_000)).toBeUndefined();
    expect(tokens.get('t1', 1_000)).toBeUndefined();
  });

  it('drops the oldest token when full, and never more than its capacity', () => {
    const tokens = new VerifiedTokens(2);
    tokens.set('a', principal, 10_000);
    tokens.set('b', principal, 10_000);
    tokens.set('c', principal, 10_000);
    expect(tokens.get('a', 0)).toBeUndefined();
    expect(tokens.get('b', 0)).toEqual(principal);
    expect(tokens.get('c', 0)).toEqual(principal);
  });

  it('hands out copies: a caller changing its context cannot change the next request’s', () => {
    const tokens = new VerifiedTokens(1);
    tokens.set('t', principal, 10_000);
    tokens.get('t', 0)?.roles.push('owner');
    expect(tokens.get('t', 0)?.roles).toEqual(['admin']);
  });
});

describe('createAuthenticator', () => {
  it('answers a token the same way verified or remembered, and a tampered copy never', async () => {
    const issuer = await createAccessTokenIssuer();
    const authenticate = createAuthenticator({ keySet: issuer.jwks });
    const token = await issuer.sign({
      sub: 'user-1',
      org: 'org-1',
      roles: ['admin'],
      scope: 'contacts:read',
    });
    const first = await authenticate(request(`Bearer ${token}`));
    const second = await authenticate(request(`Bearer ${token}`));
    expect(first).toEqual(principal);
    expect(second).toEqual(first);
    const [header, payload, signature = ''] = token.split('.');
    const tampered = `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('A') ? 'B' : 'A'}A`;
    await expect(authenticate(request(`Bearer ${tampered}`))).rejects.toThrow('invalid access token');
  });

  it('verifies again once the remembered token has expired by its own clock', async () => {
    const issuer = await createAccessTokenIssuer();
    let clock = Date.now();
    const authenticate = createAuthenticator({ keySet: issuer.jwks }, { now: () => clock });
    const token = await issuer.sign({ sub: 'user-1' }, '5m');
    await authenticate(request(`Bearer ${token}`));
    clock += 6 * 60_000;
    // The entry is gone; verifying again against the real clock still accepts this unexpired token.
    await expect(authenticate(request(`Bearer ${token}`))).resolves.toMatchObject({ userId: 'user-1' });
  });
});
