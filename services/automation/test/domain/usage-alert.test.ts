import {
  notifiedOfUsage,
  renderUsageAlert,
  type OrganizationMember,
} from '../../src/modules/notification/domain/notification';

// Usage alerts: who gets them, and what they say.

const ORGANIZATION = '0b6f2c1e-9a53-4c1e-8f0a-3d2b5e7c9a10';
const addresses = { from: 'CRM Platform <no-reply@localhost>', to: 'owner@example.com' };
const alert = {
  organizationId: ORGANIZATION,
  metric: 'contacts' as const,
  threshold: 80 as const,
  used: 80,
  limit: 100,
  planId: 'free' as const,
  reachedAt: '2026-05-14T10:20:00.000Z',
};

describe('notifiedOfUsage', () => {
  const owner: OrganizationMember = {
    id: 'u1',
    email: 'owner@example.com',
    type: 'human',
    status: 'active',
    deleted: false,
    roles: ['owner'],
  };

  it('is the active, undeleted people holding owner or admin', () => {
    expect(notifiedOfUsage(owner)).toBe(true);
    expect(notifiedOfUsage({ ...owner, roles: ['agent', 'admin'] })).toBe(true);
    expect(notifiedOfUsage({ ...owner, roles: ['manager', 'agent'] })).toBe(false);
    expect(notifiedOfUsage({ ...owner, status: 'invited' })).toBe(false);
    expect(notifiedOfUsage({ ...owner, status: 'suspended' })).toBe(false);
    expect(notifiedOfUsage({ ...owner, deleted: true })).toBe(false);
    expect(notifiedOfUsage({ ...owner, type: 'ai' })).toBe(false);
  });
});

describe('renderUsageAlert', () => {
  it('says how much of which limit is used at 80 %', () => {
    expect(renderUsageAlert(alert, addresses)).toEqual({
      ...addresses,
      subject: 'Your organization used 80% of its contacts limit',
      text:
        'Your organization uses 80 contacts; its Free plan includes 100 contacts (80%).\n\n' +
        'At the limit, new contacts are refused until some are deleted or the plan is upgraded.',
      html:
        '<p>Your organization uses 80 contacts; its Free plan includes 100 contacts (80%).</p>\n' +
        '<p>At the limit, new contacts are refused until some are deleted or the plan is upgraded.</p>',
    });
  });

  it('says the limit is reached at 100 %, storage in GB', () => {
    const message = renderUsageAlert(
      {
        ...alert,
        metric: 'storage_bytes',
        threshold: 100,
        used: 11_000_000_000,
        limit: 10 * 2 ** 30,
        planId: 'basic',
      },
      addresses,
    );
    expect(message.subject).toBe('Your organization reached its storage limit');
    expect(message.text).toBe(
      'Your organization uses 10.2 GB of storage; its Basic plan includes 10.0 GB of storage (102%).\n\n' +
        'From now on, new attachments and documents are refused until some are deleted or the plan is upgraded.',
    );
  });
});
