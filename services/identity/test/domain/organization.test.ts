import { slugFromName, slugProblem } from '../../src/domain/organization';

describe('slugFromName', () => {
  it.each([
    ['Acme Realty, Inc.', 'acme-realty-inc'],
    ['  Müller & Söhne GmbH  ', 'muller-sohne-gmbh'],
    ['Crème Brûlée Café', 'creme-brulee-cafe'],
    ['--Already--Hyphenated--', 'already-hyphenated'],
    ['Agency 42', 'agency-42'],
  ])('makes %p into %p', (name, slug) => {
    expect(slugFromName(name)).toBe(slug);
    expect(slugProblem(slug)).toBeNull();
  });

  it('gives nothing usable for a name without letters or digits', () => {
    expect(slugFromName('!!! ???')).toBe('');
    expect(slugProblem(slugFromName('!!! ???'))).not.toBeNull();
  });

  it('cuts long names to 100 characters without leaving a trailing hyphen', () => {
    const slug = slugFromName(`${'a'.repeat(99)} bcd`);
    expect(slug).toBe('a'.repeat(99));
    expect(slugProblem(slug)).toBeNull();
  });
});

describe('slugProblem', () => {
  it.each(['ab', 'acme-realty', 'agency-42', 'a'.repeat(100)])('accepts %p', (slug) => {
    expect(slugProblem(slug)).toBeNull();
  });

  it.each([
    ['a', 'must be 2–100 characters'],
    ['a'.repeat(101), 'must be 2–100 characters'],
    ['Acme', 'may contain only lower-case letters, digits and hyphens'],
    ['acme realty', 'may contain only lower-case letters, digits and hyphens'],
    ['acme_realty', 'may contain only lower-case letters, digits and hyphens'],
    ['-acme', 'must not start or end with a hyphen'],
    ['acme-', 'must not start or end with a hyphen'],
  ])('refuses %p: %s', (slug, problem) => {
    expect(slugProblem(slug)).toBe(problem);
  });
});
