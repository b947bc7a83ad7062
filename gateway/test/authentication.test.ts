import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import {
  assertTrustedProxyHops,
  clientAddressOf,
  createAuthenticator,
  VerifiedTokens,
} from '../src/authentication';
import { createAccessTokenIssuer, tablePrincipals } from './support';

// Edge authentication remembers verified access tokens until they expire (the same token comes with
// every request of a client), and only exactly those tokens; what the user may do comes from their
// principal, asked each time (the principal source caches and is kept current by identity's events).

const credential = { type: 'user', organizationId: 'org-1', userId: 'user-1' } as const;
function request(authorization: string): IncomingMessage {
  const message = new IncomingMessage(new Socket());
  message.headers = { authorization, 'user-agent': 'jest/30' };
  return message;
}

describe('VerifiedTokens', () => {
  it('answers a remembered token until it expires, then forgets it', () => {
    const tokens = new VerifiedTokens(10);
    tokens.set('t1', credential, 2_000);
    expect(tokens.get('t1', 1_999)).toEqual(credential);
    expect(tokens.get('t1', 2_000)).toBeUndefined();
    expect(tokens.get('t1', 1_000)).toBeUndefined();
  });

  it('drops the oldest token when full, and never more than its capacity', () => {
    const tokens = new VerifiedTokens(2);
    tokens.set('a', credential, 10_000);
    tokens.set('b', credential, 10_000);
    tokens.set('c', credential, 10_000);
    expect(tokens.get('a', 0)).toBeUndefined();
    expect(tokens.get('b', 0)).toEqual(credential);
    expect(tokens.get('c', 0)).toEqual(credential);
  });
});

describe('clientAddressOf', () => {
  /** A request from an unconnected socket (its peer unknown: null) with these forwarded entries. */
  function forwarded(header?: string): IncomingMessage {
    const message = new IncomingMessage(new Socket());
    message.headers = header === undefined ? {} : { 'x-forwarded-for': header };
    return message;
  }

  it('trusts no forwarded header by default: the socket’s peer, whatever the caller wrote', () => {
    expect(clientAddressOf(forwarded('203.0.113.7'), 0)).toBeNull();
    expect(clientAddressOf(forwarded(), 0)).toBeNull();
  });

  it('takes the entry as many hops from the right as there are trusted proxies', () => {
    // The caller wrote 198.51.100.66; the load balancer appended the address it saw.
    expect(clientAddressOf(forwarded('198.51.100.66, 203.0.113.7'), 1)).toBe('203.0.113.7');
    // A CDN, then a load balancer: the CDN's entry is the client's; the last is the CDN's own.
    expect(clientAddressOf(forwarded('198.51.100.66,203.0.113.7 , 192.0.2.10'), 2)).toBe('203.0.113.7');
    expect(clientAddressOf(forwarded('2001:db8::1'), 1)).toBe('2001:db8::1');
  });

  it('falls back to the leftmost entry when a proxy added none, and to the peer for no header or garbage', () => {
    expect(clientAddressOf(forwarded('203.0.113.7'), 2)).toBe('203.0.113.7');
    expect(clientAddressOf(forwarded(), 1)).toBeNull();
    expect(clientAddressOf(forwarded(' , '), 1)).toBeNull();
    expect(clientAddressOf(forwarded('198.51.100.66, not-an-address'), 1)).toBeNull();
    expect(clientAddressOf(forwarded('203.0.113.7:4711'), 1)).toBeNull();
  });

  it('accepts whole hop counts from 0 to 10 only', () => {
    expect(() => assertTrustedProxyHops(0)).not.toThrow();
    expect(() => assertTrustedProxyHops(10)).not.toThrow();
    for (const bad of [-1, 1.5, 11, Number.NaN]) expect(() => assertTrustedProxyHops(bad)).toThrow(/hops/);
  });
});

describe('createAuthenticator', () => {
  it('answers a token the same way verified or remembered, with its principal, and a tampered copy never', async () => {
    const issuer = await createAccessTokenIssuer();
    const principals = tablePrincipals({ roles: ['admin'], permissions: ['contacts:read'] });
    const authenticate = createAuthenticator({ keySet: issuer.jwks }, principals);
    const token = await issuer.sign({ sub: 'user-1', org: 'org-1' });
    const first = await authenticate(request(`Bearer ${token}`));
    const second = await authenticate(request(`Bearer ${token}`));
    expect(first).toMatchObject({
      organizationId: 'org-1',
      userId: 'user-1',
      roles: ['admin'],
      permissions: ['contacts:read'],
      organizationStatus: 'active',
      userAgent: 'jest/30',
    });
    expect(second).toEqual(first);
    expect(principals.asked).toEqual([credential, credential]);
    const [header, payload, signature = ''] = token.split('.');
    // One character of the signature changed (never to itself), well inside it.
    const tampered = `${header}.${payload}.${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    await expect(authenticate(request(`Bearer ${tampered}`))).rejects.toThrow('invalid access token');
  });

  it('refuses a token without an organization', async () => {
    const issuer = await createAccessTokenIssuer();
    const authenticate = createAuthenticator(
      { keySet: issuer.jwks },
      tablePrincipals({ roles: [], permissions: [] }),
    );
    const token = await issuer.sign({ sub: 'user-1' });
    await expect(authenticate(request(`Bearer ${token}`))).rejects.toThrow('malformed claims');
  });

  it('verifies again once the remembered token has expired by its own clock', async () => {
    const issuer = await createAccessTokenIssuer();
    let clock = Date.now();
    const authenticate = createAuthenticator(
      { keySet: issuer.jwks },
      tablePrincipals({ roles: [], permissions: [] }),
      { now: () => clock },
    );
    const token = await issuer.sign({ sub: 'user-1', org: 'org-1' }, '5m');
    await authenticate(request(`Bearer ${token}`));
    clock += 6 * 60_000;
    // The entry is gone; verifying again against the real clock still accepts this unexpired token.
    await expect(authenticate(request(`Bearer ${token}`))).resolves.toMatchObject({ userId: 'user-1' });
  });
});
