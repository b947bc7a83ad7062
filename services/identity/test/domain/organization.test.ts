import { domainErrorOf } from '@platform/domain/testing';
import {
  cancel,
  changedSettings,
  changeOrganization,
  createOrganization,
  defaultSettings,
  reactivate,
  suspend,
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
      statusReason: null,
      statusChangedAt: null,
      suspendedBy: null,
      logoUrl: null,
      domain: null,
      settings: defaultSettings(),
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
          settings: defaultSettings(),
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

describe('settings', () => {
  const organization = createOrganization(
    { id: ORGANIZATION, name: 'Acme', slug: 'acme', vertical: 'general', parentOrganizationId: null },
    NOW,
  ).organization;

  it('starts with spec 004’s defaults: UTC, no business hours, six pipeline stages, 7 and 14 days', () => {
    expect(organization.settings).toEqual({
      timezone: 'UTC',
      businessHours: [],
      pipelineStages: ['Onboarding', 'Installation', 'Audit', 'Live', 'Needs Support', 'Off-Boarding'],
      healthThresholds: { yellowAfterDays: 7, redAfterDays: 14 },
    });
  });

  it('changes what is given, keeps the rest, sorts business hours by weekday, and implies the updated event', () => {
    const later = new Date(NOW.getTime() + 60_000);
    const { organization: changed, events } = changeOrganization(
      organization,
      { domain: 'CRM.Acme.Example', logoUrl: 'https://acme.example/logo.png' },
      {
        timezone: 'America/New_York',
        businessHours: [
          { day: 'friday', opensAt: '09:00', closesAt: '15:00' },
          { day: 'monday', opensAt: '08:30', closesAt: '17:00' },
        ],
      },
      later,
    );
    expect(changed).toMatchObject({
      domain: 'crm.acme.example',
      logoUrl: 'https://acme.example/logo.png',
      updatedAt: later,
      settings: {
        timezone: 'America/New_York',
        businessHours: [
          { day: 'monday', opensAt: '08:30', closesAt: '17:00' },
          { day: 'friday', opensAt: '09:00', closesAt: '15:00' },
        ],
        pipelineStages: organization.settings.pipelineStages,
      },
    });
    expect(events).toEqual([
      expect.objectContaining({
        type: 'identity.organization.updated.v1',
        data: expect.objectContaining({ domain: 'crm.acme.example', settings: changed.settings }) as unknown,
      }),
    ]);
  });

  it('reports every invalid setting at once, by field', () => {
    const error = domainErrorOf(() =>
      changeOrganization(
        organization,
        { logoUrl: 'http://insecure.example/logo.png', domain: 'not a host' },
        {
          timezone: 'Mars/Olympus_Mons',
          businessHours: [
            { day: 'monday', opensAt: '9:00', closesAt: '17:00' },
            { day: 'monday', opensAt: '10:00', closesAt: '09:00' },
          ],
          pipelineStages: ['Live', ' live ', ''],
          healthThresholds: { yellowAfterDays: 10, redAfterDays: 10 },
        },
        NOW,
      ),
    );
    expect(error.code).toBe('BAD_USER_INPUT');
    const paths = (error.details?.['issues'] as Array<{ path: string }>).map((issue) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['logoUrl', 'domain']));
    const settingsError = domainErrorOf(() =>
      changedSettings(organization.settings, {
        timezone: 'Mars/Olympus_Mons',
        businessHours: [
          { day: 'monday', opensAt: '9:00', closesAt: '17:00' },
          { day: 'monday', opensAt: '10:00', closesAt: '09:00' },
        ],
        pipelineStages: ['Live', ' live ', ''],
        healthThresholds: { yellowAfterDays: 10, redAfterDays: 10 },
      }),
    );
    expect((settingsError.details?.['issues'] as Array<{ path: string }>).map((issue) => issue.path)).toEqual(
      [
        'timezone',
        'businessHours.0.opensAt',
        'businessHours.1.day',
        'businessHours.1.closesAt',
        'pipelineStages.1',
        'pipelineStages.2',
        'healthThresholds.redAfterDays',
      ],
    );
  });
});

describe('the status lifecycle', () => {
  const active = createOrganization(
    { id: ORGANIZATION, name: 'Acme', slug: 'acme', vertical: 'general', parentOrganizationId: AGENCY },
    NOW,
  ).organization;
  const by = { userId: null, actingFromOrganizationId: null };
  const later = (days: number) => new Date(NOW.getTime() + days * 86_400_000);

  it('suspends an active organization with a reason, and says who suspended it', () => {
    const { organization, events } = suspend(active, 'owner', ' Paused for the season ', by, later(1));
    expect(organization).toMatchObject({
      status: 'suspended',
      statusReason: 'Paused for the season',
      suspendedBy: 'owner',
      statusChangedAt: later(1),
    });
    expect(events[0]).toMatchObject({
      type: 'identity.organization.status_changed.v1',
      data: { from: 'active', to: 'suspended', suspendedBy: 'owner', reason: 'Paused for the season' },
    });
  });

  it.each([
    ['owner', 'owner', true],
    ['owner', 'agency', true],
    ['agency', 'owner', false],
    ['agency', 'agency', true],
    ['platform', 'agency', false],
    ['platform', 'platform', true],
  ] as const)('a suspension by the %s can be lifted by the %s: %p', (suspender, lifter, allowed) => {
    const suspended = suspend(active, suspender, 'reason', by, later(1)).organization;
    const attempt = () => reactivate(suspended, lifter, by, later(2));
    if (allowed)
      expect(attempt().organization).toMatchObject({
        status: 'active',
        statusReason: null,
        suspendedBy: null,
      });
    else expect(domainErrorOf(attempt).code).toBe('FORBIDDEN');
  });

  it('cancels with the slug as confirmation; only the agency brings it back, within 30 days', () => {
    expect(domainErrorOf(() => cancel(active, 'closing', 'wrong', by, later(1))).code).toBe('BAD_USER_INPUT');
    const cancelled = cancel(active, 'closing', 'acme', by, later(1)).organization;
    expect(cancelled).toMatchObject({ status: 'cancelled', statusReason: 'closing' });
    expect(domainErrorOf(() => reactivate(cancelled, 'owner', by, later(2))).code).toBe('FORBIDDEN');
    expect(reactivate(cancelled, 'agency', by, later(30)).organization.status).toBe('active');
    expect(domainErrorOf(() => reactivate(cancelled, 'agency', by, later(32))).code).toBe('CONFLICT');
  });

  it('refuses transitions that do not exist (CONFLICT)', () => {
    expect(domainErrorOf(() => reactivate(active, 'owner', by, later(1))).code).toBe('CONFLICT');
    const suspended = suspend(active, 'owner', 'r', by, later(1)).organization;
    expect(domainErrorOf(() => suspend(suspended, 'owner', 'again', by, later(2))).code).toBe('CONFLICT');
    const cancelled = cancel(active, 'r', 'acme', by, later(1)).organization;
    expect(domainErrorOf(() => cancel(cancelled, 'r', 'acme', by, later(2))).code).toBe('CONFLICT');
  });
});
