import { DomainError } from '@platform/domain';
import { domainErrorOf } from '@platform/domain/testing';
import {
  createContact,
  deleteContact,
  displayName,
  restoreContact,
  updateContact,
  MAX_TAGS,
  type NewContactInput,
} from '../../src/modules/contact/domain/contact';

const ORGANIZATION = '0b6f2c1e-9a53-4c1e-8f0a-3d2b5e7c9a10';
const SIGNED_IN_USER = '5d1e8c3a-7b24-4f6e-9c0d-1a2b3c4d5e6f';
const CONTACT = '7f3c2b1a-0e9d-4c8b-a7f6-e5d4c3b2a190';
const NOW = new Date('2026-11-29T09:30:00.000Z');

const created = (input: NewContactInput, defaultOwnerId: string | null = SIGNED_IN_USER) =>
  createContact({ id: CONTACT, organizationId: ORGANIZATION, defaultOwnerId }, input, NOW);
const create = (input: NewContactInput) => created(input).contact;

describe('createContact', () => {
  it('trims names, lower-cases the email and fills the defaults', () => {
    expect(
      create({ givenName: '  Ada ', familyName: ' Lovelace ', email: '  Ada.Lovelace@Example.COM ' }),
    ).toEqual({
      id: CONTACT,
      organizationId: ORGANIZATION,
      ownerId: SIGNED_IN_USER,
      givenName: 'Ada',
      familyName: 'Lovelace',
      middleName: null,
      prefix: null,
      suffix: null,
      email: 'ada.lovelace@example.com',
      phone: null,
      emails: [{ address: 'ada.lovelace@example.com', type: 'other', isPrimary: true, verified: false }],
      phones: [],
      addresses: [],
      dateOfBirth: null,
      gender: null,
      avatarUrl: null,
      bio: null,
      source: null,
      sourceDetails: {},
      privacyLevel: 'Internal',
      metadata: {},
      externalIds: {},
      assignedUserId: null,
      companyId: null,
      leadScore: null,
      leadScoreValue: null,
      relationshipState: 'Lead',
      lifecycleStage: null,
      leadStatus: null,
      status: 'active',
      organizationRole: null,
      locale: null,
      timezone: null,
      nextFollowUpAt: null,
      lastInteractionAt: null,
      leadTemperature: null,
      leadSignals: [],
      leadScoredAt: null,
      tags: [],
      customFields: {},
      version: 1,
      createdById: null,
      updatedById: null,
      createdAt: NOW,
      updatedAt: NOW,
      deletedAt: null,
    });
  });

  it('implies crm.contact.created.v1 for the contact, carrying no PII', () => {
    const { contact, events } = created({
      givenName: 'Ada',
      familyName: 'Lovelace',
      email: 'ada@example.com',
      phone: '+15551234567',
      relationshipState: 'Prospect',
      tags: ['vip'],
    });
    expect(events).toEqual([
      expect.objectContaining({
        type: 'crm.contact.created.v1',
        source: '/services/crm',
        subject: contact.id,
        tenantid: ORGANIZATION,
        time: NOW.toISOString(),
        data: {
          contactId: CONTACT,
          organizationId: ORGANIZATION,
          ownerId: SIGNED_IN_USER,
          companyId: null,
          relationshipState: 'Prospect',
          tags: ['vip'],
          createdAt: NOW.toISOString(),
        },
      }),
    ]);
    const serialized = JSON.stringify(events);
    for (const pii of ['Ada', 'Lovelace', 'ada@example.com', '+15551234567']) {
      expect(serialized).not.toContain(pii);
    }
  });

  it('implies no event when the input is refused', () => {
    expect(() => created({ givenName: ' ' })).toThrow(DomainError);
  });

  it('keeps what was given over the defaults', () => {
    const contact = create({
      givenName: 'Grace',
      relationshipState: 'Client',
      ownerId: '9e8d7c6b-5a49-4382-b1c0-ffeeddccbbaa',
      customFields: { budget: 250000 },
    });
    expect(contact).toMatchObject({
      relationshipState: 'Client',
      ownerId: '9e8d7c6b-5a49-4382-b1c0-ffeeddccbbaa',
      customFields: { budget: 250000 },
    });
  });

  it('stores blank optional fields as null', () => {
    expect(create({ givenName: 'Ada', familyName: '   ', email: '', phone: ' ' })).toMatchObject({
      familyName: null,
      email: null,
      phone: null,
    });
  });

  it.each([
    ['+15551234567', '+15551234567'],
    ['+1 555 123 4567', '+15551234567'],
    ['+1-555-123-4567', '+15551234567'],
    ['+44 (20) 7123.4567', '+442071234567'],
    ['  +49 30 1234567  ', '+49301234567'],
  ])('normalises the phone %p to E.164 %p', (phone, e164) => {
    expect(create({ givenName: 'Ada', phone }).phone).toBe(e164);
  });

  it.each(['5551234567', '+0 555 123 4567', '+1 555 CALL NOW', '+1234567890123456'])(
    'refuses the phone %p',
    (phone) => {
      expect(domainErrorOf(() => create({ givenName: 'Ada', phone })).details).toEqual({
        issues: [{ path: 'phone', message: 'must be in E.164 format, e.g. +15551234567', code: 'invalid' }],
      });
    },
  );

  it('trims tags and drops duplicates, keeping the first occurrence’s order', () => {
    expect(create({ givenName: 'Ada', tags: [' vip', 'lead', 'vip ', 'lead', 'math'] }).tags).toEqual([
      'vip',
      'lead',
      'math',
    ]);
  });

  it('counts tags after dropping duplicates', () => {
    const repeated = Array.from({ length: 2 * MAX_TAGS }, (_, index) => `tag-${index % MAX_TAGS}`);
    expect(create({ givenName: 'Ada', tags: repeated }).tags).toHaveLength(MAX_TAGS);
    const tooMany = Array.from({ length: MAX_TAGS + 1 }, (_, index) => `tag-${index}`);
    expect(domainErrorOf(() => create({ givenName: 'Ada', tags: tooMany })).details).toEqual({
      issues: [{ path: 'tags', message: `at most ${MAX_TAGS} tags`, code: 'invalid' }],
    });
  });

  it('reports every problem at once, by field, as BAD_USER_INPUT', () => {
    const error = domainErrorOf(() =>
      create({
        givenName: '   ',
        familyName: 'x'.repeat(256),
        email: 'not-an-email',
        phone: '555-1234',
        tags: ['ok', ' ', 't'.repeat(65)],
      }),
    );
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.details).toEqual({
      issues: [
        { path: 'givenName', message: 'must be 1–255 characters', code: 'invalid' },
        { path: 'familyName', message: 'must be at most 255 characters', code: 'invalid' },
        { path: 'email', message: 'must be a valid email address', code: 'invalid' },
        { path: 'phone', message: 'must be in E.164 format, e.g. +15551234567', code: 'invalid' },
        { path: 'tags.1', message: 'must be 1–64 characters', code: 'invalid' },
        { path: 'tags.2', message: 'must be 1–64 characters', code: 'invalid' },
      ],
    });
    expect(error.message).toBe(
      'givenName must be 1–255 characters; familyName must be at most 255 characters; ' +
        'email must be a valid email address; phone must be in E.164 format, e.g. +15551234567; ' +
        'tags.1 must be 1–64 characters; tags.2 must be 1–64 characters',
    );
  });

  it('leaves the owner empty when nobody is signed in and none is given', () => {
    expect(created({ givenName: 'Ada' }, null).contact.ownerId).toBeNull();
  });
});

