import { domainErrorOf } from '@platform/domain/testing';
import {
  createContact,
  mergeContacts,
  updateContact,
  type NewContactInput,
} from '../../src/modules/contact/domain/contact';
import { normalizeEmail } from '../../src/modules/contact/domain/contact-details';

const ORGANIZATION = '0b6f2c1e-9a53-4c1e-8f0a-3d2b5e7c9a10';
const CONTACT = '7f3c2b1a-0e9d-4c8b-a7f6-e5d4c3b2a190';
const NOW = new Date('2026-11-29T09:30:00.000Z');

const create = (input: Omit<NewContactInput, 'givenName'>) =>
  createContact(
    { id: CONTACT, organizationId: ORGANIZATION, defaultOwnerId: null },
    { givenName: 'Ada', ...input },
    NOW,
  ).contact;
const issuesOf = (input: Omit<NewContactInput, 'givenName'>) => {
  const error = domainErrorOf(() => create(input));
  expect(error.code).toBe('BAD_USER_INPUT');
  return (error.details?.['issues'] as Array<{ path: string; message: string }>).map((issue) => issue.path);
};

describe('a contact’s emails, phones and addresses', () => {
  it('keeps exactly one primary per list, and the primary as the contact’s email and phone', () => {
    const contact = create({
      emails: [
        { address: 'Ada@Work.example', type: 'work' },
        { address: 'ada@home.example', type: 'personal', isPrimary: true, verified: true },
      ],
      phones: [{ number: '+1 (555) 123-4567', type: 'mobile' }],
      addresses: [{ type: 'home', city: ' Toronto ', country: 'ca' }],
    });
    expect(contact.emails).toEqual([
      { address: 'ada@work.example', type: 'work', isPrimary: false, verified: false },
      { address: 'ada@home.example', type: 'personal', isPrimary: true, verified: true },
    ]);
    expect(contact.email).toBe('ada@home.example');
    // A single entry is primary whether flagged or not.
    expect(contact.phones).toEqual([
      { number: '+15551234567', type: 'mobile', isPrimary: true, verified: false },
    ]);
    expect(contact.phone).toBe('+15551234567');
    expect(contact.addresses).toEqual([
      {
        type: 'home',
        street: null,
        city: 'Toronto',
        region: null,
        postalCode: null,
        country: 'CA',
        isPrimary: true,
      },
    ]);
  });

  it('refuses two primaries or none, duplicates, bad entries and email with emails, every problem at once', () => {
    expect(
      issuesOf({
        email: 'a@b.example',
        emails: [
          { address: 'x@y.example', isPrimary: true },
          { address: 'X@Y.example', isPrimary: true },
          { address: 'nope' },
        ],
        phones: [{ number: '+15551234567' }, { number: '5551234' }],
        addresses: [{ type: 'work' }, { city: 'Paris', country: 'France' }],
      }),
    ).toEqual([
      'email',
      'emails.1.address',
      'emails.2.address',
      'emails',
      'phones.1.number',
      'phones',
      'addresses.0',
      'addresses.1.country',
      'addresses',
    ]);
  });

  it('sets the primary email through the single field, keeping the other entries, and clears it', () => {
    const contact = create({
      emails: [
        { address: 'work@example.com', type: 'work', isPrimary: true, verified: true },
        { address: 'home@example.com', type: 'personal' },
      ],
    });
    const changed = updateContact(contact, { email: 'new@example.com' }, 1, null, NOW).contact;
    expect(changed.emails).toEqual([
      { address: 'new@example.com', type: 'work', isPrimary: true, verified: false },
      { address: 'home@example.com', type: 'personal', isPrimary: false, verified: false },
    ]);
    const cleared = updateContact(changed, { email: null }, 2, null, NOW).contact;
    expect(cleared.emails).toEqual([
      { address: 'home@example.com', type: 'personal', isPrimary: true, verified: false },
    ]);
    expect(cleared.email).toBe('home@example.com');
  });
});

