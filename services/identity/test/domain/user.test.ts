import { domainErrorOf } from '@platform/domain/testing';
import { USER_ACTIONS, USER_STATUSES } from '@platform/events/catalog';
import {
  changedProfile,
  createUser,
  transition,
  usernameFromEmail,
  USER_TRANSITIONS,
  type UserStatus,
  emailProblem,
  passwordProblem,
  userCanSignIn,
  type NewUser,
} from '../../src/modules/user/domain/user';

const ORGANIZATION = '0b6f2c1e-9a53-4c1e-8f0a-3d2b5e7c9a10';
const USER = '5d1e8c3a-7b24-4f6e-9c0d-1a2b3c4d5e6f';
const NOW = new Date('2026-11-29T09:30:00.000Z');

describe('emailProblem', () => {
  it.each(['ada@example.com', '  Ada.Lovelace+crm@Example.CO.uk  ', 'a@b.io'])('accepts %p', (email) => {
    expect(emailProblem(email)).toBeNull();
  });

  it.each(['', 'ada', 'ada@example', '@example.com', 'ada@@example.com', 'ada lovelace@example.com'])(
    'refuses %p',
    (email) => {
      expect(emailProblem(email)).toBe('must be a valid email address');
    },
  );

  it('refuses addresses longer than 255 characters', () => {
    expect(emailProblem(`${'a'.repeat(244)}@example.com`)).toBe('must be at most 255 characters');
    expect(emailProblem(`${'a'.repeat(243)}@example.com`)).toBeNull();
  });
});

describe('passwordProblem', () => {
  it('asks for length only: 12 to 256 characters of anything', () => {
    expect(passwordProblem('a'.repeat(11))).toBe('must be at least 12 characters');
    expect(passwordProblem('a'.repeat(12))).toBeNull();
    expect(passwordProblem('correct horse battery staple')).toBeNull();
    expect(passwordProblem('a'.repeat(256))).toBeNull();
    expect(passwordProblem('a'.repeat(257))).toBe('must be at most 256 characters');
  });
});

describe('userCanSignIn', () => {
  it.each([
    ['active', true],
    ['invited', false],
    ['pending', false],
    ['inactive', false],
    ['suspended', false],
  ] as const)('answers %p with %p', (status, canSignIn) => {
    expect(userCanSignIn({ status })).toBe(canSignIn);
  });
});

describe('createUser', () => {
  const input = (overrides: Partial<NewUser> = {}): NewUser => ({
    id: USER,
    organizationId: ORGANIZATION,
    email: '  Ada.Lovelace@Example.COM ',
    type: 'human',
    status: 'invited',
    roles: ['agent'],
    givenName: ' Ada ',
    familyName: '   ',
    ...overrides,
  });

  it('stores the email normalized and blank names as null; nobody has signed in yet', () => {
    expect(createUser(input(), NOW).user).toEqual({
      id: USER,
      organizationId: ORGANIZATION,
      email: 'ada.lovelace@example.com',
      emailVerified: false,
      username: 'ada.lovelace',
      type: 'human',
      status: 'invited',
      statusReason: null,
      statusChangedAt: null,
      roles: ['agent'],
      givenName: 'Ada',
      familyName: null,
      displayName: null,
      title: null,
      department: null,
      phoneNumber: null,
      phoneNumberVerified: false,
      timezone: null,
      locale: null,
      avatarUrl: null,
      externalIds: {},
      metadata: {},
      lastLoginAt: null,
      lastActiveAt: null,
      mfaEnabled: false,
      createdAt: NOW,
      updatedAt: NOW,
      deletedAt: null,
    });
  });

  it('refuses names over 255 characters instead of cutting them', () => {
    expect(createUser(input({ familyName: 'x'.repeat(255) }), NOW).user.familyName).toBe('x'.repeat(255));
    expect(() => createUser(input({ familyName: 'x'.repeat(256) }), NOW)).toThrow(
      'familyName must be at most 255 characters',
    );
  });

  it('implies identity.user.created.v1 in the user’s organization, carrying no password', () => {
    const { events } = createUser(input({ type: 'ai', status: 'active', roles: ['agent', 'viewer'] }), NOW);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'identity.user.created.v1',
        source: '/services/identity',
        subject: USER,
        tenantid: ORGANIZATION,
        time: NOW.toISOString(),
        data: {
          userId: USER,
          organizationId: ORGANIZATION,
          email: 'ada.lovelace@example.com',
          username: 'ada.lovelace',
          type: 'ai',
          status: 'active',
          roles: ['agent', 'viewer'],
          givenName: 'Ada',
          familyName: null,
          createdAt: NOW.toISOString(),
        },
      }),
    ]);
  });
});

