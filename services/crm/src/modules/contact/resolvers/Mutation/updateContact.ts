import type { MutationResolvers } from '../../../../generated/graphql';
import type { ContactPatch } from '../../domain/contact';
import { parseInput } from '@platform/service-kit';
import { given, set, UpdateContactInput } from '../../input-fields';

export const updateContact: NonNullable<MutationResolvers['updateContact']> = (
  _parent,
  { id, expectedVersion, input: raw },
  { auth, contacts },
) => {
  const input = parseInput(UpdateContactInput, raw);
  const patch: ContactPatch = {
    ...(set(input.givenName) ? { givenName: input.givenName } : {}),
    ...(set(input.relationshipState) ? { relationshipState: input.relationshipState } : {}),
    ...(set(input.status) ? { status: input.status } : {}),
    ...(given(input.familyName) ? { familyName: input.familyName } : {}),
    ...(given(input.email) ? { email: input.email } : {}),
    ...(given(input.phone) ? { phone: input.phone } : {}),
    ...(given(input.lifecycleStage) ? { lifecycleStage: input.lifecycleStage } : {}),
    ...(given(input.leadStatus) ? { leadStatus: input.leadStatus } : {}),
    ...(given(input.organizationRole) ? { organizationRole: input.organizationRole } : {}),
    ...(given(input.locale) ? { locale: input.locale } : {}),
    ...(given(input.timezone) ? { timezone: input.timezone } : {}),
    ...(given(input.nextFollowUpAt) ? { nextFollowUpAt: input.nextFollowUpAt } : {}),
    ...(given(input.tags) ? { tags: input.tags } : {}),
    ...(given(input.ownerId) ? { ownerId: input.ownerId } : {}),
    ...(given(input.customFields) ? { customFields: input.customFields } : {}),
  };
  return contacts.update(auth, id, patch, expectedVersion);
};
