import { emailProblem, passwordProblem } from '../../src/domain/user';

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
