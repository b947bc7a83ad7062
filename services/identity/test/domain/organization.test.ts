import {
  createOrganization,
  organizationCanSignIn,
  slugFromName,
  slugProblem,
} from '../../src/modules/organization/domain/organization';

const ORGANIZATION = '0b6f2c1e-9a53-4c1e-8f0a-3d2b5e7c9a10';
const AGENCY = '4a3b2c1d-0e9f-4a8b-9c7d-6e5f4a3b2c1d';
const NOW = new Date('2026-11-29T09:30:00.000Z');

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

describe('createOrganization', () => {
  const input = {
    id: ORGANIZATION,
    name: 'Acme Realty',
    slug: 'acme-realty',
    vertical: 'real_estate' as const,
    parentOrganizationId: AGENCY,
  };

  it('creates an active organization, created and updated now', () => {
    expect(createOrganization(input, NOW).organization).toEqual({
      ...input,
      status: 'active',
      createdAt: NOW,
      updatedAt: NOW,
    });
  });

  it('implies identity.organization.created.v1, with the organization as its own tenant', () => {
    const { events } = createOrganization(input, NOW);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'identity.organization.created.v1',
        source: '/services/identity',
        subject: ORGANIZATION,
        tenantid: ORGANIZATION,
        time: NOW.toISOString(),
        data: {
          organizationId: ORGANIZATION,
          name: 'Acme Realty',
          slug: 'acme-realty',
          vertical: 'real_estate',
          status: 'active',
          parentOrganizationId: AGENCY,
          createdAt: NOW.toISOString(),
        },
      }),
    ]);
  });
});

describe('organizationCanSignIn', () => {
  it.each([
    ['active', true],
    ['suspended', true],
    ['cancelled', false],
  ] as const)('answers %p with %p', (status, canSignIn) => {
    expect(organizationCanSignIn({ status })).toBe(canSignIn);
  });
});
