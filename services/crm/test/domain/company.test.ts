import { InputIssues } from '@platform/domain';
import { domainErrorOf } from '@platform/domain/testing';
import {
  checkAdPerformance,
  checkRange,
  decodeAdCursor,
  encodeAdCursor,
  recordAdPerformance,
  type AdPerformanceInput,
} from '../../src/modules/company/domain/ad-performance';
import { assignUser, unassignUser } from '../../src/modules/company/domain/assignment';
import {
  checkCompanyFields,
  createCompany,
  deleteCompany,
  moveCompanyStage,
  normalizeCurrency,
  normalizeDomain,
  normalizeWebsite,
  parentProblem,
  restoreCompany,
  updateCompany,
  type Company,
} from '../../src/modules/company/domain/company';
import {
  DEFAULT_ORGANIZATION_SETTINGS,
  daysInStage,
  firstStage,
  healthStatus,
  resolveStage,
  stageEntryDaysFor,
} from '../../src/modules/company/domain/pipeline';

const ORGANIZATION = '0b6f2c1e-9a53-4c1e-8f0a-3d2b5e7c9a10';
const USER = '5d1e8c3a-7b24-4f6e-9c0d-1a2b3c4d5e6f';
const COMPANY = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const PARENT = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const GRANDPARENT = '7f3c2b1a-0e9d-4c8b-a7f6-e5d4c3b2a190';
const STAGE_EVENT = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f';
const CREATED = new Date('2026-11-29T09:30:00.000Z');
const LATER = new Date('2026-11-30T11:00:00.000Z');

function created(fields: Parameters<typeof checkCompanyFields>[0] = {}, stage = 'Onboarding') {
  const issues = new InputIssues();
  const checked = checkCompanyFields({ name: 'Acme', ...fields }, issues);
  expect(issues.list).toEqual([]);
  return createCompany(
    { id: COMPANY, organizationId: ORGANIZATION, createdById: USER, stageEventId: STAGE_EVENT },
    { ...checked, name: checked.name ?? 'Acme' },
    stage,
    CREATED,
  );
}

const aCompany = (overrides: Partial<Company> = {}): Company => ({ ...created().company, ...overrides });

function issuesOf(fields: Parameters<typeof checkCompanyFields>[0]) {
  const issues = new InputIssues();
  const checked = checkCompanyFields(fields, issues);
  return { checked, paths: issues.list.map((issue) => issue.path) };
}

describe('company fields', () => {
  it('normalises domains to their lower-case host without www, from a name or a URL', () => {
    expect(normalizeDomain(' Acme.COM ')).toBe('acme.com');
    expect(normalizeDomain('https://www.Acme.com/about?x=1')).toBe('acme.com');
    expect(normalizeDomain('shop.acme.co.uk.')).toBe('shop.acme.co.uk');
    expect(normalizeDomain('bücher.de')).toBe('xn--bcher-kva.de');
    for (const bad of [
      'acme',
      'localhost',
      '10.0.0.1',
      'ftp://acme.com',
      'a..b.com',
      '-acme.com',
      'user:pw@acme.com',
    ])
      expect(normalizeDomain(bad)).toBeNull();
  });

  it('accepts http(s) websites, adding https:// when no scheme is given', () => {
    expect(normalizeWebsite('acme.com/about')).toBe('https://acme.com/about');
    expect(normalizeWebsite('http://Acme.com')).toBe('http://acme.com/');
    expect(normalizeWebsite('javascript://acme.com')).toBeNull();
    expect(normalizeWebsite('https://localhost')).toBeNull();
    expect(normalizeWebsite(`https://acme.com/${'x'.repeat(500)}`)).toBeNull();
  });

  it('accepts ISO 4217 currency codes in any case', () => {
    expect(normalizeCurrency(' eur ')).toBe('EUR');
    expect(normalizeCurrency('XYZ')).toBeNull();
    expect(normalizeCurrency('EURO')).toBeNull();
  });

  it('reports every problem of the fields at once', () => {
    const { paths } = issuesOf({
      name: ' ',
      domain: 'not a domain',
      website: 'ftp://acme.com',
      currency: 'euro',
      industry: 'x'.repeat(101),
      description: 'x'.repeat(10_001),
      notes: 'x'.repeat(10_001),
      revenue: '-1',
      lifetimeValue: '-0.5',
      installDate: new Date('0000-06-01T00:00:00.000Z'),
      tags: ['ok', ' ', 'x'.repeat(65)],
      parentCompanyId: 'nope',
      primaryContactId: 'nope',
    });
    expect(paths).toEqual([
      'name',
      'domain',
      'website',
      'currency',
      'industry',
      'description',
      'notes',
      'revenue',
      'lifetimeValue',
      'installDate',
      'tags.1',
      'tags.2',
      'parentCompanyId',
      'primaryContactId',
    ]);
  });

  it('treats null as clearing optional fields, and refuses to clear the name and isActive', () => {
    const { checked, paths } = issuesOf({
      name: null,
      isActive: null,
      domain: null,
      notes: '  ',
      tags: null,
    });
    expect(paths).toEqual(['name', 'isActive']);
    expect(checked).toEqual({ domain: null, notes: null, tags: [] });
  });

  it('trims text and drops duplicate tags', () => {
    const { checked } = issuesOf({ name: '  Acme  ', industry: ' Retail ', tags: [' vip', 'vip ', 'new'] });
    expect(checked).toEqual({ name: 'Acme', industry: 'Retail', tags: ['vip', 'new'] });
  });
});

