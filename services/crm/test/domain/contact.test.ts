import { DomainError } from '@platform/service-kit';
import { displayName, MAX_TAGS, newContact, type NewContactInput } from '../../src/domain/contact';

const ORGANIZATION = '0b6f2c1e-9a53-4c1e-8f0a-3d2b5e7c9a10';
const SIGNED_IN_USER = '5d1e8c3a-7b24-4f6e-9c0d-1a2b3c4d5e6f';

const create = (input: NewContactInput) => newContact('contact-1', ORGANIZATION, input, SIGNED_IN_USER);

/** The DomainError `work` throws (fails the test if it throws nothing or something else). */
function thrown(work: () => unknown): DomainError {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('newContact', () => {
  it('trims names, lower-cases the email and fills the defaults', () => {
    expect(
      create({ givenName: '  Ada ', familyName: ' Lovelace ', email: '  Ada.Lovelace@Example.COM ' }),
    ).toEqual({
      id: 'contact-1',
      organizationId: ORGANIZATION,
      ownerId: SIGNED_IN_USER,
      givenName: 'Ada',
      familyName: 'Lovelace',
      email: 'ada.lovelace@example.com',
      phone: null,
      relationshipState: 'Lead',
      tags: [],
      customFields: {},
    });
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
      expect(thrown(() => create({ givenName: 'Ada', phone })).details).toEqual({
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
    expect(thrown(() => create({ givenName: 'Ada', tags: tooMany })).details).toEqual({
      issues: [{ path: 'tags', message: `at most ${MAX_TAGS} tags`, code: 'invalid' }],
    });
  });

  it('reports every problem at once, by field, as BAD_USER_INPUT', () => {
    const error = thrown(() =>
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
    expect(newContact('contact-2', ORGANIZATION, { givenName: 'Ada' }, null).ownerId).toBeNull();
  });
});

describe('displayName', () => {
  it('joins given and family name, or uses the given name alone', () => {
    expect(displayName({ givenName: 'Ada', familyName: 'Lovelace' })).toBe('Ada Lovelace');
    expect(displayName({ givenName: 'Ada', familyName: null })).toBe('Ada');
  });
});