describe('the account state machine', () => {
  const base = createUser(
    {
      id: USER,
      organizationId: ORGANIZATION,
      email: 'ada@example.com',
      type: 'human',
      status: 'invited',
      roles: [],
    },
    NOW,
  ).user;
  const at = (status: UserStatus, deleted = false) => ({ ...base, status, deletedAt: deleted ? NOW : null });
  const context = { changedById: null, now: NOW, reason: 'because' };

  // Every action from every state: the allowed ones land where USER_TRANSITIONS says, the rest are CONFLICTs.
  const cases = USER_STATUSES.flatMap((status) => USER_ACTIONS.map((action) => [status, action] as const));
  it.each(cases)('%s + %s', (status, action) => {
    const expected =
      action === 'reinvite'
        ? status === 'invited'
          ? 'invited'
          : undefined
        : USER_TRANSITIONS[action][status];
    if (expected === undefined) {
      expect(domainErrorOf(() => transition(at(status), action, context)).code).toBe('CONFLICT');
      return;
    }
    const { user, events } = transition(at(status), action, context);
    expect(user.status).toBe(expected);
    expect(user.deletedAt).toEqual(action === 'delete' ? NOW : null);
    expect(events[0]).toMatchObject({
      type: 'identity.user.status_changed.v1',
      data: { action, from: status, to: expected, deleted: action === 'delete' },
    });
  });

  it('a deleted user only comes back by being invited again', () => {
    for (const action of USER_ACTIONS.filter((candidate) => candidate !== 'reinvite')) {
      expect(domainErrorOf(() => transition(at('active', true), action, context)).code).toBe('CONFLICT');
    }
    expect(transition(at('active', true), 'reinvite', context).user).toMatchObject({
      status: 'invited',
      deletedAt: null,
    });
  });

  it('keeps the reason of a deactivation or suspension, and verifies the email on acceptance', () => {
    expect(transition(at('active'), 'suspend', context).user.statusReason).toBe('because');
    expect(transition(at('suspended'), 'reactivate', context).user.statusReason).toBeNull();
    expect(transition(at('invited'), 'accept', context).user.emailVerified).toBe(true);
  });

  it('only active, undeleted people sign in; machine users act but never sign in', () => {
    expect(userCanSignIn(at('active'))).toBe(true);
    expect(userCanSignIn({ ...at('active'), type: 'integration' })).toBe(false);
    expect(userCanSignIn(at('active', true))).toBe(false);
    for (const status of ['invited', 'pending', 'inactive', 'suspended'] as const)
      expect(userCanSignIn(at(status))).toBe(false);
  });
});

describe('profiles', () => {
  const user = createUser(
    {
      id: USER,
      organizationId: ORGANIZATION,
      email: 'ada@example.com',
      type: 'human',
      status: 'active',
      roles: [],
    },
    NOW,
  ).user;

  it('validates every field at once', () => {
    const error = domainErrorOf(() =>
      changedProfile(
        user,
        {
          username: 'A!',
          phoneNumber: '555-1234',
          timezone: 'Atlantis/Capital',
          locale: 'not a locale!',
          avatarUrl: 'ftp://x',
        },
        NOW,
      ),
    );
    expect((error.details?.['issues'] as Array<{ path: string }>).map((issue) => issue.path)).toEqual([
      'username',
      'phoneNumber',
      'timezone',
      'locale',
      'avatarUrl',
    ]);
  });

  it('normalizes what it keeps, and a changed phone number is no longer verified', () => {
    const verified = { ...user, phoneNumber: '+15551234567', phoneNumberVerified: true };
    expect(
      changedProfile(verified, { username: 'Ada.L', locale: 'en-us', phoneNumber: '+15557654321' }, NOW),
    ).toMatchObject({
      username: 'ada.l',
      locale: 'en-US',
      phoneNumber: '+15557654321',
      phoneNumberVerified: false,
    });
    expect(changedProfile(verified, { phoneNumber: '' }, NOW).phoneNumber).toBeNull();
  });

  it('makes usernames from emails', () => {
    expect(usernameFromEmail('Ada.Lovelace+crm@x.io')).toBe('ada.lovelace-crm');
    expect(usernameFromEmail('a@x.io')).toBe('user-a');
  });
});