describe('company hierarchy', () => {
  const chain = (ancestors: string[], live = true) => ({ live, ancestors });

  it('accepts a live parent that is not below the company', () => {
    expect(parentProblem(COMPANY, PARENT, chain([GRANDPARENT]))).toBeNull();
    expect(parentProblem(null, PARENT, chain([]))).toBeNull();
  });

  it('refuses the company itself, unknown and deleted companies, and cycles at any depth', () => {
    expect(parentProblem(COMPANY, COMPANY, chain([]))).toMatch(/itself/);
    expect(parentProblem(COMPANY, PARENT, null)).toMatch(/not a company of the organization/);
    expect(parentProblem(COMPANY, PARENT, chain([], false))).toMatch(/deleted/);
    expect(parentProblem(COMPANY, PARENT, chain([COMPANY]))).toMatch(/cycle/);
    expect(parentProblem(COMPANY, PARENT, chain([GRANDPARENT, COMPANY]))).toMatch(/cycle/);
  });
});

describe('pipeline stages and health', () => {
  it('resolves a stage in any case to the organization’s spelling, listing the stages otherwise', () => {
    const issues = new InputIssues();
    expect(resolveStage(DEFAULT_ORGANIZATION_SETTINGS, ' needs support ', issues)).toBe('Needs Support');
    expect(issues.list).toEqual([]);
    resolveStage(DEFAULT_ORGANIZATION_SETTINGS, 'Churned', issues, 'accountStage');
    expect(issues.list).toEqual([
      {
        path: 'accountStage',
        code: 'invalid',
        message:
          "must be one of the organization's stages: Onboarding, Installation, Audit, Live, Needs Support, Off-Boarding",
      },
    ]);
    expect(firstStage({ pipelineStages: ['Kickoff', 'Live'] })).toBe('Kickoff');
  });

  it('counts the calendar days passed in the organization’s time zone', () => {
    const entered = new Date('2026-03-01T22:30:00.000Z');
    const now = new Date('2026-03-02T01:00:00.000Z');
    expect(daysInStage(entered, now, 'UTC')).toBe(1);
    // Both are the evening of March 1 in Los Angeles, the morning of March 2 in Tokyo.
    expect(daysInStage(entered, now, 'America/Los_Angeles')).toBe(0);
    expect(daysInStage(entered, now, 'Asia/Tokyo')).toBe(0);
    // Across a daylight-saving change (New York, March 8 2026), still whole days.
    expect(
      daysInStage(
        new Date('2026-03-07T15:00:00.000Z'),
        new Date('2026-03-10T14:00:00.000Z'),
        'America/New_York',
      ),
    ).toBe(3);
    expect(
      daysInStage(new Date('2026-03-07T15:00:00.000Z'), new Date('2026-03-01T00:00:00.000Z'), 'UTC'),
    ).toBe(0);
    expect(daysInStage(entered, now, 'Not/AZone')).toBe(1);
  });

  it('turns yellow at yellowAfterDays and red at redAfterDays', () => {
    const thresholds = { yellowAfterDays: 7, redAfterDays: 14 };
    expect([0, 6, 7, 13, 14, 400].map((days) => healthStatus(days, thresholds))).toEqual([
      'green',
      'green',
      'yellow',
      'yellow',
      'red',
      'red',
    ]);
  });

  it('compiles each health to the stage-entry days that give it, consistently with the rule', () => {
    const settings = { yellowAfterDays: 3, redAfterDays: 5, timezone: 'America/New_York' };
    const now = new Date('2026-06-10T02:00:00.000Z'); // June 9, 22:00 in New York
    for (let offset = 0; offset < 10; offset += 1) {
      const entered = new Date(now.getTime() - offset * 86_400_000);
      const day = new Intl.DateTimeFormat('en-CA', { timeZone: settings.timezone }).format(entered);
      const health = healthStatus(daysInStage(entered, now, settings.timezone), settings);
      for (const candidate of ['green', 'yellow', 'red'] as const) {
        const { from, to } = stageEntryDaysFor(candidate, now, settings);
        const inside = (from === null || day >= from) && (to === null || day <= to);
        expect({ offset, candidate, inside }).toEqual({ offset, candidate, inside: candidate === health });
      }
    }
  });
});

