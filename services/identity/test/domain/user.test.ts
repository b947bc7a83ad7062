import {
  createUser,
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
      type: 'human',
      status: 'invited',
      roles: ['agent'],
      givenName: 'Ada',
      familyName: null,
      lastLoginAt: null,
      createdAt: NOW,
      updatedAt: NOW,
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
