import { defaultSettings } from '../../src/modules/organization/domain/organization';
import { DomainError } from '@platform/domain';
import { domainErrorOf } from '@platform/domain/testing';
import {
  checkSignUp,
  foundOrganization,
  type SignUpCommand,
} from '../../src/modules/authentication/domain/authentication';
import {
  ACCOUNT_POLICY,
  afterFailure,
  ensureNotBlocked,
  type ThrottleState,
} from '../../src/modules/authentication/domain/throttle';
import { newRecoveryCodes, normalizeRecoveryCode } from '../../src/modules/authentication/domain/mfa';

// Sign-up rules, sign-in throttling and recovery codes: pure rules, no I/O. The use cases that store
// anything are tested against real PostgreSQL in test/integration/authentication.test.ts.

const PASSWORD = 'correct horse battery staple';

const signUpCommand = (overrides: Partial<SignUpCommand> = {}): SignUpCommand => ({
  organizationName: 'Acme Realty, Inc.',
  email: '  Founder@Acme.Example ',
  password: PASSWORD,
  givenName: ' Ada ',
  familyName: '',
  ...overrides,
});

describe('sign-in throttling', () => {
  const start = new Date('2026-11-29T10:00:00.000Z');
  const at = (seconds: number) => new Date(start.getTime() + seconds * 1000);
  const failures = (count: number, everySeconds = 0): ThrottleState | null => {
    let state: ThrottleState | null = null;
    for (let index = 0; index < count; index += 1)
      state = afterFailure(state, 'account:x', ACCOUNT_POLICY, at(index * everySeconds));
    return state;
  };

  it('lets the first five failures through without delay', () => {
    expect(failures(5)?.blockedUntil).toBeNull();
  });

  it('then makes each attempt wait longer: 1 s, 2 s, 4 s, 8 s', () => {
    expect(
      [6, 7, 8, 9].map((count) => (failures(count)?.blockedUntil?.getTime() ?? 0) - start.getTime()),
    ).toEqual([1000, 2000, 4000, 8000]);
  });

  it('locks for 15 minutes at the tenth failure, refusing every attempt meanwhile with how long to wait', () => {
    const locked = failures(10);
    expect(locked?.blockedUntil).toEqual(at(15 * 60));
    const error = domainErrorOf(() => ensureNotBlocked(locked, at(60)));
    expect(error).toMatchObject({ code: 'TOO_MANY_REQUESTS', details: { retryAfterSeconds: 840 } });
    expect(() => ensureNotBlocked(locked, at(15 * 60))).not.toThrow();
  });

  it('forgets failures after a quiet quarter of an hour', () => {
    const state = failures(9);
    const later = afterFailure(state, 'account:x', ACCOUNT_POLICY, at(16 * 60));
    expect(later).toMatchObject({ failures: 1, blockedUntil: null });
  });
});

describe('recovery codes', () => {
  it('makes ten distinct, readable codes that compare without case or hyphens', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{2}$/);
    expect(normalizeRecoveryCode(' K7M2-P9QX-4T ')).toBe('k7m2p9qx4t');
  });
});

describe('checkSignUp', () => {
  it('trims the name and keeps a given slug over the one made from the name', () => {
    expect(
      checkSignUp(
        signUpCommand({ organizationName: '  Acme  ', organizationSlug: ' acme-2 ', vertical: null }),
      ),
    ).toMatchObject({ organizationName: 'Acme', organizationSlug: 'acme-2', vertical: 'general' });
  });

  it('reports every problem at once, by field, in a message too', () => {
    let error: unknown;
    try {
      checkSignUp({ organizationName: 'A', email: 'x', password: 'short' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      code: 'BAD_USER_INPUT',
      message:
        'organizationName must be 2–255 characters; organizationSlug must be 2–100 characters; ' +
        'email must be a valid email address; password must be at least 12 characters',
    });
  });

  it('refuses names over 255 characters instead of cutting them', () => {
    const error = domainErrorOf(() =>
      checkSignUp(signUpCommand({ givenName: 'a'.repeat(256), familyName: ` ${'b'.repeat(255)} ` })),
    );
    expect(error.details).toEqual({
      issues: [{ path: 'givenName', message: 'must be at most 255 characters', code: 'invalid' }],
    });
  });
});

describe('foundOrganization', () => {
  const ids = {
    organizationId: '0b6f2c1e-9a53-4c1e-8f0a-3d2b5e7c9a10',
    userId: '5d1e8c3a-7b24-4f6e-9c0d-1a2b3c4d5e6f',
  };
  const NOW = new Date('2026-11-29T09:30:00.000Z');

  it('makes the founder an active human owner and admin of the new organization, signed in now', () => {
    const { organization, founder } = foundOrganization(checkSignUp(signUpCommand()), ids, NOW);
    expect(organization).toEqual({
      id: ids.organizationId,
      name: 'Acme Realty, Inc.',
      slug: 'acme-realty-inc',
      vertical: 'general',
      status: 'active',
      parentOrganizationId: null,
      statusReason: null,
      statusChangedAt: null,
      suspendedBy: null,
      logoUrl: null,
      domain: null,
      settings: defaultSettings(),
      createdAt: NOW,
      updatedAt: NOW,
    });
    expect(founder).toMatchObject({
      id: ids.userId,
      organizationId: ids.organizationId,
      email: 'founder@acme.example',
      username: 'founder',
      type: 'human',
      status: 'active',
      roles: ['owner', 'admin'],
      givenName: 'Ada',
      familyName: null,
      lastLoginAt: NOW,
      createdAt: NOW,
      updatedAt: NOW,
      deletedAt: null,
    });
  });

  it('implies the organization’s event, then the founder’s, both in the new organization', () => {
    const { events } = foundOrganization(checkSignUp(signUpCommand()), ids, NOW);
    expect(events.map(({ type, subject, tenantid, time }) => ({ type, subject, tenantid, time }))).toEqual([
      {
        type: 'identity.organization.created.v1',
        subject: ids.organizationId,
        tenantid: ids.organizationId,
        time: NOW.toISOString(),
      },
      {
        type: 'identity.user.created.v1',
        subject: ids.userId,
        tenantid: ids.organizationId,
        time: NOW.toISOString(),
      },
    ]);
  });
});