describe('company lifecycle', () => {
  it('creates a company in a stage, with the first history entry and an event without free text', () => {
    const { company, stageEvent, events } = created({
      domain: 'acme.com',
      notes: 'Secret note',
      size: 'employees_11_50',
    });
    expect(company).toMatchObject({
      accountStage: 'Onboarding',
      stageEnteredAt: CREATED,
      totalSpend: '0',
      isActive: true,
      version: 1,
      tags: [],
      customFields: {},
    });
    expect(stageEvent).toEqual({
      id: STAGE_EVENT,
      organizationId: ORGANIZATION,
      companyId: COMPANY,
      fromStage: null,
      toStage: 'Onboarding',
      movedById: USER,
      notes: null,
      createdAt: CREATED,
    });
    expect(events.map((event) => event.data)).toEqual([
      {
        companyId: COMPANY,
        organizationId: ORGANIZATION,
        parentCompanyId: null,
        primaryContactId: null,
        accountStage: 'Onboarding',
        size: 'employees_11_50',
        isActive: true,
        createdById: USER,
        createdAt: CREATED.toISOString(),
      },
    ]);
  });

  it('updates at the version read, naming the changed fields only', () => {
    const company = aCompany({ name: 'Acme', tags: ['vip'] });
    const {
      company: updated,
      changedFields,
      events,
    } = updateCompany(company, { name: 'Acme', tags: ['vip', 'new'], revenue: '1200.5' }, 1, USER, LATER);
    expect(changedFields).toEqual(['revenue', 'tags']);
    expect(updated).toMatchObject({ version: 2, revenue: '1200.5', tags: ['vip', 'new'], updatedAt: LATER });
    expect(events.map((event) => event.data)).toMatchObject([
      { changedFields: ['revenue', 'tags'], version: 2 },
    ]);
    expect(JSON.stringify(events)).not.toContain('1200.5');
  });

  it('changes nothing when nothing differs, and refuses a stale version with CONFLICT', () => {
    const company = aCompany({ version: 3 });
    expect(updateCompany(company, { name: company.name }, 3, USER, LATER)).toEqual({
      company,
      changedFields: [],
      events: [],
    });
    const error = domainErrorOf(() => updateCompany(company, { name: 'Other' }, 2, USER, LATER));
    expect(error.code).toBe('CONFLICT');
    expect(error.details).toEqual({ expectedVersion: 2, currentVersion: 3 });
  });

  it('deletes and restores, each once', () => {
    const { company: deleted, events } = deleteCompany(aCompany(), USER, LATER);
    expect(deleted).toMatchObject({ deletedAt: LATER, version: 2 });
    expect(events.map((event) => event.type)).toEqual(['crm.company.deleted.v1']);
    expect(domainErrorOf(() => deleteCompany(deleted, USER, LATER)).code).toBe('CONFLICT');
    const { company: restored } = restoreCompany(deleted, USER, LATER);
    expect(restored).toMatchObject({ deletedAt: null, version: 3 });
    expect(domainErrorOf(() => restoreCompany(restored, USER, LATER)).code).toBe('CONFLICT');
  });

  it('moves to another stage with a history entry, and refuses the stage it is in', () => {
    const { company, stageEvent, events } = moveCompanyStage(
      aCompany(),
      'Live',
      'Went live on Monday',
      { stageEventId: STAGE_EVENT, movedById: USER },
      LATER,
    );
    expect(company).toMatchObject({ accountStage: 'Live', stageEnteredAt: LATER, version: 2 });
    expect(stageEvent).toMatchObject({
      fromStage: 'Onboarding',
      toStage: 'Live',
      notes: 'Went live on Monday',
    });
    expect(events.map((event) => event.data)).toEqual([
      {
        companyId: COMPANY,
        organizationId: ORGANIZATION,
        stageEventId: STAGE_EVENT,
        from: 'Onboarding',
        to: 'Live',
        version: 2,
        movedById: USER,
        movedAt: LATER.toISOString(),
      },
    ]);
    const error = domainErrorOf(() =>
      moveCompanyStage(company, 'Live', null, { stageEventId: STAGE_EVENT, movedById: USER }, LATER),
    );
    expect(error.code).toBe('CONFLICT');
    expect(error.details).toEqual({ from: 'Live', to: 'Live' });
  });

  it('dates a move after the moment the company entered its stage, whatever the clock says', () => {
    const company = aCompany({ stageEnteredAt: LATER });
    const { company: moved, stageEvent } = moveCompanyStage(
      company,
      'Live',
      null,
      { stageEventId: STAGE_EVENT, movedById: USER },
      CREATED,
    );
    const next = new Date(LATER.getTime() + 1);
    expect(moved.stageEnteredAt).toEqual(next);
    expect(stageEvent.createdAt).toEqual(next);
  });

  it('assigns and unassigns with events naming the user and role', () => {
    const { assignment, events } = assignUser(
      { id: STAGE_EVENT, organizationId: ORGANIZATION, companyId: COMPANY, assignedById: USER },
      PARENT,
      'owner',
      LATER,
    );
    expect(assignment).toMatchObject({ userId: PARENT, role: 'owner', createdAt: LATER });
    expect(events.map((event) => [event.type, event.subject])).toEqual([
      ['crm.company.assignment_added.v1', COMPANY],
    ]);
    expect(unassignUser(assignment, USER, LATER).events.map((event) => event.data)).toEqual([
      {
        companyId: COMPANY,
        organizationId: ORGANIZATION,
        assignmentId: STAGE_EVENT,
        userId: PARENT,
        role: 'owner',
        removedById: USER,
        removedAt: LATER.toISOString(),
      },
    ]);
  });
});