describe('displayName', () => {
  it('joins given and family name, or uses the given name alone', () => {
    expect(displayName({ givenName: 'Ada', middleName: null, familyName: 'Lovelace' })).toBe('Ada Lovelace');
    expect(displayName({ givenName: 'Ada', middleName: null, familyName: null })).toBe('Ada');
  });
});

describe('updateContact', () => {
  const base = create({ givenName: 'Ada', email: 'ada@example.com', tags: ['vip'] });
  const LATER = new Date('2026-11-29T10:00:00.000Z');

  it('changes the given fields, bumps the version and names what changed', () => {
    const { contact, changedFields, events } = updateContact(
      base,
      {
        givenName: 'Ada',
        locale: 'pt-br',
        timezone: 'Europe/Lisbon',
        tags: ['vip'],
        leadStatus: 'qualified',
      },
      1,
      SIGNED_IN_USER,
      LATER,
    );
    expect(changedFields.sort()).toEqual(['leadStatus', 'locale', 'timezone']);
    expect(contact).toMatchObject({
      version: 2,
      locale: 'pt-BR',
      timezone: 'Europe/Lisbon',
      leadStatus: 'qualified',
      updatedById: SIGNED_IN_USER,
      updatedAt: LATER,
    });
    expect(events).toHaveLength(1);
    expect(events[0]?.type).toBe('crm.contact.updated.v1');
    expect(JSON.stringify(events)).not.toContain('ada@example.com');
  });

  it('changes nothing and publishes nothing when nothing differs', () => {
    const { contact, changedFields, events } = updateContact(
      base,
      { email: ' ADA@example.com ' },
      1,
      null,
      LATER,
    );
    expect(changedFields).toEqual([]);
    expect(events).toEqual([]);
    expect(contact).toBe(base);
  });

  it('refuses a stale version with CONFLICT and invalid fields with BAD_USER_INPUT', () => {
    expect(domainErrorOf(() => updateContact(base, { tags: [] }, 7, null, LATER))).toMatchObject({
      code: 'CONFLICT',
      details: { expectedVersion: 7, currentVersion: 1 },
    });
    const refused = domainErrorOf(() =>
      updateContact(base, { locale: '12345678901234567890', timezone: 'Nowhere/Land' }, 1, null, LATER),
    );
    expect(refused.code).toBe('BAD_USER_INPUT');
  });

  it('deletes and restores, once each', () => {
    const { contact: deleted, events } = deleteContact(base, SIGNED_IN_USER, LATER);
    expect(deleted).toMatchObject({ deletedAt: LATER, version: 2 });
    expect(events[0]?.type).toBe('crm.contact.deleted.v1');
    expect(domainErrorOf(() => deleteContact(deleted, null, LATER)).code).toBe('CONFLICT');
    const { contact: restored } = restoreContact(deleted, SIGNED_IN_USER, LATER);
    expect(restored).toMatchObject({ deletedAt: null, version: 3 });
    expect(domainErrorOf(() => restoreContact(restored, null, LATER)).code).toBe('CONFLICT');
  });
});
