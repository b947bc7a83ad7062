import type { FieldCipher, ListSpec } from '@platform/service-kit';
import { normalizeEmail, normalizePhone } from '../domain/contact';
import { blindIndexOf, MAX_PREFIX, namePrefixIndex, nameWords } from './contact-pii';

/**
 * How the contact list filters and sorts (the API's ContactFilter and ContactOrderField, see
 * contact.graphql) over the contacts table. Names, emails and phones are encrypted, so they are
 * matched without plaintext: a name prefix through the blind indexes of name prefixes (every word of
 * the search must begin a word of the names; words longer than ten letters are matched on their first
 * ten), an email or phone through its blind index; sorting by name uses the clear three-letter sort key.
 */
export function contactListSpec(cipher: FieldCipher, organizationId: string): ListSpec {
  const identifier =
    (kind: 'email' | 'phone') =>
    (condition: Readonly<Record<string, unknown>>, bind: (value: string, type: 'text') => string) => {
      const raw = condition.eq;
      if (typeof raw !== 'string') return 'TRUE';
      const value = kind === 'email' ? normalizeEmail(raw) : normalizePhone(raw);
      // A value that cannot be stored matches no contact.
      if (value === null) return 'FALSE';
      return `EXISTS (SELECT 1 FROM contact_identifiers i WHERE i.organization_id = t.organization_id
        AND i.contact_id = t.id AND i.kind = '${kind}'
        AND i.blind_index = ${bind(blindIndexOf(cipher, organizationId, kind, value), 'text')})`;
    };
  return {
    table: 'contacts',
    where: 't.deleted_at IS NULL',
    customFieldsColumn: 'custom_fields',
    customFieldSort: 'CUSTOM_FIELD',
    filters: {
      id: { column: 'id', type: 'uuid' },
      name: (condition, bind) => {
        const words = typeof condition.startsWith === 'string' ? nameWords(condition.startsWith) : [];
        const tokens = words.map((word) => [...word].slice(0, MAX_PREFIX).join(''));
        if (tokens.length === 0) return 'TRUE';
        return tokens
          .map(
            (
              prefix,
            ) => `EXISTS (SELECT 1 FROM contact_search_tokens s WHERE s.organization_id = t.organization_id
              AND s.contact_id = t.id AND s.token = ${bind(namePrefixIndex(cipher, organizationId, prefix), 'text')})`,
          )
          .join(' AND ');
      },
      email: identifier('email'),
      phone: identifier('phone'),
      relationshipState: { column: 'relationship_state', type: 'enum' },
      lifecycleStage: { column: 'lifecycle_stage', type: 'enum', nullable: true },
      leadStatus: { column: 'lead_status', type: 'enum', nullable: true },
      status: { column: 'status', type: 'enum' },
      organizationRole: { column: 'organization_role', type: 'enum', nullable: true },
      leadScore: { column: 'lead_score', type: 'enum', nullable: true },
      leadScoreValue: { column: 'lead_score_value', type: 'int', nullable: true },
      leadTemperature: { column: 'lead_temperature', type: 'enum', nullable: true },
      ownerId: { column: 'owner_id', type: 'uuid', nullable: true },
      assignedUserId: { column: 'assigned_user_id', type: 'uuid', nullable: true },
      companyId: { column: 'company_id', type: 'uuid', nullable: true },
      tags: { column: 'tags', type: 'text[]' },
      source: { column: 'source', type: 'text', nullable: true },
      locale: { column: 'locale', type: 'text', nullable: true },
      timezone: { column: 'timezone', type: 'text', nullable: true },
      createdAt: { column: 'created_at', type: 'timestamptz' },
      updatedAt: { column: 'updated_at', type: 'timestamptz' },
      lastInteractionAt: { column: 'last_interaction_at', type: 'timestamptz', nullable: true },
      nextFollowUpAt: { column: 'next_follow_up_at', type: 'timestamptz', nullable: true },
    },
    sorts: {
      CREATED_AT: { column: 'created_at', type: 'timestamptz' },
      UPDATED_AT: { column: 'updated_at', type: 'timestamptz' },
      NAME: { column: 'name_sort_key', type: 'text' },
      LAST_INTERACTION_AT: { column: 'last_interaction_at', type: 'timestamptz', nullable: true },
      NEXT_FOLLOW_UP_AT: { column: 'next_follow_up_at', type: 'timestamptz', nullable: true },
      LEAD_SCORE_VALUE: { column: 'lead_score_value', type: 'int', nullable: true },
    },
  };
}