describe('ad performance', () => {
  const day: AdPerformanceInput = {
    platform: 'google_ads',
    accountId: ' 123-456 ',
    date: new Date('2026-11-28T00:00:00.000Z'),
    spend: '120.5',
    impressions: 1000,
    clicks: 40,
    conversions: '2.5',
  };
  const ids = { id: STAGE_EVENT, organizationId: ORGANIZATION, companyId: COMPANY, recordedById: USER };

  function checked(input: AdPerformanceInput) {
    const issues = new InputIssues();
    const figures = checkAdPerformance(input, issues);
    return { figures, paths: issues.list.map((issue) => issue.path) };
  }

  it('checks a day’s figures, reporting every problem at once', () => {
    expect(checked(day)).toMatchObject({
      figures: { accountId: '123-456', campaignId: null, revenue: null },
      paths: [],
    });
    expect(
      checked({
        ...day,
        accountId: ' ',
        campaignId: 'x'.repeat(101),
        date: new Date('0000-01-01T00:00:00.000Z'),
        spend: '-1',
        impressions: -1,
        clicks: 1.5,
        conversions: '-2',
        revenue: '-3',
      }).paths,
    ).toEqual([
      'date',
      'accountId',
      'campaignId',
      'spend',
      'impressions',
      'clicks',
      'conversions',
      'revenue',
    ]);
  });

  it('records a new day, corrects a changed one, and leaves the same figures alone', () => {
    const { figures } = checked(day);
    const first = recordAdPerformance(ids, figures, null, CREATED);
    expect(first.changed).toBe(true);
    expect(first.events.map((event) => event.data)).toEqual([
      {
        companyId: COMPANY,
        organizationId: ORGANIZATION,
        adPerformanceId: STAGE_EVENT,
        platform: 'google_ads',
        date: '2026-11-28',
        created: true,
        recordedById: USER,
        recordedAt: CREATED.toISOString(),
      },
    ]);
    const again = recordAdPerformance({ ...ids, id: PARENT }, figures, first.row, LATER);
    expect(again).toEqual({ row: first.row, changed: false, events: [] });
    const corrected = recordAdPerformance(
      { ...ids, id: PARENT },
      { ...figures, spend: '130' },
      first.row,
      LATER,
    );
    expect(corrected.row).toMatchObject({
      id: STAGE_EVENT,
      spend: '130',
      createdAt: CREATED,
      updatedAt: LATER,
    });
    expect(corrected.events.map((event) => event.data)).toMatchObject([{ created: false }]);
  });

  it('reads its own cursors back and refuses others', () => {
    const position = { date: new Date('2026-11-28T00:00:00.000Z'), platform: 'meta_ads' as const };
    expect(decodeAdCursor(encodeAdCursor(position))).toEqual(position);
    for (const bad of [
      '',
      'bm9wZQ',
      Buffer.from('ad|2026-11-28|tiktok').toString('base64url'),
      Buffer.from('ad|0000-01-01|meta_ads').toString('base64url'),
    ])
      expect(domainErrorOf(() => decodeAdCursor(bad)).code).toBe('BAD_USER_INPUT');
  });

  it('refuses a range that ends before it starts', () => {
    const range = {
      from: new Date('2026-11-28T00:00:00.000Z'),
      to: new Date('2026-11-27T00:00:00.000Z'),
      platform: null,
    };
    expect(domainErrorOf(() => checkRange(range)).code).toBe('BAD_USER_INPUT');
    const yearZero = new Date('0000-06-01T00:00:00.000Z');
    expect(domainErrorOf(() => checkRange({ from: yearZero, to: null, platform: null })).details).toEqual({
      issues: [{ path: 'from', message: 'must be a date in the years 1–9999', code: 'invalid' }],
    });
    expect(checkRange({ ...range, to: range.from })).toEqual({ ...range, to: range.from });
  });
});