describe('a contact’s other fields', () => {
  it('accepts spec 000’s profile, source, ids and score fields', () => {
    const contact = create({
      middleName: ' William ',
      prefix: 'Dr.',
      suffix: 'III',
      dateOfBirth: new Date('1980-01-01T00:00:00.000Z'),
      gender: 'Non-binary',
      avatarUrl: 'https://cdn.example.com/a.png',
      bio: 'Investor',
      source: 'Website Form',
      sourceDetails: { campaign: 'summer2024' },
      externalIds: { salesforce: '0011p00002DpX8aAAF', hubspot: '101' },
      metadata: { lastSyncAt: '2024-06-15T12:00:00Z' },
      privacyLevel: 'Private',
      leadScore: 'A',
      leadScoreValue: 87,
    });
    expect(contact).toMatchObject({
      middleName: 'William',
      dateOfBirth: '1980-01-01',
      externalIds: { salesforce: '0011p00002DpX8aAAF', hubspot: '101' },
      privacyLevel: 'Private',
      leadScoreValue: 87,
    });
  });

  it('refuses a future or too early birth date, a non-http avatar, bad external ids, an out-of-range score and oversized JSON', () => {
    expect(
      issuesOf({
        dateOfBirth: new Date('2030-01-01T00:00:00.000Z'),
        avatarUrl: 'javascript:alert(1)',
        externalIds: { 'Sales Force': '1', hubspot: '' },
        leadScoreValue: 101,
        metadata: { blob: 'x'.repeat(9000) },
      }),
    ).toEqual([
      'dateOfBirth',
      'avatarUrl',
      'metadata',
      'externalIds.Sales Force',
      'externalIds.hubspot',
      'leadScoreValue',
    ]);
    expect(issuesOf({ dateOfBirth: new Date('1899-12-31T00:00:00.000Z') })).toEqual(['dateOfBirth']);
  });

  it('reads emails RFC 5322-ish: no spaces, a dotted domain, no empty labels', () => {
    expect(normalizeEmail(' O.Brien+crm@Mail.Example.ORG ')).toBe('o.brien+crm@mail.example.org');
    for (const bad of [
      'a@b',
      'a b@c.example',
      'a@-b.example',
      'a@b..example',
      '@b.example',
      'a..b@c.example',
    ]) {
      expect(normalizeEmail(bad)).toBeNull();
    }
  });
});

describe('mergeContacts', () => {
  const make = (id: string, input: Omit<NewContactInput, 'givenName'> & { givenName?: string }) =>
    createContact(
      { id, organizationId: ORGANIZATION, defaultOwnerId: null },
      { givenName: 'Ada', ...input },
      NOW,
    ).contact;
  const KEPT = '11111111-1111-4111-8111-111111111111';
  const DUPLICATE = '22222222-2222-4222-8222-222222222222';

  it('keeps the kept values, fills the empty ones, joins the lists and deletes the duplicate', () => {
    const kept = make(KEPT, { email: 'ada@work.example', tags: ['vip'], customFields: { budget: 1 } });
    const duplicate = make(DUPLICATE, {
      givenName: 'Adeline',
      familyName: 'Lovelace',
      emails: [{ address: 'ada@home.example' }, { address: 'ADA@work.example', isPrimary: true }],
      phones: [{ number: '+15551234567' }],
      tags: ['vip', 'investor'],
      customFields: { budget: 2, region: 'north' },
    });
    const result = mergeContacts(kept, duplicate, null, NOW);
    expect(result.kept).toMatchObject({
      givenName: 'Ada',
      familyName: 'Lovelace',
      email: 'ada@work.example',
      phone: '+15551234567',
      tags: ['vip', 'investor'],
      customFields: { budget: 1, region: 'north' },
      version: 2,
    });
    expect(result.kept.emails.map((entry) => [entry.address, entry.isPrimary])).toEqual([
      ['ada@work.example', true],
      ['ada@home.example', false],
    ]);
    expect(result.merged.deletedAt).toEqual(NOW);
    expect(result.changedFields.sort()).toEqual(
      ['customFields', 'emails', 'familyName', 'phone', 'phones', 'tags'].sort(),
    );
    const events = result.eventsFor({ tasks: 2, tickets: 0 });
    expect(events.map((event) => event.type)).toEqual(['crm.contact.merged.v1', 'crm.contact.deleted.v1']);
    expect(events[0]?.data).toMatchObject({
      contactId: KEPT,
      mergedContactId: DUPLICATE,
      movedRecords: { tasks: 2 },
    });
    expect(JSON.stringify(events)).not.toMatch(/lovelace|example/i);
  });

  it('refuses merging a contact into itself', () => {
    const kept = make(KEPT, {});
    expect(domainErrorOf(() => mergeContacts(kept, kept, null, NOW)).code).toBe('BAD_USER_INPUT');
  });
});
